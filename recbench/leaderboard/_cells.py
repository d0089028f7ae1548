"""The human-readable table (header, cells, explanations) shared by the Markdown and HTML pages."""

from __future__ import annotations

from collections import Counter

from recbench.leaderboard._keys import describe_budget
from recbench.leaderboard._metrics import metric_rules
from recbench.leaderboard._statistics import TESTS
from recbench.leaderboard._table import BEST, Row, Table


def format_p(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def format_metric(row: Row, metric: str) -> str:
    summary = row.metrics[metric]
    if summary.half_width is None:
        return f"{summary.mean:.4f}"
    return f"{summary.mean:.4f} ± {summary.half_width:.4f}"


def format_verdict(row: Row) -> str:
    if row.verdict == BEST:
        return BEST
    return f"{row.verdict} ({format_p(row.p_holm)})"


def format_tuning(row: Row) -> str:
    described = describe_budget(row.key.budget)
    return f"{described} (different budget)" if row.tuning == "different budget" else described


def row_labels(table: Table) -> list[str]:
    """Model names, with the row id where one model has several configurations."""
    counts = Counter(row.key.label for row in table.rows)
    return [row.key.label if counts[row.key.label] == 1 else f"{row.key.label} ({row.key.row_id.rpartition('-')[2]})" for row in table.rows]


def header(table: Table) -> list[str]:
    primary, others = table.shown_metrics[0], table.shown_metrics[1:]
    return [
        "#", "model", "hyperparameters", f"{primary} (95% CI)", "vs best", *others,
        "seeds", "train s", "eval s", "peak MB", "parameters",
        *(["model MB", "score ms/1k users"] if table.has_efficiency else []),
        "device", "Pareto", "tuning",
    ]


def _efficiency(table: Table, row: Row) -> list[str]:
    if not table.has_efficiency:
        return []
    size, latency = row.model_size_bytes, row.scoring_ms_per_1000_users
    return ["" if size is None else f"{size / 2**20:.3f}", "" if latency is None else f"{latency:.2f}"]


def cells(table: Table) -> list[list[str]]:
    primary, others = table.shown_metrics[0], table.shown_metrics[1:]
    return [
        [
            str(rank),
            label,
            row.key.describe_hyperparameters() or "defaults",
            format_metric(row, primary),
            format_verdict(row),
            *(f"{row.metrics[m].mean:.4f}" for m in others),
            str(len(row.runs)),
            f"{row.train_seconds:.3f}",
            f"{row.eval_seconds:.3f}",
            f"{row.peak_memory_mb:.0f}",
            f"{row.parameters:,}",
            *_efficiency(table, row),
            "; ".join(row.devices),
            "yes" if row.pareto else "",
            format_tuning(row),
        ]
        for rank, (row, label) in enumerate(zip(table.rows, row_labels(table)), start=1)
    ]


def mode_label(table: Table) -> str:
    mode = table.key.protocol_mode
    if mode == "full":
        return "full ranking over every item the user has not seen"
    if mode == "sampled":
        return "SAMPLED ranking: each held-out item against a fixed set of sampled negatives; not comparable with full-ranking tables"
    return f"{mode} ranking"


def explanations(table: Table, version: int) -> list[str]:
    """Paragraphs under the title: what was measured and how to read the marks."""
    key, primary = table.key, table.primary_metric
    rules = metric_rules(table.protocol, primary)
    comparisons = len(table.rows) - 1
    description = table.protocol.get("description") or f"{key.protocol_id}@{key.protocol_version}: {mode_label(table)}"
    sampled = f" {mode_label(table)}." if key.protocol_mode == "sampled" else ""
    paragraphs = [
        f"Protocol {description} (version {key.protocol_version}).{sampled} "
        f"Dataset {key.dataset}, fingerprint {key.dataset_fingerprint[:12]}; split {key.split_fingerprint[:12]}; "
        f"metrics version {key.metrics_version}. Table version v{version}.",
        f"Rows are ranked by the test {primary}{'' if rules.higher_is_better else ' (lower is better)'}: mean over seeds ± half-width "
        "of the 95% confidence interval (Student's t, n - 1 degrees of freedom; no interval with one seed). Other metrics are means over seeds."
        + ("" if rules.per_user_mean else f" Each run's {primary} is over all of its held-out data, not a mean over users."),
        f"vs best: {TESTS[table.test]} on per-user {primary} (each user's value averaged over a row's seeds"
        f"{'' if rules.per_user_mean else '; users without a value are left out'}) against "
        f"the best row, Holm-corrected over {comparisons} comparison{'s' if comparisons != 1 else ''}, alpha = {table.alpha:g}; "
        "\"tied\" means not significantly different from the best, and the p-value shown is the corrected one.",
        "Costs are means over seeds (peak memory: the largest), measured on the device named. "
        "Pareto: no other row is both at least as good and at least as fast to train. "
        "Tuning: the search budget a row's configuration came from; rows tuned with another budget than most tuned rows are marked.",
        "Every run behind a row, with the command that reproduces it, is listed in manifest.json.",
    ]
    if table.has_efficiency:
        paragraphs.insert(-1, "model MB: the stored weights (parameters and buffers) in MiB; score ms/1k users: median time "
                          "the model takes to score 1,000 test users (scoring only, mean over seeds).")
    if table.has_compression:
        paragraphs.insert(-1, "A row marked [int8], [prune ...] or [lowrank ...] is the trained model of the same "
                          "configuration compressed after training and evaluated the same way (see docs/compression.md).")
    superseded = sum(len(row.superseded) for row in table.rows)
    if superseded:
        paragraphs.append(f"{superseded} older record(s) of a configuration and seed were replaced by newer ones (listed in manifest.json).")
    return paragraphs


def title(table: Table, version: int) -> str:
    return f"{table.key.dataset} · {table.key.protocol_id} · v{version}"
