"""One leaderboard table: the runs of one benchmark key, aggregated into rows and compared with the best."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recbench.errors import RecbenchError
from recbench.leaderboard._keys import BenchmarkKey, RowKey, canonical_json
from recbench.leaderboard._metrics import metric_rules
from recbench.leaderboard._pareto import pareto_front
from recbench.leaderboard._runs import TRAINING_LIMITS, Run
from recbench.leaderboard._statistics import TESTS, SeedSummary, holm, paired_p_value, seed_summary

BEST, TIED, WORSE = "best", "tied", "worse"


@dataclass
class Row:
    key: RowKey
    runs: list[Run]  # one per seed, ordered by seed
    superseded: list[Run]  # older records of a (configuration, seed) that a newer one replaced
    metrics: dict[str, SeedSummary]
    train_seconds: float  # mean over seeds
    eval_seconds: float  # mean over seeds
    peak_memory_mb: float  # the largest over seeds: what a run needs
    parameters: int
    devices: list[str]
    tuning: str  # "not tuned", "reference budget" or "different budget"
    model_size_bytes: int | None = None  # the largest over seeds; None when a run did not record it
    scoring_ms_per_1000_users: float | None = None  # mean over seeds; None when a run did not record it
    verdict: str = TIED
    p_value: float | None = None
    p_holm: float | None = None
    users_compared: int | None = None
    pareto: bool = False

    @property
    def seeds(self) -> list[int]:
        return [run.record["seed"] for run in self.runs]


@dataclass
class Table:
    key: BenchmarkKey
    primary_metric: str
    shown_metrics: list[str]  # the test metrics at the primary metric's cutoff, primary first
    all_metrics: list[str]
    test: str
    alpha: float
    rows: list[Row]  # best first
    reference_budget: dict | None
    protocol: dict
    dataset: dict

    @property
    def runs(self) -> list[Run]:
        return sorted((run for row in self.rows for run in row.runs), key=lambda run: run.run_id)

    @property
    def has_efficiency(self) -> bool:
        """Whether any row measured model size and scoring time (older records did not; their tables stay as they were)."""
        return any(row.model_size_bytes is not None for row in self.rows)

    @property
    def has_compression(self) -> bool:
        return any(row.key.compression != "null" for row in self.rows)


def _latest_per_seed(runs: list[Run]) -> tuple[list[Run], list[Run]]:
    """One run per seed: the latest record (by creation time, then run id); the others are superseded."""
    by_seed: dict[int, list[Run]] = {}
    for run in runs:
        by_seed.setdefault(run.record["seed"], []).append(run)
    kept, superseded = [], []
    for seed in sorted(by_seed):
        ordered = sorted(by_seed[seed], key=lambda run: (run.record["created"], run.run_id))
        kept.append(ordered[-1])
        superseded += ordered[:-1]
    return kept, sorted(superseded, key=lambda run: run.run_id)


def _metric_order(protocol: dict, metrics: set[str]) -> list[str]:
    """Test metrics in the protocol's order (metric names, then cutoffs), any others after, sorted."""
    config = protocol.get("config") if isinstance(protocol.get("config"), dict) else {}
    names, cutoffs = config.get("metrics") or [], config.get("cutoffs") or []
    ordered = [f"{n}@{k}" for n in names for k in cutoffs if f"{n}@{k}" in metrics]
    return ordered + sorted(metrics - set(ordered))


def _cutoff(metric: str) -> str | None:
    """``10`` for ``ndcg@10``; None for a metric without a cutoff (``rmse``, ``auc``)."""
    return metric.rpartition("@")[2] if "@" in metric else None


def _shown_metrics(all_metrics: list[str], primary: str) -> list[str]:
    same_cutoff = [m for m in all_metrics if _cutoff(m) == _cutoff(primary) and m != primary]
    return [primary, *same_cutoff]


def _reference_budget(budgets: list[dict | None]) -> dict | None:
    """The budget most tuned rows share (ties: the first in canonical order); None when no row is tuned."""
    counts = Counter(canonical_json(b) for b in budgets if b is not None)
    if not counts:
        return None
    best = min(counts, key=lambda spelling: (-counts[spelling], spelling))
    return json.loads(best)


def _per_user_mean(row: Row, metric: str) -> pd.Series:
    """Each user's value averaged over the row's seeds (users every seed evaluated and gave a value)."""
    columns = pd.concat([run.per_user[metric] for run in row.runs], axis=1, join="inner")
    return columns.dropna().mean(axis=1)


def _check_training_limits(key: RowKey, runs: list[Run]) -> None:
    """Refuse to average one configuration trained two ways (say 10 and 100 epochs at most) into one row.

    Models that do not train (closed form, counting) are exempt: their limits are unused.
    A limit a record does not carry is not compared.
    """
    trained = [(run, training) for run in runs if (training := run.record.get("training", {})).get("epochs", 0)]
    for name in TRAINING_LIMITS:
        first: dict = {}
        for run, training in trained:
            if training.get(name) is not None:
                first.setdefault(training[name], run)
        if len(first) > 1:
            (a, run_a), (b, run_b) = list(first.items())[:2]
            raise RecbenchError(
                f"{run_a.path} and {run_b.path} hold the same configuration of {key.label}, trained with "
                f"{name} {a} and {b}: a table row averages runs of one setup only. "
                "Keep runs with different training limits in separate results folders and build their tables apart."
            )


def _make_row(key: RowKey, runs: list[Run], metrics: list[str], reference: dict | None) -> Row:
    _check_training_limits(key, runs)
    kept, superseded = _latest_per_seed(runs)
    costs = [run.record["costs"] for run in kept]
    budget = key.budget
    tuning = "not tuned" if budget is None else ("reference budget" if budget == reference else "different budget")
    return Row(
        key=key,
        runs=kept,
        superseded=superseded,
        metrics={m: seed_summary([run.record["metrics"]["test"][m] for run in kept]) for m in metrics},
        train_seconds=float(np.mean([c["train_seconds"] for c in costs])),
        eval_seconds=float(np.mean([c["eval_seconds"] for c in costs])),
        peak_memory_mb=float(max(c["peak_memory_mb"] for c in costs)),
        parameters=int(max(c["parameters"] for c in costs)),
        devices=sorted({run.record["environment"].get("device", "unknown") for run in kept}),
        tuning=tuning,
        model_size_bytes=int(max(c["model_size_bytes"] for c in costs)) if all("model_size_bytes" in c for c in costs) else None,
        scoring_ms_per_1000_users=(
            float(np.mean([c["scoring_ms_per_1000_users"] for c in costs])) if all("scoring_ms_per_1000_users" in c for c in costs) else None
        ),
    )


def _compare_with_best(rows: list[Row], metric: str, test: str, alpha: float) -> None:
    best = rows[0]
    best.verdict = BEST
    best_users = _per_user_mean(best, metric)
    p_values = []
    for row in rows[1:]:
        paired = pd.concat([best_users, _per_user_mean(row, metric)], axis=1, join="inner")
        row.users_compared = len(paired)
        row.p_value = paired_p_value(paired.iloc[:, 0].to_numpy(), paired.iloc[:, 1].to_numpy(), test)
        p_values.append(row.p_value)
    for row, adjusted in zip(rows[1:], holm(p_values)):
        row.p_holm = adjusted
        row.verdict = WORSE if adjusted < alpha else TIED


def build_table(key: BenchmarkKey, runs: list[Run], primary_metric: str | None = None, test: str = "t", alpha: float = 0.05) -> Table:
    """Aggregate the runs of one benchmark key into ranked rows; see ``_statistics`` for the tests."""
    if test not in TESTS:
        raise RecbenchError(f"unknown significance test '{test}'; choose one of {', '.join(sorted(TESTS))}")
    if not 0 < alpha < 1:
        raise RecbenchError(f"alpha must lie between 0 and 1, got {alpha}")
    runs = sorted(runs, key=lambda run: run.run_id)
    first = runs[0].record
    common = set.intersection(*(set(run.record["metrics"]["test"]) & set(run.per_user.columns) for run in runs))
    all_metrics = _metric_order(first["protocol"], common)
    primary = primary_metric or first["protocol"]["valid_metric"]
    if primary not in common:
        raise RecbenchError(
            f"{key.protocol_id}/{key.dataset}: metric '{primary}' is not in every run's test metrics; choose one of {all_metrics}"
        )
    groups: dict[RowKey, list[Run]] = {}
    for run in runs:
        groups.setdefault(RowKey.of(run.record), []).append(run)
    reference = _reference_budget([row_key.budget for row_key in groups])
    rows = [_make_row(row_key, groups[row_key], all_metrics, reference) for row_key in sorted(groups)]
    rules = metric_rules(first["protocol"], primary)
    rows.sort(key=lambda row: (-rules.oriented(row.metrics[primary].mean), row.key.model, row.key.row_id))
    _compare_with_best(rows, primary, test, alpha)
    front = pareto_front([rules.oriented(row.metrics[primary].mean) for row in rows], [row.train_seconds for row in rows])
    for row, on_front in zip(rows, front):
        row.pareto = on_front
    dataset = {name: first["dataset"][name] for name in ("name", "fingerprint", "raw_sha256", "options", "counts") if name in first["dataset"]}
    protocol = {name: first["protocol"][name] for name in ("id", "version", "mode", "task", "lower_is_better", "description", "valid_metric", "tie_break", "config") if name in first["protocol"]}
    return Table(
        key=key,
        primary_metric=primary,
        shown_metrics=_shown_metrics(all_metrics, primary),
        all_metrics=all_metrics,
        test=test,
        alpha=alpha,
        rows=rows,
        reference_budget=reference,
        protocol=protocol,
        dataset=dataset,
    )
