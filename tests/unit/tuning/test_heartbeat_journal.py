"""The embedded journal storage notices a crashed worker's trial, fails it and retries it once."""

from __future__ import annotations

import time

import optuna
import pytest
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

from recbench.tuning._journal import HEARTBEAT_ATTR, HeartbeatJournalStorage
from recbench.tuning._storage import retry_callback

# These tests ask for trials by hand to play a crashed worker; Optuna expects optimize() with heartbeats.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Heartbeat of storage is supposed to be used"),
    pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning"),
]


def storage(path, grace_period=2):
    return HeartbeatJournalStorage(JournalFileBackend(str(path)), 1, grace_period, retry_callback(max_retries=1))


def test_a_trial_without_heartbeats_past_the_grace_period_is_failed_and_retried(tmp_path):
    study = optuna.create_study(storage=storage(tmp_path / "journal.log"), study_name="s")
    trial = study.ask()
    trial.suggest_float("x", 0.0, 1.0)
    # The worker "crashes": nothing records its heartbeat any more.
    stale_storage = storage(tmp_path / "journal.log")
    assert stale_storage._get_stale_trial_ids(study._study_id) == []
    time.sleep(2.5)
    other = optuna.load_study(study_name="s", storage=stale_storage)
    optuna.storages.fail_stale_trials(other)
    states = [t.state for t in other.trials]
    assert states == [TrialState.FAIL, TrialState.WAITING]
    assert other.trials[1].params == other.trials[0].params
    assert other.trials[1].system_attrs["failed_trial"] == 0


def test_a_trial_with_fresh_heartbeats_is_alive(tmp_path):
    shared = storage(tmp_path / "journal.log", grace_period=2)
    study = optuna.create_study(storage=shared, study_name="s")
    trial = study.ask()
    time.sleep(1.5)
    shared.record_heartbeat(trial._trial_id)
    time.sleep(1.0)
    assert shared._get_stale_trial_ids(study._study_id) == []
    assert HEARTBEAT_ATTR in study.trials[0].system_attrs


def test_optimize_loop_runs_heartbeats_through_the_journal(tmp_path):
    shared = storage(tmp_path / "journal.log", grace_period=3)
    study = optuna.create_study(storage=shared, study_name="s")
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2
    assert all(HEARTBEAT_ATTR in t.system_attrs for t in study.trials)
