"""Loaders for a user's own files, chosen by dataset name and pointed at with ``dataset.path``.

* ``atomic``: RecBole atomic files. ``<name>.inter`` has a typed header
  (``user_id:token item_id:token rating:float timestamp:float``); ``<name>.user`` and
  ``<name>.item`` beside it, when present, become side features.
* ``table``: CSV, TSV or Parquet, with ``dataset.columns`` mapping recbench's columns
  (user, item, rating, timestamp) to the file's; ``dataset.sep`` and ``dataset.header``
  for text files without the usual layout.
* ``sequences``: one user per line, the user id then item ids in time order.

Ids may be integers or text; timestamps may be numbers or dates ("2021-03-04 12:00").
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from recbench.data._formats import integer_ids, line_of_row
from recbench.data._sequences import read_sequences
from recbench.data._spec import DatasetSpec
from recbench.errors import RecbenchError

ROLES = ("user", "item", "rating", "timestamp")
ATOMIC_COLUMNS = {"user": "user_id", "item": "item_id", "rating": "rating", "timestamp": "timestamp"}
ATOMIC_TYPES = {"token": "str", "token_seq": "str", "float": "float64", "float_seq": "str"}
TEXT_SEPARATORS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


# --- RecBole atomic files ---------------------------------------------------------------------------


def parse_atomic(path: Path, columns: Mapping[str, str] | None = None, sep: str | None = None) -> pd.DataFrame:
    frame, types = read_atomic(path, sep)
    mapping = dict(columns or {role: name for role, name in ATOMIC_COLUMNS.items() if name in frame.columns})
    return _interactions(frame, mapping, path, header=True)


def atomic_features(kind: str):
    """Features from ``<name>.user`` / ``<name>.item``, indexed by the interactions' id column."""

    def read(path: Path, columns: Mapping[str, str] | None = None, sep: str | None = None) -> pd.DataFrame | None:
        side = path.with_name(f"{path.stem}.{kind}")
        if not side.is_file():
            return None
        frame, types = read_atomic(side, sep)
        key = (columns or ATOMIC_COLUMNS).get(kind, ATOMIC_COLUMNS[kind])
        if key not in frame.columns:
            raise RecbenchError(f"{side}: no '{key}' column to join on; its columns are {list(frame.columns)}")
        if frame[key].duplicated().any():
            row = int(np.flatnonzero(frame[key].duplicated().to_numpy())[0])
            raise RecbenchError(f"{side}, line {line_of_row(side, row, True)}: {kind} {frame[key].iloc[row]!r} is listed twice")
        for name, kind_of in types.items():
            if kind_of == "token_seq":
                frame[name] = frame[name].map(lambda v: str(v).split(" ") if isinstance(v, str) and v else [])
            elif kind_of == "float_seq":
                frame[name] = frame[name].map(lambda v: [float(x) for x in str(v).split(" ")] if isinstance(v, str) and v else [])
        return frame.set_index(pd.Index(integer_ids(frame[key]), name=kind)).drop(columns=[key])

    read.__name__ = f"read_atomic_{kind}"
    return read


def read_atomic(path: Path, sep: str | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """A typed-header file: columns named without their ``:type``, and each column's type."""
    sep = sep or "\t"
    with open(path, "rb") as handle:
        header = handle.readline().decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r\n")
    types: dict[str, str] = {}
    for field in header.split(sep):
        name, _, kind = field.rpartition(":")
        if not name or kind not in ATOMIC_TYPES:
            raise RecbenchError(
                f"{path}, line 1: header field {field!r} is not 'name:type' with a type in {', '.join(ATOMIC_TYPES)}; "
                "RecBole atomic files start with a typed header such as 'user_id:token'"
            )
        types[name] = kind
    try:
        frame = pd.read_csv(
            path,
            sep=sep,
            header=0,
            names=list(types),
            dtype={name: ATOMIC_TYPES[kind] for name, kind in types.items()},
            keep_default_na=False,
            na_values={name: [""] for name, kind in types.items() if kind == "float"},
            quoting=3,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise RecbenchError(_first_bad_atomic_line(path, sep, types) or f"{path}: cannot be parsed ({exc})") from None
    return frame, types


def _first_bad_atomic_line(path: Path, sep: str, types: dict[str, str]) -> str | None:
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1 or not line.strip():
                continue
            fields = line.rstrip("\r\n").split(sep)
            if len(fields) != len(types):
                return f"{path}, line {number}: expected {len(types)} fields separated by {sep!r}, got {len(fields)}: {line.strip()[:80]!r}"
            for field, (name, kind) in zip(fields, types.items()):
                if kind == "float" and field:
                    try:
                        float(field)
                    except ValueError:
                        return f"{path}, line {number}: field '{name}' is declared float but holds {field!r}"
    return None


# --- CSV / TSV / Parquet with a column mapping ------------------------------------------------------


def parse_table(path: Path, columns: Mapping[str, str] | None = None, sep: str | None = None, header: bool = True) -> pd.DataFrame:
    mapping = dict(columns or {role: role for role in ROLES})
    if path.suffix == ".parquet":
        return _parquet(path, mapping, explicit=columns is not None)
    sep = sep or TEXT_SEPARATORS.get(path.suffix.lower())
    if sep is None:
        raise RecbenchError(f"{path}: cannot tell the separator from the suffix '{path.suffix}'; set dataset.sep (e.g. ',' or '\\t')")
    if not header:
        bad = [n for n in mapping.values() if not str(n).isdigit()]
        if bad:
            raise RecbenchError(f"dataset.header=false: dataset.columns must give field positions (0, 1, …), got {bad}")
    try:
        if header:
            names = pd.read_csv(path, sep=sep, nrows=0, engine="c" if len(sep) == 1 else "python").columns
            wanted = [n for r, n in mapping.items() if columns or n in names]
            missing = [n for n in wanted if n not in names]
            if missing:
                raise RecbenchError(
                    f"{path}, line 1: no column {missing} in the header {list(names)}; "
                    "set dataset.columns to map user, item[, rating, timestamp] to this file's column names"
                )
            frame = pd.read_csv(path, sep=sep, usecols=wanted, engine="c" if len(sep) == 1 else "python")
            mapping = {r: n for r, n in mapping.items() if n in wanted}
        else:
            positions = {r: int(n) for r, n in mapping.items()}
            frame = pd.read_csv(path, sep=sep, header=None, engine="c" if len(sep) == 1 else "python")
            if frame.shape[1] <= max(positions.values()):
                raise RecbenchError(
                    f"{path}, line 1: {frame.shape[1]} field(s) with separator {sep!r}, but dataset.columns asks for "
                    f"position {max(positions.values())}; check dataset.sep"
                )
            frame = frame[list(positions.values())]
            frame.columns = list(positions)
            mapping = {r: r for r in positions}
    except pd.errors.EmptyDataError:
        raise RecbenchError(f"{path}: no rows; the file is empty or truncated") from None
    except (ValueError, pd.errors.ParserError) as exc:
        raise RecbenchError(f"{path}: cannot be parsed with separator {sep!r} ({exc}); check dataset.sep") from None
    return _interactions(frame, mapping, path, header=header)


def _parquet(path: Path, mapping: dict[str, str], explicit: bool) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        available = pq.read_schema(path).names
    except (OSError, ValueError) as exc:
        raise RecbenchError(f"{path}: not a readable Parquet file ({exc}); it is truncated or not Parquet") from None
    wanted = {role: name for role, name in mapping.items() if explicit or name in available}
    missing = [name for name in wanted.values() if name not in available]
    if missing:
        raise RecbenchError(f"{path}: no column {missing}; its columns are {available}. Set dataset.columns to map them")
    try:
        frame = pd.read_parquet(path, columns=list(dict.fromkeys(wanted.values())))
    except (OSError, ValueError) as exc:
        raise RecbenchError(f"{path}: not a readable Parquet file ({exc}); it is truncated or corrupt") from None
    return _interactions(frame, wanted, path, header=True, rows_are_lines=False)


# --- shared checks ----------------------------------------------------------------------------------


def _interactions(
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    path: Path,
    header: bool,
    rows_are_lines: bool = True,
) -> pd.DataFrame:
    """The mapped columns renamed to user/item/rating/timestamp, each checked and typed."""
    unknown = sorted(set(mapping) - set(ROLES))
    if unknown:
        raise RecbenchError(f"dataset.columns has keys {unknown}; the keys are {', '.join(ROLES)}")
    for role in ("user", "item"):
        if role not in mapping:
            raise RecbenchError(f"dataset.columns must map '{role}' to a column of {path.name}")
        if mapping[role] not in frame.columns:
            raise RecbenchError(f"{path}: no column '{mapping[role]}' (for {role}); its columns are {list(frame.columns)}")
    if frame.empty:
        raise RecbenchError(f"{path}: no rows; the file is empty or truncated")

    def where(row: int) -> str:
        return f"{path}, line {line_of_row(path, row, header)}" if rows_are_lines else f"{path}, row {row + 1}"

    out = pd.DataFrame(index=frame.index)
    for role in ROLES:
        if role not in mapping:
            continue
        values = frame[mapping[role]]
        if role in ("user", "item"):
            blank = values.isna() | (values.astype(str).str.strip() == "")
            if blank.any():
                row = int(np.flatnonzero(blank.to_numpy())[0])
                raise RecbenchError(f"{where(row)}: empty {role} id; every row needs one")
            out[role] = integer_ids(values)
        elif role == "rating":
            out[role] = _numbers(values, role, where)
        else:
            out[role] = _times(values, where)
    return out.reset_index(drop=True)


def _numbers(values: pd.Series, role: str, where) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise RecbenchError(f"{where(row)}: {role} {values.iloc[row]!r} is not a number")
    return numbers.astype("float64")


def _times(values: pd.Series, where) -> pd.Series:
    """Numbers stay numbers (integral ones as int64); dates become unix seconds."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all():
        return numbers.astype("int64") if (numbers % 1 == 0).all() else numbers.astype("float64")
    when = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    bad = when.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise RecbenchError(f"{where(row)}: timestamp {values.iloc[row]!r} is neither a number nor a date")
    return pd.Series(when.dt.tz_localize(None).astype("datetime64[s]").astype("int64").to_numpy(), index=values.index)


# --- one sequence per line --------------------------------------------------------------------------


def parse_sequences(path: Path, sep: str | None = None) -> pd.DataFrame:
    return read_sequences(path, sep=sep)


USER_FILE_NOTE = "your own data: its licence is yours to respect"

ATOMIC = DatasetSpec(
    name="atomic",
    title="Your RecBole atomic files: dataset.path=<name>.inter (with <name>.user/.item beside it)",
    folder="",
    files=(),
    parser=parse_atomic,
    user_features=atomic_features("user"),
    item_features=atomic_features("item"),
    optional_files=(".user", ".item"),
    options=("path", "columns", "sep"),
    license=USER_FILE_NOTE,
    license_name="yours",
    homepage="https://recbole.io/docs/user_guide/data/atomic_files.html",
)

TABLE = DatasetSpec(
    name="table",
    title="Your CSV/TSV/Parquet file: dataset.path, dataset.columns, dataset.sep, dataset.header",
    folder="",
    files=(),
    parser=parse_table,
    options=("path", "columns", "sep", "header"),
    license=USER_FILE_NOTE,
    license_name="yours",
)

SEQUENCES = DatasetSpec(
    name="sequences",
    title="Your one-sequence-per-line text file: dataset.path (user id, then item ids in time order)",
    folder="",
    files=(),
    parser=parse_sequences,
    options=("path", "sep"),
    license=USER_FILE_NOTE,
    license_name="yours",
    timestamps="ordinal",
    defaults={"duplicates": "keep"},  # a sequence may revisit an item; that is data, not noise
)
