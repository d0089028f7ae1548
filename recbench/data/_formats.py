"""Readers for publishers' delimited files: fast path through pandas' C parser, exact errors on bad lines.

Every reader parses the whole file with pandas first; only when that fails does it walk the
lines to find the first bad one, so a good file costs one C-speed pass.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from recbench.errors import RecbenchError

DTYPES = {"int": "int64", "float": "float64", "str": "str"}
KIND_WORDS = {"int": "integer", "float": "number", "str": "text"}


def read_integer_table(path: Path, separator: str, columns: list[str], encoding: str = "latin-1") -> pd.DataFrame:
    """Read a headerless file of integer fields separated by ``separator`` (which may be ``::``)."""
    return read_fields(path, separator, columns, ["int"] * len(columns), encoding=encoding)


def read_fields(
    path: Path,
    separator: str,
    columns: Sequence[str],
    kinds: Sequence[str],
    *,
    header: Sequence[str] | None = None,
    encoding: str = "utf-8",
    quoted: bool = False,
    content: bytes | None = None,
) -> pd.DataFrame:
    """Read fields of the given ``kinds`` ("int", "float", "str") separated by ``separator``.

    ``header``: the exact field names the first line must hold (None: the file has no header).
    Multi-character separators are rewritten to a tab so pandas' C parser reads the file.
    ``quoted`` lets text fields be quoted CSV-style (MovieLens titles with commas).
    ``content``: the bytes to parse when a caller has already rewritten the file (errors
    still name ``path``). Any malformed line is reported with its file and line number.
    """
    if content is None and not path.is_file():
        raise RecbenchError(f"{path}: file not found")
    sep = separator.encode(encoding)
    original = content
    if len(sep) > 1:
        original = path.read_bytes() if original is None else original
        if b"\t" in original:  # a tab would pass for a separator after the rewrite
            _raise_first_bad_line(path, original, separator, kinds, encoding, header)
        source = io.BytesIO(original.replace(sep, b"\t"))
        pandas_sep = "\t"
    else:
        source = path if original is None else io.BytesIO(original)
        pandas_sep = separator
    if not (original.strip() if original is not None else path.stat().st_size):
        raise RecbenchError(f"{path}: no rows; the file is empty or truncated. Replace it with the publisher's file")
    if header is not None:
        _check_header(original if original is not None else path, path, separator, header, encoding)
    try:
        frame = pd.read_csv(
            source,
            sep=pandas_sep,
            header=None,  # no names: pandas counts the fields itself, so extra ones are caught below
            skiprows=1 if header is not None else 0,
            dtype={i: DTYPES[k] for i, k in enumerate(kinds)},
            encoding=encoding,
            quoting=0 if quoted else 3,  # csv.QUOTE_MINIMAL / csv.QUOTE_NONE
            keep_default_na=False,  # "NA" or "null" in a text field is text; only an empty number is missing
            na_values={i: [""] for i, k in enumerate(kinds) if k != "str"},
            engine="c",
        )
        if frame.shape[1] != len(columns):
            raise ValueError("wrong number of fields")
        if any(k == "float" for k in kinds) and frame.select_dtypes("number").isna().any().any():
            raise ValueError("missing number")
        frame.columns = list(columns)
    except (ValueError, OverflowError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raw = original if original is not None else path.read_bytes()
        _raise_first_bad_line(path, raw, separator, kinds, encoding, header, quoted)
        raise RecbenchError(f"{path}: no rows could be read ({exc}); the file is empty or truncated. Replace it with the publisher's file") from None
    if frame.empty:
        raise RecbenchError(f"{path}: no rows; the file is empty or truncated. Replace it with the publisher's file")
    return frame


def _check_header(source: Path | bytes, path: Path, separator: str, header: Sequence[str], encoding: str) -> None:
    if isinstance(source, bytes):
        first_bytes = source.split(b"\n", 1)[0]
    else:
        with open(source, "rb") as handle:
            first_bytes = handle.readline()
    first = first_bytes.decode(encoding, "replace").lstrip("\ufeff").rstrip("\r\n")
    if first.split(separator) != list(header):
        raise RecbenchError(
            f"{path}, line 1: expected the header '{separator.join(header)}', got {first[:80]!r}. "
            "Check the file is the publisher's original"
        )


def _raise_first_bad_line(
    path: Path,
    raw: bytes,
    separator: str,
    kinds: Sequence[str],
    encoding: str,
    header: Sequence[str] | None = None,
    quoted: bool = False,
) -> None:
    layout = separator.join(KIND_WORDS[k] for k in kinds)
    lines = raw.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if number == 1 and header is not None:
            continue
        text = line.rstrip(b"\r")
        if not text:
            continue
        try:
            decoded = text.decode(encoding)
        except UnicodeDecodeError:
            raise RecbenchError(f"{path}, line {number}: not valid {encoding} text. Check the file is the publisher's original") from None
        fields = _split(decoded, separator, quoted)
        if len(fields) != len(kinds) or not all(_parses(f, k) for f, k in zip(fields, kinds)):
            hint = " (is the separator right?)" if len(fields) == 1 and len(kinds) > 1 else ""
            raise RecbenchError(
                f"{path}, line {number}: expected {len(kinds)} fields '{layout}' separated by {separator!r}{hint}, "
                f"got {decoded[:80]!r}. Check the file is the publisher's original"
            )


def _split(text: str, separator: str, quoted: bool) -> list[str]:
    if quoted and '"' in text:
        import csv

        return next(csv.reader([text], delimiter=separator))
    return text.split(separator)


def _parses(field: str, kind: str) -> bool:
    field = field.strip()
    if kind == "int":
        return field.lstrip("-").isdigit() and -(2**63) <= int(field) < 2**63
    if kind == "float":
        try:
            return math.isfinite(float(field))
        except ValueError:
            return False
    return True


def line_of_row(path: Path, row: int, header: bool, encoding: str = "utf-8") -> int:
    """The 1-based line number of data row ``row`` (0-based), skipping blank lines as pandas does."""
    seen = -1
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1 and header:
                continue
            if line.strip():
                seen += 1
                if seen == row:
                    return number
    return number if "number" in locals() else 1


def integer_ids(values: pd.Series) -> pd.Series:
    """Ids as int64 when every one is an integer written plainly ("7", not "007"), else as text.

    Integer ids sort numerically, so the dense ids follow the publisher's order.
    """
    if pd.api.types.is_integer_dtype(values):
        return values.astype("int64")
    text = values.astype(str)
    numeric = pd.to_numeric(text, errors="coerce")
    if numeric.notna().all() and (numeric % 1 == 0).all() and (numeric.abs() < 2**62).all():
        as_int = numeric.astype("int64")
        if (as_int.astype(str) == text).all():
            return as_int
    return text.astype(object)


def ordinal_positions(users: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each user's run of rows, in file order (the ordinal timestamp)."""
    codes, _ = pd.factorize(users)
    return pd.Series(codes).groupby(codes).cumcount().to_numpy(np.int64)
