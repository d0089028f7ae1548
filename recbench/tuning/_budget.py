"""Counting a study's trials against its budget, shared by every worker through the storage.

``n_trials`` counts finished trials (complete or pruned). A crashed trial is failed and
retried (a WAITING copy with the same hyperparameters), so it is neither lost nor counted
twice; a trial whose objective raised is failed, recorded and not counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import optuna
from optuna.trial import FrozenTrial, TrialState

SURPLUS_ATTR = "surplus"  # user attribute of a trial started after the budget was already claimed
ERROR_ATTR = "error"  # user attribute: why the trial's objective failed
CLAIMING = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING, TrialState.WAITING)


class BudgetClaimed(Exception):
    """Raised by a trial that another worker's trials already leave no room for."""


def is_retry(trial: FrozenTrial) -> bool:
    return "failed_trial" in trial.system_attrs


def is_surplus(study: optuna.Study, trial: optuna.Trial, n_trials: int) -> bool:
    """Two workers may ask for the last trial at the same moment; the later-numbered one yields.

    Retries of crashed trials never yield: they replace a trial that was already counted as claimed.
    """
    trials = study.get_trials(deepcopy=False)
    if any(t.number == trial.number and is_retry(t) for t in trials):
        return False
    return sum(1 for t in trials if t.number < trial.number and t.state in CLAIMING) >= n_trials


@dataclass(frozen=True)
class Budget:
    complete: int
    pruned: int
    running: int
    waiting: int
    failed: int  # objective errors and crashes; surplus trials are not failures
    errors: tuple[str, ...]  # messages of objective errors, in trial order

    @classmethod
    def of(cls, study: optuna.Study) -> Budget:
        trials = study.get_trials(deepcopy=False)
        states = Counter(t.state for t in trials)
        failed = [t for t in trials if t.state == TrialState.FAIL and not t.user_attrs.get(SURPLUS_ATTR)]
        errors = tuple(t.user_attrs[ERROR_ATTR] for t in failed if ERROR_ATTR in t.user_attrs)
        return cls(
            states[TrialState.COMPLETE], states[TrialState.PRUNED], states[TrialState.RUNNING], states[TrialState.WAITING],
            len(failed), errors,
        )

    @property
    def finished(self) -> int:
        return self.complete + self.pruned

    def reached(self, n_trials: int) -> bool:
        return self.finished >= n_trials

    def work_left(self, n_trials: int) -> bool:
        """A trial may start now: a retry is waiting, or running ones leave room in the budget."""
        return self.waiting > 0 or self.finished + self.running < n_trials

    def repeated_error(self, times: int = 3) -> str | None:
        """The message, when the first trials all failed the same way: a setup problem, not bad luck."""
        if self.complete or self.pruned or len(self.errors) < times:
            return None
        return self.errors[0] if len(set(self.errors[:times])) == 1 else None


def grid_exhausted(study: optuna.Study, grid_size: int) -> bool:
    """Every point of the grid has been tried to the end (a failed point is not tried again)."""
    ended = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
    tried = {
        tuple(sorted(t.params.items()))
        for t in study.get_trials(deepcopy=False, states=ended)
        if t.params and not t.user_attrs.get(SURPLUS_ATTR)
    }
    return len(tried) >= grid_size
