"""Many workers on one study: shared storage, crashed workers, killed and resumed commands (slow tier)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import optuna
import pytest
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

from tests.conftest import missing


pytestmark = pytest.mark.slow

RECBENCH = [sys.executable, "-m", "recbench.cli"]
# Trials of a few seconds, so that a kill lands inside one; quick heartbeats, so a crash is noticed quickly.
TRIAL = ["model=bpr", "trainer.max_epochs=6", "trainer.patience=100", "tune.pruner=none", "tune.final_seeds=[0]"]
QUICK_HEARTBEATS = ["tune.heartbeat_interval=1", "tune.grace_period=4"]
POSTGRES_VARIABLE = "RECBENCH_TEST_POSTGRES_URL"


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_VARIABLE)
    if not url:
        missing(f"no PostgreSQL server: set {POSTGRES_VARIABLE} (.ci/run starts one)")
    try:
        import sqlalchemy

        with sqlalchemy.create_engine(url).connect():
            pass
    except Exception as exc:  # no driver, no server
        missing(f"PostgreSQL at {POSTGRES_VARIABLE} is not reachable: {type(exc).__name__}: {exc}")
    return url


def storage_for(kind: str, tmp_path: Path) -> str | None:
    return {"journal": None, "sqlite": f"sqlite:///{tmp_path / 'studies.db'}", "postgresql": postgres_url() if kind == "postgresql" else None}[kind]


def study_args(storage: str | None, name: str, results: Path) -> list[str]:
    storage_arg = [f"tune.storage={storage}"] if storage else []
    return [*storage_arg, f"tune.study_name={name}", f"results_dir={results}"]


def load(storage: str | None, name: str, results: Path) -> optuna.Study:
    if storage is None:
        storage = JournalStorage(JournalFileBackend(str(results / "studies" / name / "journal.log")))
    return optuna.load_study(study_name=name, storage=storage)


def run_tune(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*RECBENCH, "tune", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=900)


def start_tune(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    log = open(cwd / f"tune-{uuid.uuid4().hex[:6]}.log", "w")
    return subprocess.Popen([*RECBENCH, "tune", *args], env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(condition, what: str, timeout: float = 240.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def quietly(function):
    """The storage may be mid-creation while the command starts; try again on the next poll."""
    def attempt():
        try:
            return function()
        except Exception:
            return None
    return attempt


def assert_exact_budget(study: optuna.Study, n_trials: int) -> None:
    """No lost trial (the count is reached) and no duplicate (never exceeded; a retry replaces its crashed trial)."""
    finished = [t for t in study.trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
    assert len(finished) == n_trials
    assert not [t for t in study.trials if t.state in (TrialState.RUNNING, TrialState.WAITING)]
    for failed in (t for t in study.trials if t.state == TrialState.FAIL and not t.user_attrs.get("surplus")):
        retries = [t for t in finished if t.system_attrs.get("failed_trial") == failed.number]
        assert len(retries) == 1, f"trial {failed.number} was not retried once"
        # A trial killed while it was still drawing has part of its values; its retry keeps them and draws the rest.
        assert failed.params.items() <= retries[0].params.items()


@pytest.mark.parametrize("kind", ["journal", "sqlite"])
def test_two_workers_share_one_study(cli_env, tmp_path, kind):
    results, storage, name = tmp_path / "r", storage_for(kind, tmp_path), f"shared-{uuid.uuid4().hex[:8]}"
    # 4 epochs a trial: long enough that the second worker, which starts a few seconds later on a busy machine, gets trials too
    done = run_tune([*TRIAL, "trainer.max_epochs=4", "tune.n_trials=6", "tune.n_workers=2", *study_args(storage, name, results)], cli_env, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    study = load(storage, name, results)
    assert_exact_budget(study, 6)
    assert len({t.user_attrs["worker"] for t in study.trials}) == 2  # both workers ran trials
    assert {t.user_attrs["device"] for t in study.trials} == {"cpu (1 threads)"}  # the 2 cores divided
    [final] = [json.loads(p.read_text()) for p in (results / "runs").glob("*.json")]
    assert final["tuning"]["n_workers"] == 2 and final["tuning"]["storage"] == kind


@pytest.mark.parametrize("kind", ["journal", "postgresql"])
def test_a_worker_killed_mid_trial_is_replaced_by_a_retry(cli_env, tmp_path, kind):
    results, storage, name = tmp_path / "r", storage_for(kind, tmp_path), f"killed-{uuid.uuid4().hex[:8]}"
    n_trials = 6
    command = start_tune([*TRIAL, f"tune.n_trials={n_trials}", "tune.n_workers=2", *QUICK_HEARTBEATS, *study_args(storage, name, results)], cli_env, tmp_path)
    try:
        def a_running_trial_of_a_worker():
            for trial in load(storage, name, results).get_trials(states=(TrialState.RUNNING,)):
                pid = int(trial.user_attrs.get("worker", ":0").rsplit(":", 1)[1])
                # Past sampling (every hyperparameter set), so the kill lands in training, where crashes happen.
                if pid and pid != command.pid and trial.number >= 1 and len(trial.params) == 3:
                    return trial, pid
            return None

        victim, pid = wait_for(quietly(a_running_trial_of_a_worker), "a worker's running trial")
        os.kill(pid, signal.SIGKILL)
        assert command.wait(timeout=600) == 0
    finally:
        if command.poll() is None:
            os.killpg(command.pid, signal.SIGKILL)
    study = load(storage, name, results)
    assert study.trials[victim.number].state == TrialState.FAIL
    assert_exact_budget(study, n_trials)
    assert len(list((results / "runs").glob("*.json"))) == 1


def test_a_killed_command_resumes_where_it_stopped(cli_env, tmp_path):
    results, name, n_trials = tmp_path / "r", "resumed-after-kill", 5
    args = [*TRIAL, f"tune.n_trials={n_trials}", "tune.n_workers=2", *QUICK_HEARTBEATS, *study_args(None, name, results)]
    command = start_tune(args, cli_env, tmp_path)
    try:
        def two_complete_and_one_training():
            trials = load(None, name, results).trials
            complete = [t for t in trials if t.state == TrialState.COMPLETE]
            training = [t for t in trials if t.state == TrialState.RUNNING and len(t.params) == 3]
            return len(complete) >= 2 and training

        wait_for(quietly(two_complete_and_one_training), "two complete trials and one in training")
    finally:
        os.killpg(command.pid, signal.SIGKILL)  # the command and both workers, mid-trial
        command.wait()
    interrupted = load(None, name, results)
    assert any(t.state == TrialState.RUNNING for t in interrupted.trials)
    assert not (results / "runs").exists()

    done = run_tune(args, cli_env, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    study = load(None, name, results)
    assert_exact_budget(study, n_trials)
    [final] = [json.loads(p.read_text()) for p in (results / "runs").glob("*.json")]
    assert final["tuning"]["budget"]["n_trials"] == n_trials and final["tuning"]["best_trial"] == study.best_trial.number
