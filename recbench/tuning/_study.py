"""`recbench tune` from a composed config: check everything once, create or resume the study,
let the workers search, then re-run the best configuration with the final seeds."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import optuna
from omegaconf import DictConfig, OmegaConf

from recbench.data import load_dataset
from recbench.errors import RecbenchError
from recbench.plugins import check_hyperparameters, get_registry
from recbench.training._protocol import check_protocol, protocol_split
from recbench.training._settings import check_run_settings
from recbench.tuning._budget import Budget
from recbench.tuning._devices import worker_slots
from recbench.tuning._final import final_runs
from recbench.tuning._job import (
    TuneJob,
    budget_of,
    check_positive,
    derived_study_name,
    effective_trials,
    fingerprint,
    objective_of,
    storage_spec,
)
from recbench.tuning._parallel import run_workers
from recbench.tuning._report import summary, write_study_files
from recbench.tuning._samplers import check_sampler, make_pruner
from recbench.tuning._space import parse_space
from recbench.tuning._storage import open_storage

log = logging.getLogger(__name__)
OBJECTIVE_ATTR = "recbench:objective"  # study user attributes: what the study optimises, and its budget
OBJECTIVE_FINGERPRINT_ATTR = "recbench:objective_fingerprint"
BUDGET_ATTR = "recbench:budget"


@dataclass
class TuneResult:
    job: TuneJob
    best: optuna.trial.FrozenTrial
    budget: Budget
    final_records: list[dict]
    summary: str


def direction_of(cfg: DictConfig, setting: str | None) -> str:
    metric_name = cfg.protocol.valid_metric.split("@")[0]
    natural = "maximize" if get_registry().metric(metric_name).higher_is_better else "minimize"
    if setting is None or setting == natural:
        return natural
    if setting not in ("maximize", "minimize"):
        raise RecbenchError(f"tune.direction={setting!r} is not maximize or minimize")
    raise RecbenchError(
        f"tune.direction={setting} contradicts protocol.valid_metric={cfg.protocol.valid_metric}, which is better "
        f"when it is {'higher' if natural == 'maximize' else 'lower'}; leave tune.direction null"
    )


def check_overrides(overrides: list[str], searched: list[str]) -> None:
    """A hyperparameter is either fixed on the command line or searched, never both."""
    for override in overrides:
        key = override.split("=", 1)[0].lstrip("+~")
        if key.startswith("model.") and key.removeprefix("model.") in searched:
            name = key.removeprefix("model.")
            raise RecbenchError(
                f"model.{name} is fixed by '{override}' and searched by search.{name}; "
                f"to fix it, also remove it from the search with ~search.{name}"
            )


def check_setup(cfg: DictConfig) -> None:
    """Fail once, before any trial, on what no hyperparameter can fix: the trainer, protocol, data."""
    if cfg.trainer.strategy not in ("auto", None) or cfg.trainer.devices not in (1, "1", "auto"):
        raise RecbenchError(
            "recbench tune trains each trial on one device; for parallel trials set tune.n_workers "
            "(and tune.devices), and leave trainer.strategy and trainer.devices at their defaults"
        )
    check_protocol(cfg.protocol)
    check_run_settings(cfg)
    registry = get_registry()
    check_hyperparameters(registry.model(cfg.model.name), OmegaConf.to_container(cfg.model, resolve=True))
    # Loading the data here also fills the cache, so workers never build it at the same time.
    data = load_dataset(registry.dataset(cfg.dataset.name), OmegaConf.to_container(cfg.dataset), cfg.data_dir, cfg.cache_dir, cfg.download)
    protocol_split(data, registry.dataset(cfg.dataset.name), cfg.protocol, cfg)


def _safe_folder_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def prepare(cfg: DictConfig, train_command: list[str], overrides: list[str] = ()) -> TuneJob:
    """Everything checked and named; nothing run yet."""
    settings = OmegaConf.to_container(cfg.tune, resolve=True)
    check_positive(settings)
    spec = get_registry().model(cfg.model.name)
    space = parse_space(OmegaConf.to_container(cfg.search, resolve=True), cfg.model)
    check_overrides(list(overrides), space.names)
    check_sampler(settings["sampler"], space)
    make_pruner(settings["pruner"], settings["warmup_epochs"], cfg.trainer.max_epochs)  # rejects an unknown name
    direction = direction_of(cfg, settings["direction"])
    check_setup(cfg)

    base = OmegaConf.to_container(cfg, resolve=True)
    for key in ("tune", "search"):
        base.pop(key)
    base["results_dir"] = str(Path(base["results_dir"]).resolve())  # workers may start elsewhere
    n_trials = effective_trials(settings, space)
    objective = objective_of(base, space, direction)
    study_name = settings["study_name"] or derived_study_name(base, objective, budget_of(settings, n_trials))
    study_dir = Path(base["results_dir"]) / "studies" / _safe_folder_name(study_name)
    return TuneJob(
        base=base,
        space=space,
        settings=settings,
        study_name=study_name,
        storage=storage_spec(settings, study_dir),
        study_dir=study_dir,
        direction=direction,
        trains=spec.tags.input_kind != "none",
        train_command=list(train_command),
        n_trials=n_trials,
        objective=objective,
    )


def differing_keys(old: dict, new: dict, prefix: str = "") -> list[str]:
    keys = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            keys += differing_keys(a, b, f"{prefix}{key}.")
        elif a != b:
            keys.append(f"{prefix}{key}")
    return keys


def open_study(job: TuneJob) -> optuna.Study:
    """Create the study, or resume it after checking it optimises the same objective."""
    storage = open_storage(job.storage)
    try:
        study = optuna.create_study(study_name=job.study_name, storage=storage, direction=job.direction, load_if_exists=True)
    except Exception as exc:  # a database that refuses the connection, a study of another direction
        raise RecbenchError(f"tune.storage={job.storage.shown}: cannot create or load study '{job.study_name}': {exc}") from None
    marks = study.user_attrs
    objective_fingerprint = fingerprint(job.objective)
    if OBJECTIVE_FINGERPRINT_ATTR not in marks:
        if study.get_trials(deepcopy=False):
            raise RecbenchError(
                f"study '{job.study_name}' in {job.storage.shown} already has trials that recbench tune did not make; "
                "choose another tune.study_name"
            )
        study.set_user_attr(OBJECTIVE_ATTR, json.dumps(job.objective, sort_keys=True, default=str))
        study.set_user_attr(OBJECTIVE_FINGERPRINT_ATTR, objective_fingerprint)
        study.set_user_attr(BUDGET_ATTR, job.budget)
        start_from_defaults(job, study)
    elif marks[OBJECTIVE_FINGERPRINT_ATTR] != objective_fingerprint:
        changed = differing_keys(json.loads(marks[OBJECTIVE_ATTR]), json.loads(json.dumps(job.objective, default=str)))
        raise RecbenchError(
            f"study '{job.study_name}' optimises another objective (it differs in {', '.join(changed) or 'its settings'}); "
            "its trials cannot be mixed with these: choose another tune.study_name, or leave it null"
        )
    return study


def start_from_defaults(job: TuneJob, study: optuna.Study) -> None:
    """Queue the model's configured values as a new study's first trial (dimensions whose value is outside the space are sampled).

    A sampler's first trials are random, and 20 of them may all land below hand-chosen
    defaults; with the defaults tried first, the best trial is at least as good on validation.
    A grid covers its points in its own order, so it is left alone.
    """
    if not job.settings["start_from_defaults"] or job.settings["sampler"] == "grid":
        return
    values = job.space.inside(job.base["model"])
    if values:
        study.enqueue_trial(values, skip_if_exists=True)


def best_trial(job: TuneJob, study: optuna.Study) -> optuna.trial.FrozenTrial:
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    if not complete:
        raise RecbenchError(
            f"study '{job.study_name}' has no complete trial yet (all pruned, failed or out of time); "
            f"see {job.study_dir / 'trials.csv'} and run the command again to resume"
        )
    return study.best_trial


def tune(cfg: DictConfig, train_command: list[str], overrides: list[str] = ()) -> TuneResult:
    job = prepare(cfg, train_command, overrides)
    study = open_study(job)
    before = Budget.of(study)
    log.info(
        "study %s in %s: %d of %d trials finished before this run; workers: %d",
        job.study_name, job.storage.shown, before.finished, job.n_trials, job.settings["n_workers"],
    )
    job.start_clock()
    slots = worker_slots(job.settings["n_workers"], job.settings["devices"], job.base["trainer"])
    run_workers(job, slots)
    write_study_files(job, study)
    best = best_trial(job, study)
    finals = final_runs(job, study, best)
    text = summary(job, study, best, finals)
    return TuneResult(job, best, Budget.of(study), finals, text)
