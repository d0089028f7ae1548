"""A content-addressed artifact cache: build once per fingerprint, read back in milliseconds.

An entry is a folder ``<cache_dir>/<kind>/<key>/`` holding one Parquet file per DataFrame,
one JSON file per other value, and ``manifest.json``. It is written under a temporary name
and renamed into place in one step, so a reader sees either a complete entry or none: a
crash or a full disk leaves only a ``.tmp-*`` folder, which no reader opens. The key is a
fingerprint of everything the content depends on, so a changed option is a different key
and can never hit a stale entry.

Values: ``pd.DataFrame`` (Parquet, index kept), anything JSON can hold, or None. List-valued
DataFrame cells come back as Python lists, as they went in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from recbench.errors import RecbenchError, RecbenchWarning

MANIFEST = "manifest.json"
CACHE_FORMAT = 1  # bump when the layout of an entry changes
_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def cached(
    kind: str,
    key: str,
    build: Callable[[], Mapping[str, Any]],
    cache_dir: str | Path | None,
) -> dict[str, Any]:
    """Return the artifacts stored under (``kind``, ``key``), building and storing them on a miss.

    ``build`` returns a mapping of names to DataFrames, JSON-able values or None. With
    ``cache_dir`` None the cache is off: ``build()`` runs every time.
    """
    if cache_dir is None:
        return dict(build())
    for part in (kind, key):
        if not _SAFE.match(part):
            raise ValueError(f"cache kind and key must be plain names, got {part!r}")
    entry = Path(cache_dir) / kind / key
    if (entry / MANIFEST).is_file():
        try:
            return read_entry(entry)
        except Exception as exc:  # a damaged entry (disk error, foreign edit) is rebuilt, not trusted
            warnings.warn(f"{entry}: unreadable cache entry ({exc}); rebuilding it", RecbenchWarning, stacklevel=2)
            shutil.rmtree(entry, ignore_errors=True)
    artifacts = dict(build())
    write_entry(entry, artifacts)
    return artifacts


def write_entry(entry: Path, artifacts: Mapping[str, Any]) -> None:
    """Write all artifacts into a temporary folder beside ``entry``, then rename it into place."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=entry.parent, prefix=f".tmp-{entry.name}."))
    try:
        manifest: dict[str, str] = {}
        for name, value in artifacts.items():
            if not _SAFE.match(name):
                raise ValueError(f"artifact names must be plain names, got {name!r}")
            if isinstance(value, pd.DataFrame):
                value.to_parquet(staging / f"{name}.parquet", index=True)
                manifest[name] = "parquet"
            elif value is None:
                manifest[name] = "none"
            else:
                (staging / f"{name}.json").write_text(json.dumps(value, sort_keys=True))
                manifest[name] = "json"
        # The manifest goes last: a folder without one was never finished.
        (staging / MANIFEST).write_text(json.dumps({"format": CACHE_FORMAT, "artifacts": manifest}, sort_keys=True))
        if entry.exists() and not (entry / MANIFEST).is_file():
            shutil.rmtree(entry)  # debris at the final name (not written by this module) is no entry
        try:
            os.replace(staging, entry)
        except OSError:
            if not (entry / MANIFEST).is_file():  # not a concurrent writer that got there first
                raise
    except OSError as exc:
        raise RecbenchError(f"cannot write the cache entry {entry} ({exc}); free disk space or set RECBENCH_CACHE_DIR") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def read_entry(entry: Path) -> dict[str, Any]:
    manifest = json.loads((entry / MANIFEST).read_text())
    if manifest.get("format") != CACHE_FORMAT:
        raise ValueError(f"cache format {manifest.get('format')}, expected {CACHE_FORMAT}")
    artifacts: dict[str, Any] = {}
    for name, stored in manifest["artifacts"].items():
        if stored == "parquet":
            artifacts[name] = _lists_back(pd.read_parquet(entry / f"{name}.parquet"))
        elif stored == "json":
            artifacts[name] = json.loads((entry / f"{name}.json").read_text())
        else:
            artifacts[name] = None
    return artifacts


def _lists_back(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet returns list cells as numpy arrays; turn them back into lists."""
    for column in frame.columns:
        if frame[column].dtype == object:
            first = frame[column].dropna().head(1)
            if len(first) and isinstance(first.iloc[0], np.ndarray):
                frame[column] = frame[column].map(lambda v: v.tolist() if isinstance(v, np.ndarray) else v)
    return frame
