"""table.csv, table.json and manifest.json: the full numbers and everything needed to trace them."""

from __future__ import annotations

import csv
import io
import json

from recbench.leaderboard._keys import describe_budget, describe_compression
from recbench.leaderboard._runs import Run
from recbench.leaderboard._statistics import TESTS
from recbench.leaderboard._table import Row, Table

FORMAT_VERSION = 1  # of table.json and manifest.json; bump when their layout changes


def dump_json(value) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)


def _seed_statistics(row: Row) -> dict:
    return {
        name: {"n": s.n, "mean": s.mean, "std": s.std, "ci_low": s.ci_low, "ci_high": s.ci_high}
        for name, s in row.metrics.items()
    }


def statistics(table: Table) -> dict:
    return {
        "primary_metric": table.primary_metric,
        "aggregate_over_seeds": "mean, sample standard deviation, 95% confidence interval from Student's t with n - 1 degrees of freedom",
        "test": TESTS[table.test],
        "pairing": "users evaluated by both rows; each user's value averaged over a row's seeds",
        "correction": "Holm over the rows compared with the best",
        "alpha": table.alpha,
    }


def _row_json(rank: int, row: Row) -> dict:
    return {
        "rank": rank,
        "row_id": row.key.row_id,
        "model": row.key.model,
        "distribution": row.key.distribution,
        "hyperparameters": json.loads(row.key.hyperparameters),
        "tuning": row.tuning,
        "tuning_budget": row.key.budget,
        "seeds": row.seeds,
        "runs": [run.run_id for run in row.runs],
        "verdict": row.verdict,
        "p_value": row.p_value,
        "p_holm": row.p_holm,
        "users_compared": row.users_compared,
        "pareto": row.pareto,
        "costs": {
            "train_seconds": row.train_seconds,
            "eval_seconds": row.eval_seconds,
            "peak_memory_mb": row.peak_memory_mb,
            "parameters": row.parameters,
            "devices": row.devices,
        },
        "metrics": _seed_statistics(row),
        **_efficiency_json(row),
    }


def _efficiency_json(row: Row) -> dict:
    """Compression and size fields, only for rows that have them, so older tables keep their bytes."""
    extra = {}
    if row.key.compression_settings is not None:
        extra["compression"] = row.key.compression_settings
    if row.model_size_bytes is not None:
        extra["model_size_bytes"] = row.model_size_bytes
    if row.scoring_ms_per_1000_users is not None:
        extra["scoring_ms_per_1000_users"] = row.scoring_ms_per_1000_users
    return extra


def table_json(table: Table, version: int) -> str:
    return dump_json(
        {
            "format": FORMAT_VERSION,
            "version": version,
            "benchmark": table.key.as_dict(),
            "dataset": table.dataset,
            "protocol": table.protocol,
            "statistics": statistics(table),
            "metrics": table.all_metrics,
            "reference_budget": table.reference_budget,
            "rows": [_row_json(rank, row) for rank, row in enumerate(table.rows, start=1)],
        }
    )


def table_csv(table: Table) -> str:
    fixed = [
        "rank", "row_id", "model", "distribution", "hyperparameters", "tuning", "tuning_budget", "seeds",
        "verdict", "p_value", "p_holm", "users_compared", "pareto",
        "train_seconds", "eval_seconds", "peak_memory_mb", "parameters", "devices",
    ]
    if table.has_compression or table.has_efficiency:
        fixed += ["compression", "model_size_bytes", "scoring_ms_per_1000_users"]
    per_metric = [f"{m}_{part}" for m in table.all_metrics for part in ("mean", "std", "ci_low", "ci_high")]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fixed + per_metric)
    for rank, row in enumerate(table.rows, start=1):
        values = [
            rank, row.key.row_id, row.key.model, row.key.distribution, row.key.hyperparameters,
            row.tuning, describe_budget(row.key.budget), " ".join(map(str, row.seeds)),
            row.verdict, _number(row.p_value), _number(row.p_holm), row.users_compared or "", "yes" if row.pareto else "no",
            repr(row.train_seconds), repr(row.eval_seconds), repr(row.peak_memory_mb), row.parameters, "; ".join(row.devices),
        ]
        if table.has_compression or table.has_efficiency:
            size, latency = row.model_size_bytes, row.scoring_ms_per_1000_users
            values += [describe_compression(row.key.compression_settings), "" if size is None else size, _number(latency)]
        for metric in table.all_metrics:
            s = row.metrics[metric]
            values += [repr(s.mean), _number(s.std), _number(s.ci_low), _number(s.ci_high)]
        writer.writerow(values)
    return out.getvalue()


def _run_entry(run: Run, row: Row) -> dict:
    record = run.record
    return {
        "run_id": run.run_id,
        "row_id": row.key.row_id,
        "seed": record["seed"],
        "command": record["command"],
        "created": record["created"],
        "record_sha256": run.sha256,
        "per_user_sha256": run.per_user_sha256,
        "model_version": record["model"]["version"],
        "device": record["environment"].get("device", "unknown"),
        "test_metrics": record["metrics"]["test"],
    }


def _versions_seen(runs: list[Run], package: str) -> list[str]:
    return sorted({str(run.record["environment"].get(package, "unknown")) for run in runs})


def manifest_json(table: Table, version: int, built_with: str) -> str:
    runs = table.runs
    return dump_json(
        {
            "format": FORMAT_VERSION,
            "table": f"{table.key.protocol_id}/{table.key.dataset}/v{version}",
            "version": version,
            "benchmark": table.key.as_dict(),
            "statistics": statistics(table),
            "built_with": {"recbench": built_with},
            "produced_by": {package: _versions_seen(runs, package) for package in ("recbench", "torch", "pytorch-lightning", "python")},
            "rows": [
                {
                    "row_id": row.key.row_id,
                    "model": row.key.model,
                    "distribution": row.key.distribution,
                    "model_versions": sorted({run.record["model"]["version"] for run in row.runs}),
                    "hyperparameters": json.loads(row.key.hyperparameters),
                    "tuning_budget": row.key.budget,
                    "tuning": row.runs[0].record.get("tuning"),  # the whole section: study, search space, ...
                    "runs": [run.run_id for run in row.runs],
                    **({"compression": row.key.compression_settings} if row.key.compression_settings is not None else {}),
                }
                for row in table.rows
            ],
            "runs": [_run_entry(run, row) for row in table.rows for run in row.runs],
            "superseded_runs": [_run_entry(run, row) for row in table.rows for run in row.superseded],
        }
    )
