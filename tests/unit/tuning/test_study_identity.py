"""A study's name and identity: the same command resumes the same study; a changed objective is another one."""

from __future__ import annotations

import pytest

from recbench.errors import RecbenchError
from recbench.tuning import prepare
from recbench.tuning._job import override_value

COMMAND = ["recbench", "train", "model=bpr"]


@pytest.fixture
def job_for(offline_env, tmp_path, compose_tune):
    def job(*overrides: str):
        return prepare(compose_tune("model=bpr", "trainer.max_epochs=2", f"results_dir={tmp_path}", *overrides), COMMAND, overrides)

    return job


def test_same_command_same_study(job_for, tmp_path):
    first, second = job_for(), job_for()
    assert first.study_name == second.study_name
    assert first.study_name.startswith("bpr-ml-100k-ratio-811-full-")
    assert first.study_dir == tmp_path / "studies" / first.study_name
    assert first.storage.kind == "journal" and first.storage.journal_path == first.study_dir / "journal.log"


@pytest.mark.parametrize(
    "change", ["search.lr.high=0.05", "trainer.max_epochs=3", "model.batch_size=512", "seed=1", "tune.n_trials=7", "tune.sampler=random", "tune.timeout=60"]
)
def test_what_changes_results_or_budget_changes_the_study(job_for, change):
    assert job_for(change).study_name != job_for().study_name


@pytest.mark.parametrize(
    "change", ["tune.n_workers=2", "trainer.num_threads=1", "tune.final_seeds=[5]", "tune.grace_period=30", "trainer.accelerator=cpu"]
)
def test_how_the_study_runs_does_not_change_it(job_for, change):
    assert job_for(change).study_name == job_for().study_name


def test_an_explicit_study_name_is_kept(job_for):
    assert job_for("tune.study_name=my-study").study_name == "my-study"


def test_grid_budget_is_capped_at_the_grid(job_for):
    job = job_for("search=bpr-grid", "tune.sampler=grid", "tune.n_trials=100")
    assert job.n_trials == 18


def test_trial_command_repeats_the_run(job_for):
    job = job_for()
    command = job.command({"lr": 0.001, "embedding_dim": 64, "flag": True}, seed=3)
    assert command == "recbench train model=bpr model.embedding_dim=64 model.flag=true model.lr=0.001 seed=3"
    assert override_value(1e-05) == "1e-05" and override_value(None) == "null"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["tune.sampler=annealing"], "tune.sampler='annealing' is not one of tpe, random, grid, cmaes, gp"),
        (["tune.pruner=sometimes"], "tune.pruner='sometimes' is not one of none, median, hyperband"),
        (["tune.sampler=grid"], "search.lr: the grid sampler needs a finite set of values"),
        (["tune.n_trials=0"], "tune.n_trials=0"),
        (["tune.n_workers=0"], "tune.n_workers=0"),
        (["tune.direction=minimize"], "contradicts protocol.valid_metric=ndcg@10"),
        (["tune.storage=studies.db"], "is not a storage URL"),
        (["tune.grace_period=5", "tune.heartbeat_interval=10"], "tune.grace_period must exceed"),
        (["model.lr=0.01"], "model.lr is fixed by 'model.lr=0.01' and searched by search.lr"),
        (["trainer.strategy=ddp"], "trains each trial on one device"),
    ],
)
def test_bad_settings_are_one_clear_error(job_for, overrides, message):
    with pytest.raises(RecbenchError) as caught:
        job_for(*overrides)
    assert message in str(caught.value)


def test_a_named_study_refuses_another_objective_and_names_what_differs(job_for):
    from recbench.tuning._study import open_study

    open_study(job_for("tune.study_name=shared"))
    open_study(job_for("tune.study_name=shared", "tune.n_trials=50"))  # a larger budget extends it
    with pytest.raises(RecbenchError, match=r"optimises another objective \(it differs in search.lr.high, trainer.max_epochs\)"):
        open_study(job_for("tune.study_name=shared", "search.lr.high=0.05", "trainer.max_epochs=3"))


def test_a_new_study_first_tries_the_models_defaults_once(job_for):
    import optuna

    from recbench.tuning._study import open_study

    waiting = (optuna.trial.TrialState.WAITING,)
    study = open_study(job_for())
    open_study(job_for())  # resuming queues nothing more
    [first] = study.get_trials(states=waiting)
    assert first.system_attrs["fixed_params"] == {"embedding_dim": 64, "lr": 0.001, "weight_decay": 1e-5}
    # A default outside the space is sampled instead; with the setting off nothing is queued.
    outside = open_study(job_for("search.lr.low=0.005", "tune.study_name=narrow"))
    assert [t.system_attrs["fixed_params"] for t in outside.get_trials(states=waiting)] == [{"embedding_dim": 64, "weight_decay": 1e-5}]
    assert open_study(job_for("tune.start_from_defaults=false")).get_trials(states=waiting) == []


def test_starting_from_the_defaults_is_part_of_the_budget(job_for):
    assert job_for("tune.start_from_defaults=false").study_name != job_for().study_name
