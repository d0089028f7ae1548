"""One worker: its own Optuna loop on the shared study. Workers never wait for each other;
each starts its next trial as soon as it finishes one, until the study's budget is claimed."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import socket
import time
import warnings

import optuna

from recbench.errors import RecbenchError
from recbench.training import run
from recbench.tuning._budget import ERROR_ATTR, SURPLUS_ATTR, Budget, BudgetClaimed, grid_exhausted, is_surplus
from recbench.tuning._devices import WorkerSlot
from recbench.tuning._job import TuneJob
from recbench.tuning._pruning import PruningCallback
from recbench.tuning._samplers import make_pruner, make_sampler
from recbench.tuning._storage import open_storage

POLL_SECONDS = 1.0  # while others run the last trials: how often to look for a crashed one to retry


class TrialFailed(Exception):
    """A trial's run raised; Optuna records the trial as failed and the study goes on."""


class _NoTracebackForSurplus(logging.Filter):
    """A trial that yields its place in the budget is expected; its log line needs no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], BudgetClaimed):
            record.exc_info = None
        return True


NO_TRACEBACK_FOR_SURPLUS = _NoTracebackForSurplus()


def worker_seed(sampler_seed: int, worker_index: int, trials_so_far: int) -> int:
    """Distinct per worker and per resumption (a resumed random start must not repeat its first points),
    and the same for the same history."""
    digest = hashlib.sha256(f"{sampler_seed}-{worker_index}-{trials_so_far}".encode()).hexdigest()
    return int(digest[:8], 16)


def failure_cap(job: TuneJob) -> int:
    return job.settings["max_failures"] or job.n_trials


class Objective:
    def __init__(self, job: TuneJob, slot: WorkerSlot, study: optuna.Study) -> None:
        self.job, self.slot, self.study = job, slot, study
        self.trials_dir = job.study_dir / "trials"
        self.monitor = f"valid/{job.valid_metric}"
        self.warned: set[str] = set()

    def _show_new(self, caught: list[warnings.WarningMessage]) -> None:
        """Each warning once per worker: every trial reads the same data and would repeat it."""
        for warning in caught:
            text = str(warning.message)
            if text not in self.warned:
                self.warned.add(text)
                warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)

    def __call__(self, trial: optuna.Trial) -> float:
        trial.set_user_attr("worker", f"{socket.gethostname()}:{os.getpid()}")
        trial.set_user_attr("device", self.slot.label)
        if is_surplus(self.study, trial, self.job.n_trials):
            trial.set_user_attr(SURPLUS_ATTR, True)
            raise BudgetClaimed(f"the {self.job.n_trials} trials of the budget were already claimed by other workers")
        params = self.job.space.suggest(trial)
        seed = self.job.base["seed"]
        cfg = self.job.trial_config(params, seed, self.trials_dir, self.slot.trainer)
        if "compress" in cfg:  # a trial is judged on the float model's validation metric; final runs compress
            cfg.compress.method = "none"
        callbacks = [PruningCallback(trial, self.monitor)] if self.job.trains else []
        work_dir = self.trials_dir / f"{trial.number:05d}"
        try:
            with warnings.catch_warnings(record=True) as caught:
                result = run(cfg, self.job.command(params, seed), work_dir, callbacks)
        except optuna.TrialPruned:
            raise
        except Exception as exc:  # any error of one configuration is that trial's failure, not the study's
            message = f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:500]
            trial.set_user_attr(ERROR_ATTR, message)
            raise TrialFailed(message) from exc
        finally:
            shutil.rmtree(work_dir / "checkpoints", ignore_errors=True)  # trials' weights are not kept
            self._show_new(caught)
        record = result.record
        trial.set_user_attr("record", str(result.path))
        trial.set_user_attr("valid", record["metrics"]["valid"])  # validation only: the study never holds test numbers
        trial.set_user_attr("epochs", record["training"]["epochs"])
        return record["metrics"]["valid"][self.job.valid_metric]


def search_over(job: TuneJob, study: optuna.Study) -> bool:
    """The grid sampler's search ends with its grid, even when failed points leave the budget short."""
    return job.settings["sampler"] == "grid" and grid_exhausted(study, job.space.grid_size())


class StopWhenNoWorkLeft:
    """After each trial: leave Optuna's loop when the budget is claimed or failures say stop."""

    def __init__(self, job: TuneJob) -> None:
        self.job = job

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        budget = Budget.of(study)
        if (
            not budget.work_left(self.job.n_trials)
            or budget.failed >= failure_cap(self.job)
            or budget.repeated_error()
            or search_over(self.job, study)
        ):
            study.stop()


def check_failures(job: TuneJob, budget: Budget) -> None:
    repeated = budget.repeated_error()
    if repeated:
        raise RecbenchError(f"the first trials all failed with the same error, so the search stopped: {repeated}")
    if budget.failed >= failure_cap(job):
        last = f"; the last error: {budget.errors[-1]}" if budget.errors else ""
        raise RecbenchError(
            f"{budget.failed} trials failed (tune.max_failures={failure_cap(job)}), so the search stopped{last}. "
            f"Their runs are under {job.study_dir / 'trials'}; raise tune.max_failures to go on"
        )


def _fail_stale_trials(study: optuna.Study) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        optuna.storages.fail_stale_trials(study)


def work(job: TuneJob, slot: WorkerSlot) -> None:
    """Run trials until the study's budget is reached, the time is up, or failures stop it."""
    logging.getLogger("optuna.study._optimize").addFilter(NO_TRACEBACK_FOR_SURPLUS)  # added once, however often called
    study = optuna.load_study(
        study_name=job.study_name,
        storage=open_storage(job.storage),
        pruner=make_pruner(job.settings["pruner"], job.settings["warmup_epochs"], job.base["trainer"]["max_epochs"]),
    )
    seed = worker_seed(job.settings["sampler_seed"], slot.index, len(study.get_trials(deepcopy=False)))
    study.sampler = make_sampler(job.settings["sampler"], job.space, seed)
    objective = Objective(job, slot, study)
    while True:
        budget = Budget.of(study)
        if budget.reached(job.n_trials) or search_over(job, study):
            return
        check_failures(job, budget)
        remaining = job.remaining_seconds()
        if remaining is not None and remaining <= 0:
            return
        if not budget.work_left(job.n_trials):
            # Others hold the last trials. Stay until they finish: if one of them crashed, its
            # retry is this worker's to run once the heartbeat says so.
            time.sleep(POLL_SECONDS if remaining is None else min(POLL_SECONDS, remaining))
            _fail_stale_trials(study)
            continue
        study.optimize(
            objective,
            timeout=remaining,
            catch=(TrialFailed, BudgetClaimed),
            callbacks=[StopWhenNoWorkLeft(job)],
            # No forced collection between trials: with torch and Lightning loaded one costs about
            # 0.2 s, as long as a small trial; Python's own collector frees what trials leave behind.
            gc_after_trial=False,
        )
