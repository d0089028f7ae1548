"""What a study is: the fixed part of the config, the search space, the budget, and the name
they give it. A ``TuneJob`` is plain data, so worker processes receive it whole."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from recbench.errors import RecbenchError
from recbench.tuning._space import SearchSpace
from recbench.tuning._storage import StorageSpec

# Trainer keys that change how fast a trial runs, not what it computes: left out of the study's
# identity, so workers on other devices, or with other thread counts, join the same study.
SPEED_ONLY_TRAINER_KEYS = ("accelerator", "devices", "strategy", "num_threads", "enable_progress_bar", "eval_batch_users")
# Top-level keys that say where things are, or where progress is logged, not what is computed.
# `compress` acts after training: trials are judged on the float model, only final runs compress.
OUTSIDE_OBJECTIVE_KEYS = ("results_dir", "data_dir", "cache_dir", "download", "logger", "compress")
BUDGET_KEYS = ("n_trials", "timeout", "sampler", "sampler_seed", "pruner", "warmup_epochs", "start_from_defaults")


def fingerprint(content: Any) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class TuneJob:
    base: dict  # the composed config without tune/search, resolved: every trial starts from it
    space: SearchSpace
    settings: dict  # the `tune` node
    study_name: str
    storage: StorageSpec
    study_dir: Path
    direction: str
    trains: bool  # the model fits over epochs, so pruning applies
    train_command: list[str]  # `recbench train` with the fixed choices and overrides; trials add params and seed
    n_trials: int  # the budget, capped at the grid's size for the grid sampler
    objective: dict = field(default_factory=dict)  # what the study optimises; must match when a study is resumed
    deadline: float | None = None  # time.time() after which no new trial starts

    @property
    def valid_metric(self) -> str:
        return self.base["protocol"]["valid_metric"]

    @property
    def budget(self) -> dict:
        return budget_of(self.settings, self.n_trials)

    def start_clock(self) -> None:
        timeout = self.settings["timeout"]
        self.deadline = None if timeout is None else time.time() + float(timeout)

    def remaining_seconds(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.time()

    def trial_config(self, params: dict, seed: int, results_dir: str | Path, trainer: dict | None = None) -> DictConfig:
        content = copy.deepcopy(self.base)
        content["model"].update(params)
        content["seed"] = seed
        content["results_dir"] = str(results_dir)
        content["trainer"].update(trainer or {})
        logger = content.get("logger") or {}
        if "group" in logger and logger["group"] is None:  # W&B shows a study's trials and final runs together
            logger["group"] = self.study_name
        return OmegaConf.create(content)

    def command(self, params: dict, seed: int) -> str:
        """The `recbench train` command that repeats one run with ``params`` and ``seed``."""
        values = [f"model.{name}={override_value(value)}" for name, value in sorted(params.items())]
        return shlex.join([*self.train_command, *values, f"seed={seed}"])


def budget_of(settings: dict, n_trials: int) -> dict:
    """What a study may spend: part of its name, and of every final record."""
    return {key: settings[key] for key in BUDGET_KEYS} | {"n_trials": n_trials}


def override_value(value: Any) -> str:
    """A value as a Hydra override spells it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def objective_of(base: dict, space: SearchSpace, direction: str) -> dict:
    """Everything that decides a trial's value for given hyperparameters, plus the space searched."""
    model = {k: v for k, v in base["model"].items() if k not in space.names}
    trainer = {k: v for k, v in base["trainer"].items() if k not in SPEED_ONLY_TRAINER_KEYS}
    kept = {k: v for k, v in base.items() if k not in (*OUTSIDE_OBJECTIVE_KEYS, "model", "trainer")}
    return kept | {"model": model, "trainer": trainer, "search": space.as_dict(), "direction": direction}


def derived_study_name(base: dict, objective: dict, budget: dict) -> str:
    """``<model>-<dataset>-<protocol>-<hash>``: the same command gives the same name, so it resumes."""
    digest = fingerprint({"objective": objective, "budget": budget})[:10]
    return f"{base['model']['name']}-{base['dataset']['name']}-{base['protocol']['id']}-{digest}"


def effective_trials(settings: dict, space: SearchSpace) -> int:
    n_trials = int(settings["n_trials"])
    if n_trials < 1:
        raise RecbenchError(f"tune.n_trials={n_trials}: a study needs at least one trial")
    if settings["sampler"] == "grid":
        return min(n_trials, space.grid_size())  # beyond the grid, trials would repeat points
    return n_trials


def storage_spec(settings: dict, study_dir: Path) -> StorageSpec:
    for key in ("heartbeat_interval", "grace_period"):
        if settings[key] < 1:
            raise RecbenchError(f"tune.{key}={settings[key]}: give a whole number of seconds, at least 1")
    if settings["grace_period"] <= settings["heartbeat_interval"]:
        raise RecbenchError("tune.grace_period must exceed tune.heartbeat_interval, or live trials would count as crashed")
    url = settings["storage"]
    if url is not None and "://" not in str(url):
        raise RecbenchError(
            f"tune.storage={url!r} is not a storage URL; give one such as sqlite:///studies.db or "
            "postgresql://user:password@host/database, or null for the embedded journal file"
        )
    return StorageSpec(
        url=url,
        journal_path=study_dir / "journal.log" if url is None else None,
        heartbeat_interval=int(settings["heartbeat_interval"]),
        grace_period=int(settings["grace_period"]),
        max_retries=int(settings["max_retries"]),
    )


def check_positive(settings: dict) -> None:
    if settings["n_workers"] < 1:
        raise RecbenchError(f"tune.n_workers={settings['n_workers']}: give at least 1")
    timeout = settings["timeout"]
    if timeout is not None and not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise RecbenchError(f"tune.timeout={timeout!r}: give a positive number of seconds, or null for no limit")
