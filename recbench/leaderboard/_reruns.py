"""Re-running a table's runs: which commands, parsed how, and whether the new number agrees.

The leaderboard never trains; this module only turns a manifest's commands into
`recbench train` overrides (refusing anything else) and judges the results the caller
brings back. A command is never handed to a shell.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from recbench.errors import RecbenchError
from recbench.leaderboard._keys import compression_of, describe_compression
from recbench.leaderboard._runs import read_run
from recbench.leaderboard._statistics import one_run_interval

# A Hydra override `key=value` (or +key / ~key): no flags, no Hydra internals, no group paths.
OVERRIDE = re.compile(r"[+~]?[A-Za-z_][A-Za-z0-9_.\-]*=[^\n\r]*")
# Float noise allowed between a re-run and the interval it must fall into.
TOLERANCE = 1e-9
# A re-run "reproduces" a record when every test metric is within this of the recorded one: summation
# order changes (a refactoring, another BLAS path) move float32-computed metrics by about 1e-8.
REPRODUCED_WITHIN = 1e-6


def train_overrides(command: str) -> list[str]:
    """The overrides of a recorded `recbench train ...` command, without its results_dir."""
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise RecbenchError(f"command {command!r} cannot be parsed ({exc})") from None
    if words[:2] != ["recbench", "train"]:
        raise RecbenchError(f"command {command!r} is not a `recbench train` command; only those are re-run")
    overrides = words[2:]
    for word in overrides:
        if not OVERRIDE.fullmatch(word) or word.lstrip("+~").startswith("hydra"):
            raise RecbenchError(f"command {command!r}: {word!r} is not a plain config override; refusing to re-run it")
    return [word for word in overrides if word.lstrip("+~").split("=", 1)[0] != "results_dir"]


@dataclass(frozen=True)
class Rerun:
    row_id: str
    label: str
    run_id: str
    seed: int
    overrides: list[str]
    metric: str
    original: float  # the recorded run's value
    mean: float
    low: float | None  # where one more run of the row is expected (``one_run_interval``)
    high: float | None
    compression: dict | None = None  # a compressed variant's method and settings: its re-run writes the float record too

    def inside(self, value: float) -> bool:
        """Within the interval one more run of the row is expected in (at the mean when the row has one seed)."""
        low = self.mean if self.low is None else self.low
        high = self.mean if self.high is None else self.high
        return low - TOLERANCE <= value <= high + TOLERANCE


def _spread(count: int, available: int) -> list[int]:
    """``count`` ranks spread evenly from the best row to the last."""
    if count >= available:
        return list(range(available))
    if count == 1:
        return [0]
    return sorted({round(i * (available - 1) / (count - 1)) for i in range(count)})


def plan_reruns(version_folder: str | Path, rows: int | None = None, row_ids: list[str] | None = None) -> list[Rerun]:
    """One re-run per chosen row: the row's lowest seed, with the interval one run of the row is expected in.

    Rows are chosen by id, else ``rows`` of them spread over the ranking, else all.
    """
    folder = Path(version_folder)
    try:
        table = json.loads((folder / "table.json").read_text(encoding="utf-8"))
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RecbenchError(f"{folder}: not a leaderboard version folder ({exc})") from None
    try:
        metric = table["statistics"]["primary_metric"]
        commands = {entry["run_id"]: entry for entry in manifest["runs"]}
        ranked = table["rows"]
        return _plans(folder, metric, commands, ranked, rows, row_ids)
    except (KeyError, TypeError, IndexError) as exc:
        raise RecbenchError(f"{folder}: table.json and manifest.json do not match this recbench's format (missing {exc})") from None


def _plans(folder: Path, metric: str, commands: dict, ranked: list, rows: int | None, row_ids: list[str] | None) -> list[Rerun]:
    if row_ids:
        unknown = sorted(set(row_ids) - {row["row_id"] for row in ranked})
        if unknown:
            raise RecbenchError(f"{folder}: no row {unknown[0]}; rows are {', '.join(r['row_id'] for r in ranked)}")
        chosen = [row for row in ranked if row["row_id"] in row_ids]
    else:
        if rows is not None and rows < 1:
            raise RecbenchError(f"--rows must be at least 1, got {rows}")
        chosen = [ranked[i] for i in _spread(len(ranked) if rows is None else rows, len(ranked))]
    plans = []
    for row in chosen:
        run_id = row["runs"][0]
        entry = commands[run_id]
        summary = row["metrics"][metric]
        low, high = one_run_interval(summary["n"], summary["mean"], summary["std"]) or (None, None)
        compression = row.get("compression")
        plans.append(
            Rerun(
                row_id=row["row_id"],
                label=f"{row['model']} [{describe_compression(compression)}]" if compression else row["model"],
                run_id=run_id,
                seed=entry["seed"],
                overrides=train_overrides(entry["command"]),
                metric=metric,
                original=entry["test_metrics"][metric],
                mean=summary["mean"],
                low=low,
                high=high,
                compression=compression,
            )
        )
    return plans


@dataclass(frozen=True)
class RecordedRun:
    """What a re-run of one recorded run is compared with."""

    command: str
    test_metrics: dict[str, float]
    compression: dict | None  # which of a `compress=...` run's records it is
    device: str


def find_run(run_id: str, places: list[str | Path]) -> RecordedRun:
    """``run_id``'s command and test metrics, from results folders (``runs/<id>.json``) or leaderboard manifests."""
    for place in map(Path, places):
        for candidate in (place / "runs" / f"{run_id}.json", place / f"{run_id}.json"):
            if candidate.is_file():
                record = read_run(candidate).record
                device = record["environment"].get("device", "unknown")
                return RecordedRun(record["command"], record["metrics"]["test"], compression_of(record), device)
        for manifest in sorted(place.glob("**/manifest.json")) if place.is_dir() else []:
            try:
                entries = json.loads(manifest.read_text(encoding="utf-8")).get("runs", [])
            except ValueError:
                continue
            for entry in entries:
                if isinstance(entry, dict) and entry.get("run_id") == run_id and isinstance(entry.get("command"), str):
                    compression = _row_compression(manifest, entry.get("row_id"))
                    return RecordedRun(entry["command"], entry.get("test_metrics", {}), compression, entry.get("device", "unknown"))
    raise RecbenchError(f"run {run_id} not found in {', '.join(map(str, places))}")


def _row_compression(manifest: Path, row_id: str | None) -> dict | None:
    """The compression of a manifest entry's row, from the table.json beside the manifest."""
    try:
        rows = json.loads((manifest.parent / "table.json").read_text(encoding="utf-8")).get("rows", [])
    except (OSError, ValueError):
        return None
    return next((row.get("compression") for row in rows if isinstance(row, dict) and row.get("row_id") == row_id), None)


def metric_differences(recorded: dict[str, float], rerun: dict[str, float]) -> dict[str, tuple[float, float | None]]:
    """Each recorded test metric with the re-run's value (None where the re-run lacks it)."""
    return {name: (value, rerun.get(name)) for name, value in sorted(recorded.items())}


def reproduced(differences: dict[str, tuple[float, float | None]]) -> bool:
    """Every recorded metric came back, equal up to float noise (``REPRODUCED_WITHIN``)."""
    return all(new is not None and abs(new - old) <= REPRODUCED_WITHIN for old, new in differences.values())
