"""Reading run records for a leaderboard: every file is validated, none is ever modified.

Records are data from other people too, so each one is checked beyond the record schema:
the fields a table uses must have the right types and sane values, names that become
folder names must be plain, and the per-user metrics beside it must agree with its
summary numbers. A file that fails is reported with its path and left out of the tables.
Nothing read here is executed or unpickled (JSON and Parquet only).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from recbench.errors import RecbenchError
from recbench.leaderboard._metrics import TASKS, metric_rules
from recbench.records import validate_record

# Dataset names and protocol ids become folders under the output: no separators, no leading dot.
PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
HEX = re.compile(r"[0-9a-f]{8,128}")
# Larger files are not run records; refusing them early keeps a hostile file from eating memory.
MAX_RECORD_BYTES = 1 << 20
MAX_PER_USER_BYTES = 1 << 30
COSTS = ("train_seconds", "eval_seconds", "peak_memory_mb", "parameters")
# Trainer settings that bound or select training (older records carry max_epochs only). They
# change results, so the runs of one table row must share them.
TRAINING_LIMITS = ("max_epochs", "patience", "check_val_every_n_epoch")
# Per-user means are recomputed from the Parquet file and must match the record's numbers.
SUMMARY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Run:
    """One validated record, the path it came from, and its per-user test metrics.

    ``per_user`` has one row per evaluated user, indexed by ``user_id``, one float
    column per test metric.
    """

    record: dict
    path: Path
    sha256: str
    per_user: pd.DataFrame
    per_user_sha256: str

    @property
    def run_id(self) -> str:
        return self.record["run_id"]


@dataclass(frozen=True)
class Rejected:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def record_files(results_dir: Path) -> list[Path]:
    """The record JSON files of a results folder (``<dir>/runs/*.json``, or ``<dir>/*.json`` for a runs folder)."""
    if not results_dir.is_dir():
        raise RecbenchError(f"results folder {results_dir} does not exist")
    runs = results_dir / "runs"
    folder = runs if runs.is_dir() else results_dir
    files = sorted(p for p in folder.glob("*.json") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise RecbenchError(f"no run records in {results_dir} (expected {runs}/<run_id>.json, as `recbench train` writes)")
    return files


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise RecbenchError(message)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_text(section: dict, key: str, where: str, pattern: re.Pattern | None = None) -> None:
    value = section.get(key)
    _require(isinstance(value, str) and value != "", f"'{where}.{key}' must be a non-empty string")
    _require("\n" not in value and "\r" not in value, f"'{where}.{key}' must be one line")
    if pattern is not None:
        _require(bool(pattern.fullmatch(value)), f"'{where}.{key}' = {value[:80]!r} is not a plain name ({pattern.pattern})")


def check_leaderboard_fields(record: dict) -> None:
    """The fields a leaderboard reads, beyond the record schema; raise naming the field."""
    model, dataset, protocol = record["model"], record["dataset"], record["protocol"]
    _check_text(model, "name", "model", PLAIN_NAME)
    for key in ("distribution", "version"):
        _check_text(model, key, "model")
    _check_text(dataset, "name", "dataset", PLAIN_NAME)
    _check_text(dataset, "fingerprint", "dataset", HEX)
    _check_text(protocol, "id", "protocol", PLAIN_NAME)
    _check_text(protocol, "mode", "protocol", PLAIN_NAME)
    for key in ("fingerprint", "split_fingerprint"):
        _check_text(protocol, key, "protocol", HEX)
    for key in ("version", "metrics_version"):
        value = protocol.get(key)
        _require(isinstance(value, int) and not isinstance(value, bool) and value >= 0, f"'protocol.{key}' must be a non-negative integer")
    _check_text(protocol, "valid_metric", "protocol")
    _require(protocol.get("task", "ranking") in TASKS, f"'protocol.task' must be one of {', '.join(TASKS)}")
    lower = protocol.get("lower_is_better", [])
    _require(isinstance(lower, list) and all(isinstance(name, str) for name in lower), "'protocol.lower_is_better' must be a list of metric names")
    _require(record["seed"] >= 0, "'seed' must be non-negative")
    test = record["metrics"].get("test")
    _require(isinstance(test, dict) and len(test) > 0, "'metrics.test' must hold at least one metric")
    for stage, values in record["metrics"].items():
        for name, value in values.items():
            if metric_rules(protocol, name).per_user_mean:  # a mean over users of values in [0, 1]
                _require(0.0 <= value <= 1.0, f"'metrics.{stage}.{name}' = {value!r} is outside [0, 1]")
            else:  # an error, a loss or an AUC over all held-out ratings or impressions
                _require(_is_number(value) and value >= 0, f"'metrics.{stage}.{name}' = {value!r} must be a non-negative finite number")
    for key in COSTS:
        value = record["costs"].get(key)
        _require(_is_number(value) and value >= 0, f"'costs.{key}' must be a non-negative finite number, got {value!r}")
    _require(isinstance(record["costs"]["parameters"], int), "'costs.parameters' must be an integer")
    _require(record["command"].startswith("recbench ") and "\n" not in record["command"], "'command' must be one `recbench ...` line")
    tuning = record.get("tuning")
    _require(tuning is None or isinstance(tuning, dict), "'tuning' must be an object when present")
    training = record.get("training", {})
    _require(isinstance(training, dict), "'training' must be an object when present")
    for key in ("epochs", *TRAINING_LIMITS):
        value = training.get(key, 0)
        _require(isinstance(value, int) and not isinstance(value, bool) and value >= 0, f"'training.{key}' must be a non-negative integer, got {value!r}")
    device = record["environment"].get("device", "unknown")
    _require(isinstance(device, str) and "\n" not in device, "'environment.device' must be one line of text")


def per_user_path(record_path: Path) -> Path:
    return record_path.with_name(record_path.name.removesuffix(".json") + ".users.parquet")


def _read_per_user(path: Path, record: dict) -> pd.DataFrame:
    """Per-user test metrics indexed by user id; checked against the record's means."""
    _require(path.is_file(), f"per-user metrics {path.name} are missing beside the record")
    _require(path.stat().st_size <= MAX_PER_USER_BYTES, f"{path.name} is larger than {MAX_PER_USER_BYTES} bytes")
    try:
        table = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise RecbenchError(f"{path.name} is not a readable Parquet file ({type(exc).__name__})") from None
    # Older records carry only the dense index; it names the same user under the same split.
    user_column = "user_id" if "user_id" in table.columns else "user"
    _require(user_column in table.columns, f"{path.name} has no user_id column")
    ids = table[user_column]
    # Raw ids are integers for MovieLens and strings for e.g. Amazon; either joins across runs.
    _require(pd.api.types.is_integer_dtype(ids) or pd.api.types.is_string_dtype(ids), f"{path.name}: user ids must be integers or strings")
    _require(len(table) > 0 and ids.notna().all() and ids.is_unique, f"{path.name}: user ids must be present and unique")
    metrics = sorted(set(record["metrics"]["test"]) & set(table.columns))
    _require(bool(metrics), f"{path.name} holds none of the record's test metrics")
    values = table.set_index(user_column)[metrics].astype("float64").sort_index()
    values.index.name = "user_id"
    for name in metrics:
        column = values[name].to_numpy()
        if metric_rules(record["protocol"], name).per_user_mean:
            _require(bool(np.isfinite(column).all()), f"{path.name}: per-user {name} must be finite numbers")
            mean, stated = float(column.mean()), record["metrics"]["test"][name]
            _require(abs(mean - stated) <= SUMMARY_TOLERANCE, f"{path.name}: mean {name} {mean!r} disagrees with the record's {stated!r}")
        else:  # NaN: the user has no value (an AUC needs a click and a non-click); never infinite
            _require(not np.isinf(column).any() and bool(np.isfinite(column).any()), f"{path.name}: per-user {name} must be finite numbers or NaN")
    return values


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_run(path: Path) -> Run:
    """Read and validate one record and its per-user file; raise naming the problem."""
    _require(path.stat().st_size <= MAX_RECORD_BYTES, f"larger than {MAX_RECORD_BYTES} bytes; not a run record")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise RecbenchError(f"not valid JSON ({exc})") from None
    try:
        validate_record(record, path.name)
        check_leaderboard_fields(record)
    except RecbenchError as exc:
        raise RecbenchError(str(exc).removeprefix(f"{path.name}: ")) from None
    _require(path.name == f"{record['run_id']}.json", f"run_id {record['run_id']!r} does not match the file name")
    users = per_user_path(path)
    per_user = _read_per_user(users, record)
    return Run(record=record, path=path, sha256=_sha256(path), per_user=per_user, per_user_sha256=_sha256(users))


def load_runs(results_dirs: list[str | Path]) -> tuple[list[Run], list[Rejected]]:
    """Every valid run under ``results_dirs``, ordered by run id, and the files left out with why.

    A folder that does not exist or holds no records is an error (it is most likely a
    typo). The same run id found twice is kept once when both files are identical and
    left out entirely when they differ: a table must not guess which one is right.
    """
    files = [path for folder in results_dirs for path in record_files(Path(folder))]
    runs: dict[str, Run] = {}
    rejected: list[Rejected] = []
    conflicting: set[str] = set()
    for path in files:
        try:
            run = read_run(path)
        except RecbenchError as exc:
            rejected.append(Rejected(path, str(exc)))
            continue
        seen = runs.get(run.run_id)
        if seen is None:
            runs[run.run_id] = run
        elif (seen.sha256, seen.per_user_sha256) != (run.sha256, run.per_user_sha256):
            rejected.append(Rejected(path, f"run id {run.run_id} also in {seen.path} with different content; both left out"))
            conflicting.add(run.run_id)
    for run_id in conflicting:
        del runs[run_id]
    return [runs[run_id] for run_id in sorted(runs)], rejected
