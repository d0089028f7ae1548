"""`leaderboard diff A B`: what changed between two table versions (or two builds of one)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from recbench.errors import RecbenchError
from recbench.leaderboard._files import FORMAT_VERSION
from recbench.leaderboard._keys import describe_compression

CHANGE_TOLERANCE = 1e-12  # below this a mean is unchanged (float noise between platforms)


def read_table(path: str | Path) -> dict:
    """The table.json of a version folder (or the file itself)."""
    path = Path(path)
    file = path / "table.json" if path.is_dir() else path
    try:
        table = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RecbenchError(f"{file}: not a leaderboard table.json ({exc})") from None
    if not isinstance(table, dict) or table.get("format") != FORMAT_VERSION or not isinstance(table.get("rows"), list):
        raise RecbenchError(f"{file}: not a leaderboard table.json of format {FORMAT_VERSION}")
    return table


@dataclass
class RowChange:
    row_id: str
    label: str
    changes: list[str]


@dataclass
class TableDiff:
    title_a: str
    title_b: str
    key_changes: list[str]
    metric: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    unchanged: int = 0


def _short(value) -> str:
    """Fingerprints are shown by their first 12 hex digits, as in the tables."""
    return value[:12] if isinstance(value, str) and len(value) > 32 else str(value)


def _title(table: dict) -> str:
    key = table.get("benchmark", {})
    return f"{key.get('protocol_id')}/{key.get('dataset')} v{table.get('version')} ({len(table['rows'])} rows)"


def _label(row: dict) -> str:
    values = ", ".join(f"{k}={v}" for k, v in sorted(row.get("hyperparameters", {}).items()))
    name = f"{row['model']} [{describe_compression(row['compression'])}]" if row.get("compression") else row["model"]
    return f"{name} ({values})" if values else name


def _mean(row: dict, metric: str) -> float | None:
    return row.get("metrics", {}).get(metric, {}).get("mean")


def _row_changes(a: dict, b: dict, metric: str, all_metrics: list[str]) -> list[str]:
    changes = []
    old, new = _mean(a, metric), _mean(b, metric)
    if old is not None and new is not None and abs(new - old) > CHANGE_TOLERANCE:
        changes.append(f"{metric} {old:.4f} -> {new:.4f} ({new - old:+.4f})")
    others = [m for m in all_metrics if m != metric and _mean(a, m) is not None and _mean(b, m) is not None and abs(_mean(b, m) - _mean(a, m)) > CHANGE_TOLERANCE]
    if others:
        changes.append(f"{len(others)} other metric mean(s) changed")
    for name, spell in (("rank", str), ("verdict", str), ("seeds", lambda s: " ".join(map(str, s)))):
        if a.get(name) != b.get(name):
            changes.append(f"{name} {spell(a.get(name))} -> {spell(b.get(name))}")
    return changes


def diff_tables(a: dict, b: dict) -> TableDiff:
    key_a, key_b = a.get("benchmark", {}), b.get("benchmark", {})
    key_changes = [
        f"{name} {_short(key_a.get(name))} -> {_short(key_b.get(name))}"
        for name in sorted(set(key_a) | set(key_b))
        if key_a.get(name) != key_b.get(name)
    ]
    metric = b.get("statistics", {}).get("primary_metric", "")
    if a.get("statistics", {}).get("primary_metric") != metric:
        key_changes.append(f"primary metric {a.get('statistics', {}).get('primary_metric')} -> {metric}")
    rows_a, rows_b = {r["row_id"]: r for r in a["rows"]}, {r["row_id"]: r for r in b["rows"]}
    diff = TableDiff(_title(a), _title(b), key_changes, metric)
    all_metrics = list(b.get("metrics", []))
    for row_id, row in rows_b.items():
        if row_id not in rows_a:
            mean = _mean(row, metric)
            diff.added.append(f"{_label(row)}: {metric} {mean:.4f}" if mean is not None else _label(row))
    for row_id, row in rows_a.items():
        if row_id not in rows_b:
            diff.removed.append(_label(row))
    for row_id, row in rows_b.items():
        if row_id in rows_a:
            changes = _row_changes(rows_a[row_id], row, metric, all_metrics)
            if changes:
                diff.changed.append(RowChange(row_id, _label(row), changes))
            else:
                diff.unchanged += 1
    return diff


def format_diff(diff: TableDiff) -> str:
    lines = [f"A: {diff.title_a}", f"B: {diff.title_b}"]
    lines.append("benchmark key: " + ("same" if not diff.key_changes else "; ".join(diff.key_changes)))
    for heading, entries, sign in (("rows added (only in B)", diff.added, "+"), ("rows removed (only in A)", diff.removed, "-")):
        if entries:
            lines.append(f"{heading}:")
            lines += [f"  {sign} {entry}" for entry in entries]
    if diff.changed:
        lines.append("rows changed:")
        lines += [f"  ~ {change.label}: {'; '.join(change.changes)}" for change in diff.changed]
    lines.append(f"rows unchanged: {diff.unchanged}")
    return "\n".join(lines) + "\n"
