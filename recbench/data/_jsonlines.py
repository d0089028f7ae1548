"""JSON-lines review dumps (Amazon's 5-core files, Yelp's academic dataset), read in chunks.

Only the named fields are kept from each chunk, so the review texts never all sit in memory.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Mapping

import pandas as pd

from recbench.errors import RecbenchError

CHUNK_ROWS = 200_000


def read_json_lines(path: Path, fields: Mapping[str, str]) -> pd.DataFrame:
    """Columns ``fields`` (file key -> column name) of every record in ``path`` (``.gz`` allowed).

    A line that is not a JSON object, or lacks one of the fields, names the file and line.
    """
    if not path.is_file():
        raise RecbenchError(f"{path}: file not found")
    parts = []
    first_row = 0
    try:
        reader = pd.read_json(path, lines=True, chunksize=CHUNK_ROWS, dtype=False, convert_dates=False, compression="infer")
        with reader:
            for chunk in reader:
                missing = [key for key in fields if key not in chunk.columns]
                incomplete = chunk[list(fields)].isna().any(axis=1) if not missing else None
                if missing or incomplete.any():
                    row = 0 if missing else int(incomplete.to_numpy().nonzero()[0][0])
                    _raise_at_record(path, first_row + row, fields)
                parts.append(chunk[list(fields)].rename(columns=dict(fields)))
                first_row += len(chunk)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise RecbenchError(f"{path}: truncated or not a valid gzip file ({exc}); download it again") from None
    except ValueError:
        _raise_first_bad_line(path, fields)
        raise
    if not parts:
        raise RecbenchError(f"{path}: no records; the file is empty or truncated")
    return pd.concat(parts, ignore_index=True)


def _open(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")


def _raise_at_record(path: Path, record: int, fields: Mapping[str, str]) -> None:
    seen = -1
    with _open(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                seen += 1
                if seen == record:
                    raise RecbenchError(
                        f"{path}, line {number}: a record lacks one of the fields {list(fields)}: {line.strip()[:120]!r}. "
                        "Check the file is the publisher's original"
                    )
    raise RecbenchError(f"{path}: record {record + 1} lacks one of the fields {list(fields)}")


def _raise_first_bad_line(path: Path, fields: Mapping[str, str]) -> None:
    try:
        with _open(path) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                if not isinstance(record, dict):
                    raise RecbenchError(
                        f"{path}, line {number}: not a JSON object: {line.strip()[:120]!r}. "
                        "The file is truncated or not the publisher's JSON-lines file"
                    )
    except (EOFError, gzip.BadGzipFile, zlib.error, UnicodeDecodeError) as exc:
        raise RecbenchError(f"{path}: truncated or corrupt ({exc}); download it again") from None
    raise RecbenchError(f"{path}: not a JSON-lines file of records with {list(fields)}")
