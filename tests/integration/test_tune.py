"""`recbench tune` end to end on generated MovieLens-format files: the fast tier."""

from __future__ import annotations

from pathlib import Path

import optuna
import pytest
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

from tests.integration.cli import recbench, records


FAST = ["trainer.max_epochs=2", "trainer.num_threads=1"]


def the_study(results: Path) -> optuna.Study:
    [journal] = (results / "studies").glob("*/journal.log")
    return optuna.load_study(study_name=journal.parent.name, storage=JournalStorage(JournalFileBackend(str(journal))))


def test_tune_selects_on_validation_and_records_the_final_seeds(cli_env, tmp_path):
    results = tmp_path / "r"
    done = recbench(
        "tune", "model=bpr", *FAST, "tune.n_trials=3", "tune.final_seeds=[0,1]", "tune.pruner=none", f"results_dir={results}",
        env=cli_env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    study = the_study(results)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 3
    # The study holds validation numbers only: nothing there can steer a choice towards the test split.
    assert all(set(t.user_attrs) == {"worker", "device", "record", "valid", "epochs"} for t in study.trials)

    finals = records(results)  # trials' own runs stay with the study, never in results/runs
    assert sorted(r["seed"] for r in finals) == [0, 1]
    for record in finals:
        tuning = record["tuning"]
        assert tuning["study_name"] == study.study_name and tuning["storage"] == "journal"
        assert tuning["budget"]["n_trials"] == 3 and tuning["budget"]["sampler"] == "tpe"
        assert tuning["trials"] == {"complete": 3, "pruned": 0, "failed": 0}
        assert set(tuning["search_space"]) == {"embedding_dim", "lr", "weight_decay"}
        assert tuning["best_trial"] == study.best_trial.number
        assert record["hyperparameters"] | study.best_params == record["hyperparameters"]
        assert record["command"].startswith("recbench train ") and f"seed={record['seed']}" in record["command"]
    # Trials run with seed 0, so the final seed-0 run repeats the best trial exactly.
    [seed_zero] = [r for r in finals if r["seed"] == 0]
    assert seed_zero["metrics"]["valid"]["ndcg@10"] == pytest.approx(study.best_value, abs=1e-12)

    assert "best trial" in done.stdout and "mean ± std" in done.stdout
    folder = results / "studies" / study.study_name
    for name in ("trials.csv", "importances.json", "optimization_history.html"):
        assert (folder / name).is_file(), name


def test_running_again_resumes_and_never_duplicates_trials(cli_env, tmp_path):
    results = tmp_path / "r"
    common = ["model=bpr", *FAST, "tune.study_name=resumed", "tune.final_seeds=[0]", "tune.pruner=none", f"results_dir={results}"]
    assert recbench("tune", *common, "tune.n_trials=2", env=cli_env, cwd=tmp_path).returncode == 0
    extended = recbench("tune", *common, "tune.n_trials=3", env=cli_env, cwd=tmp_path)
    assert extended.returncode == 0, extended.stderr
    assert "2 of 3 trials finished before this run" in extended.stdout + extended.stderr
    written = {r["run_id"] for r in records(results)}

    again = recbench("tune", *common, "tune.n_trials=3", env=cli_env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    study = the_study(results)
    assert [t.number for t in study.trials] == [0, 1, 2]
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 3
    assert {r["run_id"] for r in records(results)} == written  # the final run is not repeated either
    assert "already recorded" in again.stdout + again.stderr


def test_a_failing_trial_is_recorded_and_the_study_goes_on(cli_env, tmp_path):
    results = tmp_path / "r"
    done = recbench(
        "tune", "model=ials", *FAST, "tune.sampler=grid", "tune.final_seeds=[0]",
        "~search.factors", "~search.regularization", "~search.alpha", "~search.iterations",
        "+search.solver={type:categorical,choices:[lu,cg]}", f"results_dir={results}",  # iALS has no 'lu' solver
        env=cli_env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    study = the_study(results)
    by_solver = {t.params["solver"]: t for t in study.trials}
    assert by_solver["lu"].state == TrialState.FAIL and "solver='lu' is not supported" in by_solver["lu"].user_attrs["error"]
    assert by_solver["cg"].state == TrialState.COMPLETE
    [final] = records(results)
    assert final["hyperparameters"]["solver"] == "cg" and final["tuning"]["trials"]["failed"] == 1
    assert "1 failed" in done.stdout


def test_closed_form_model_tunes_with_a_pruner_configured(cli_env, tmp_path):
    results = tmp_path / "r"
    done = recbench(
        "tune", "model=itemknn", "tune.n_trials=2", "tune.pruner=median", "tune.final_seeds=[0]", "tune.sampler=random",
        f"results_dir={results}", env=cli_env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert [t.state for t in the_study(results).trials] == [TrialState.COMPLETE] * 2
    assert records(results)[0]["tuning"]["budget"]["sampler"] == "random"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["+search.embeding_dim={type:int,low:8,high:64}"], "recbench: error: search.embeding_dim: model 'bpr' has no hyperparameter"),
        (["tune.storage=nosuchdb://host/db"], "recbench: error: tune.storage=nosuchdb://host/db: cannot open the study storage"),
    ],
)
def test_bad_input_is_one_clear_message(cli_env, tmp_path, args, expected):
    done = recbench("tune", "model=bpr", *args, f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 2
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.startswith("recbench: error:")]) == 1
    assert not (tmp_path / "r" / "runs").exists()


def test_timeout_ends_the_search_and_the_best_so_far_is_run(cli_env, tmp_path):
    results = tmp_path / "r"
    done = recbench(
        "tune", "model=bpr", *FAST, "tune.n_trials=1000", "tune.timeout=1", "tune.final_seeds=[0]", f"results_dir={results}",
        env=cli_env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    finished = len(the_study(results).trials)
    assert 1 <= finished < 1000
    [final] = records(results)
    trials = final["tuning"]["trials"]
    assert final["tuning"]["budget"]["timeout"] == 1 and trials["complete"] + trials["pruned"] == finished
    assert f"{finished} of 1000 finished" in done.stdout
