"""One worker's loop on a real study, in this process: pruned trials count, the budget is exact."""

from __future__ import annotations

import optuna
import pytest
from optuna.trial import TrialState

from recbench.tuning import prepare
from recbench.tuning._devices import WorkerSlot
from recbench.tuning._study import open_study
from recbench.tuning._worker import work


class AlwaysPrune(optuna.pruners.BasePruner):
    def prune(self, study, trial) -> bool:
        return True


@pytest.fixture
def job(offline_env, tmp_path, compose_tune):
    cfg = compose_tune("model=bpr", "trainer.max_epochs=3", "tune.n_trials=2", f"results_dir={tmp_path}")
    return prepare(cfg, ["recbench", "train", "model=bpr"])


def test_pruned_trials_stop_after_their_first_epoch_and_count_as_finished(job, monkeypatch):
    monkeypatch.setattr("recbench.tuning._worker.make_pruner", lambda *args: AlwaysPrune())
    study = open_study(job)
    work(job, WorkerSlot(0, "cpu"))
    assert [t.state for t in study.trials] == [TrialState.PRUNED] * 2
    assert all(list(t.intermediate_values) == [1] for t in study.trials)
    assert not list((job.study_dir / "trials" / "runs").glob("*.json"))  # a pruned trial writes no record


def test_worker_stops_at_the_budget_and_a_second_call_adds_nothing(job):
    study = open_study(job)
    work(job, WorkerSlot(0, "cpu"))
    work(job, WorkerSlot(1, "cpu"))
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2
    assert all(t.user_attrs["valid"]["ndcg@10"] == t.value for t in study.trials)
