"""One-sequence-per-line text: ``user item item …``, items in time order.

The timestamp is ordinal: the item's position in its user's sequence (0, 1, 2, …), which
is all such files know about time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from recbench.data._formats import integer_ids
from recbench.errors import RecbenchError


def read_sequences(path: Path, sep: str | None = None, numeric: bool = False) -> pd.DataFrame:
    """Rows (user, item, timestamp) in file order; ``sep`` None splits on any whitespace.

    ``numeric``: ids must be integers (publisher files such as S3-Rec's); otherwise ids are
    integers where all of them are, else text. A line with a user but no items, or a user
    on two lines, is an error naming the line: either would silently change the sequences.
    """
    if not path.is_file():
        raise RecbenchError(f"{path}: file not found")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise RecbenchError(f"{path}, line {line}: not valid UTF-8 text. Check the file is the original") from None
    users: list[str] = []
    lines: list[int] = []
    lengths: list[int] = []
    items: list[str] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        fields = line.rstrip("\r").split(sep) if sep else line.split()
        fields = [f.strip() for f in fields]
        if not fields or fields == [""]:
            continue
        user = fields[0]
        if len(fields) < 2 or not all(fields[1:]):
            raise RecbenchError(
                f"{path}, line {number}: expected a user id followed by item ids, got {line[:80]!r}. "
                "Check the separator and that the file is not truncated"
            )
        if user in first_line:
            raise RecbenchError(
                f"{path}, line {number}: user '{user}' already has a sequence on line {first_line[user]}; "
                "each user must be on one line"
            )
        first_line[user] = number
        users.append(user)
        lines.append(number)
        lengths.append(len(fields) - 1)
        items.extend(fields[1:])
    if not users:
        raise RecbenchError(f"{path}: no sequences; the file is empty or truncated")
    counts = np.asarray(lengths, dtype=np.int64)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    frame = pd.DataFrame(
        {
            "user": np.repeat(np.asarray(users, dtype=object), counts),
            "item": np.asarray(items, dtype=object),
            "timestamp": np.arange(int(counts.sum()), dtype=np.int64) - starts,
        }
    )
    row_lines = np.repeat(np.asarray(lines), counts)
    for column in ("user", "item"):
        frame[column] = _ids(frame[column], numeric, path, row_lines, column)
    return frame


def _ids(values: pd.Series, numeric: bool, path: Path, row_lines: np.ndarray, what: str) -> pd.Series:
    converted = integer_ids(values)
    if numeric and not pd.api.types.is_integer_dtype(converted):
        bad = ~values.astype(str).str.fullmatch(r"-?\d+")
        row = int(np.flatnonzero(bad.to_numpy())[0]) if bad.any() else 0
        raise RecbenchError(
            f"{path}, line {row_lines[row]}: {what} id {values.iloc[row]!r} is not an integer; "
            "this format has integer ids. Check the file is the publisher's original"
        )
    return converted
