"""Synthetic run records with known per-user values, written the way `recbench train` writes them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from recbench.records import SCHEMA_VERSION, write_record

FINGERPRINT = "a" * 64
SPLIT = "b" * 64


def _hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_record(
    model: str,
    seed: int,
    per_user: dict[str, list[float]],
    *,
    hyperparameters: dict | None = None,
    protocol_id: str = "ratio-811-full",
    protocol_version: int = 1,
    mode: str = "full",
    metrics_version: int = 1,
    dataset: str = "ml-100k",
    dataset_fingerprint: str = FINGERPRINT,
    tuning: dict | None = None,
    created: str = "2024-01-01T00:00:00+00:00",
    train_seconds: float = 1.0,
    run_id: str | None = None,
    training: dict | None = None,
) -> dict:
    """A valid record whose test means are the means of ``per_user`` (metric -> one value per user)."""
    hyperparameters = hyperparameters or {}
    record = {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id or f"run-{model}-{_hex(repr((hyperparameters, dataset, dataset_fingerprint, mode, tuning, training)))[:6]}-{protocol_id}-v{protocol_version}-m{metrics_version}-s{seed}-{created[:10]}",
        "created": created,
        "model": {"name": model, "class": f"x.{model}", "distribution": "recbench", "version": "0.1.0", "input_kind": "none"},
        "hyperparameters": hyperparameters,
        "dataset": {"name": dataset, "fingerprint": dataset_fingerprint, "counts": {"users": 4}},
        "protocol": {
            "id": protocol_id,
            "version": protocol_version,
            "mode": mode,
            "fingerprint": _hex(f"{protocol_id}{protocol_version}{mode}"),
            "split_fingerprint": SPLIT,
            "metrics_version": metrics_version,
            "valid_metric": "ndcg@10",
            "tie_break": "item_index",
            "config": {"metrics": ["hr", "ndcg"], "cutoffs": [10]},
            "description": f"{protocol_id}@{protocol_version}: test protocol",
        },
        "seed": seed,
        "metrics": {
            "valid": {name: sum(values) / len(values) for name, values in per_user.items()},
            "test": {name: sum(values) / len(values) for name, values in per_user.items()},
        },
        "costs": {"train_seconds": train_seconds, "eval_seconds": 0.5, "peak_memory_mb": 100.0, "parameters": 10},
        "environment": {"recbench": "0.1.0", "torch": "2.0", "device": "cpu (test)"},
        "command": f"recbench train dataset={dataset} protocol={protocol_id} model={model} seed={seed}",
    }
    if tuning is not None:
        record["tuning"] = tuning
    if training is not None:
        record["training"] = training
    return record


def write_run(results_dir: Path, model: str, seed: int, per_user: dict[str, list[float]], **options) -> Path:
    """Write a record and its per-user Parquet file (users 1..n) under ``results_dir/runs``."""
    record = make_record(model, seed, per_user, **options)
    users = len(next(iter(per_user.values())))
    table = pd.DataFrame({"user": range(users), "user_id": range(1, users + 1), **per_user})
    return write_record(results_dir, record, table)


def values(ndcg: list[float], hr: list[float] | None = None) -> dict[str, list[float]]:
    return {"hr@10": hr if hr is not None else [1.0 if v > 0 else 0.0 for v in ndcg], "ndcg@10": ndcg}
