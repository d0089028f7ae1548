"""Readers for publishers' delimited files: fast path through pandas, exact errors on bad lines."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from recbench.errors import RecbenchError


def read_integer_table(path: Path, separator: str, columns: list[str], encoding: str = "latin-1") -> pd.DataFrame:
    """Read a headerless file of integer fields separated by ``separator`` (which may be ``::``).

    Multi-character separators are rewritten to a tab first so pandas' C parser reads the file.
    Any malformed line is reported with its file and line number.
    """
    original = path.read_bytes()
    sep = separator.encode(encoding)
    raw = original
    if len(sep) > 1:
        if b"\t" in original:  # a tab would pass for a separator after the rewrite
            _raise_first_bad_line(path, original, sep, columns, encoding, separator)
        raw = original.replace(sep, b"\t")
    if not original.strip():
        raise RecbenchError(f"{path}: no rows; the file is empty or truncated. Replace it with the official file")
    try:
        frame = pd.read_csv(
            io.BytesIO(raw),
            sep="\t" if len(sep) > 1 else separator,
            header=None,  # no names: pandas counts the fields itself, so extra ones are caught below
            dtype="int64",
            engine="c",
        )
        if frame.shape[1] != len(columns):
            raise ValueError("wrong number of fields")
        frame.columns = columns
    except (ValueError, OverflowError, pd.errors.ParserError):
        _raise_first_bad_line(path, original, sep, columns, encoding, separator)
        raise
    if frame.empty:
        raise RecbenchError(f"{path}: no rows; the file is empty or truncated. Replace it with the official file")
    return frame


def _raise_first_bad_line(path: Path, raw: bytes, sep: bytes, columns: list[str], encoding: str, shown: str) -> None:
    layout = shown.join(columns)
    for number, line in enumerate(raw.split(b"\n"), start=1):
        text = line.rstrip(b"\r")
        if not text:
            continue
        fields = text.split(sep)
        if len(fields) != len(columns) or not all(_is_int64(f) for f in fields):
            raise RecbenchError(
                f"{path}, line {number}: expected {len(columns)} integer fields '{layout}', "
                f"got {text.decode(encoding, 'replace')[:80]!r}. Check the file is the publisher's original"
            )


def _is_int64(field: bytes) -> bool:
    field = field.strip()
    return field.lstrip(b"-").isdigit() and -(2**63) <= int(field) < 2**63
