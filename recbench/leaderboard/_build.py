"""`leaderboard build`: records in, ``<out>/<protocol>/<dataset>/v<N>/`` out.

Everything is computed before anything is written, so a build that fails leaves the
published folders as they were. Files whose content is unchanged are not rewritten.
Records are only read.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from recbench.errors import RecbenchError
from recbench.leaderboard._files import manifest_json, table_csv, table_json
from recbench.leaderboard._html import html_page
from recbench.leaderboard._keys import BenchmarkKey
from recbench.leaderboard._markdown import markdown_table
from recbench.leaderboard._runs import Rejected, Run, load_runs
from recbench.leaderboard._table import Table, build_table
from recbench.leaderboard._versions import assign_versions, changelog, existing_versions

TABLE_FILES = ("table.md", "table.csv", "table.json", "index.html", "manifest.json")


@dataclass
class BuildResult:
    tables: list[tuple[Path, Table]] = field(default_factory=list)  # version folder, table
    rejected: list[Rejected] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)  # files written because their content changed


def _builder_version() -> str:
    from recbench import __version__

    return __version__


def _write_if_changed(path: Path, content: str) -> bool:
    data = content.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return True


def _check_nothing_lost(folder: Path, manifest: dict, runs: list[Run], rejected: list[Rejected]) -> None:
    """A published row must not vanish because its record was not passed in (or was rejected)."""
    listed = {entry["run_id"] for part in ("runs", "superseded_runs") for entry in manifest.get(part, [])}
    missing = sorted(listed - {run.run_id for run in runs})
    if missing:
        also = f"; {len(rejected)} file(s) were rejected (see the warnings)" if rejected else ""
        raise RecbenchError(
            f"{folder} lists {len(missing)} run(s) not among the given records (first: {missing[0]}){also}; "
            "pass the results folders that hold them, or --drop-missing to remove them from the table"
        )


def build_leaderboards(
    results_dirs: list[str | Path],
    out: str | Path,
    metric: str | None = None,
    test: str = "t",
    alpha: float = 0.05,
    strict: bool = False,
    drop_missing: bool = False,
) -> BuildResult:
    """Read every record under ``results_dirs`` and write one table version per benchmark key under ``out``.

    Invalid records are left out and returned in ``rejected`` (``strict``: an error instead).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RecbenchError(f"--out {out} is a file; name a folder for the tables (it is created if missing)")
    runs, rejected = load_runs(results_dirs)
    if rejected and strict:
        raise RecbenchError(f"{len(rejected)} record file(s) rejected, first {rejected[0]}")
    if not runs:
        raise RecbenchError(f"no valid run records in {', '.join(map(str, results_dirs))}; rejected: {rejected[0]}")
    groups: dict[BenchmarkKey, list[Run]] = {}
    for run in runs:
        groups.setdefault(BenchmarkKey.of(run.record), []).append(run)

    result = BuildResult(rejected=rejected)
    pending: dict[Path, str] = {}
    folders = sorted({(key.protocol_id, key.dataset) for key in groups})
    for protocol_id, dataset in folders:
        folder = out / protocol_id / dataset
        existing = existing_versions(folder)
        keys = {key: min(run.record["created"] for run in group) for key, group in groups.items() if (key.protocol_id, key.dataset) == (protocol_id, dataset)}
        numbers = assign_versions(existing, keys)
        manifests = {number: manifest for number, manifest in existing.items()}
        for key in sorted(keys, key=lambda k: numbers[k]):
            number = numbers[key]
            version_folder = folder / f"v{number}"
            if number in existing and not drop_missing:
                _check_nothing_lost(version_folder, existing[number], groups[key], rejected)
            table = build_table(key, groups[key], metric, test, alpha)
            manifest = manifest_json(table, number, _builder_version())
            contents = {
                "table.md": markdown_table(table, number),
                "table.csv": table_csv(table),
                "table.json": table_json(table, number),
                "index.html": html_page(table, number),
                "manifest.json": manifest,
            }
            pending.update({version_folder / name: text for name, text in contents.items()})
            manifests[number] = {"benchmark": key.as_dict()}
            result.tables.append((version_folder, table))
        pending[folder / "CHANGELOG.md"] = changelog(protocol_id, dataset, manifests)
    for path, content in pending.items():
        if _write_if_changed(path, content):
            result.changed.append(path)
    return result
