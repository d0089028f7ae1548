"""Publisher ids to the dense ids of a preprocessed dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recbench.data import Interactions
from recbench.errors import RecbenchError


def to_dense_ids(data: Interactions, frame: pd.DataFrame, what: str) -> tuple[pd.DataFrame, int]:
    """Map publisher ids to the dataset's dense ids; rows whose user or item preprocessing removed are dropped."""
    users = _lookup(data.user_ids, frame["user"].to_numpy())
    items = _lookup(data.item_ids, frame["item"].to_numpy())
    known = (users >= 0) & (items >= 0)
    mapped = frame[known].copy()
    mapped["user"], mapped["item"] = users[known], items[known]
    if known.sum() == 0 and len(frame):
        raise RecbenchError(f"none of the {what} rows matches the dataset's ids; check the files belong to this dataset")
    return mapped.reset_index(drop=True), int((~known).sum())


def _lookup(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    ids = np.asarray(ids).astype(sorted_ids.dtype, copy=False)
    position = np.searchsorted(sorted_ids, ids).clip(max=max(len(sorted_ids) - 1, 0))
    return np.where(sorted_ids[position] == ids, position, -1).astype(np.int64)
