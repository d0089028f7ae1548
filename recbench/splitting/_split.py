from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from recbench.data import Interactions
from recbench.errors import RecbenchError

STAGES = ("train", "valid", "test")


@dataclass
class Split:
    """Disjoint train / valid / test interaction tables over one id space.

    ``fingerprint`` hashes the dataset fingerprint, the split options and the
    split's content, so equal fingerprints mean identical splits.
    """

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame
    n_users: int
    n_items: int
    fingerprint: str

    def stage(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def users(self, name: str) -> np.ndarray:
        """Sorted ids of the users with at least one interaction in stage ``name``."""
        return np.unique(self.stage(name)["user"].to_numpy()).astype(np.int64)


def make_split(data: Interactions, options: Mapping[str, Any] | Any) -> Split:
    options = dict(asdict(options) if is_dataclass(options) else options)
    kind = options.get("kind")
    if kind != "ratio":
        raise RecbenchError(f"unknown split kind '{kind}'; available: ratio")
    stage_of_row = per_user_ratio_split(data.frame["user"].to_numpy(), options["ratios"], options["seed"])
    parts = {stage: data.frame[stage_of_row == index].reset_index(drop=True) for index, stage in enumerate(STAGES)}
    digest = hashlib.sha256()
    digest.update(json.dumps({"dataset": data.fingerprint, "split": options}, sort_keys=True).encode())
    for stage in STAGES:
        digest.update(stage.encode())
        digest.update(np.ascontiguousarray(parts[stage][["user", "item"]].to_numpy(np.int64)).tobytes())
    return Split(**parts, n_users=data.n_users, n_items=data.n_items, fingerprint=digest.hexdigest())


def per_user_ratio_split(users: np.ndarray, ratios: list[float], seed: int) -> np.ndarray:
    """Stage index (0 train, 1 valid, 2 test) of each row: each user's rows shuffled and cut by ``ratios``.

    A user with n rows gets floor(n * valid) validation and floor(n * test) test rows; the
    rest train. Vectorised: one lexsort, no loop over users.
    """
    if len(ratios) != 3 or not all(0 <= r <= 1 for r in ratios) or abs(sum(ratios) - 1.0) > 1e-6:  # NaN fails too
        raise RecbenchError(f"split ratios {list(ratios)} must be three non-negative shares summing to 1")
    keys = np.random.default_rng(seed).random(len(users))
    order = np.lexsort((keys, users))
    counts = np.bincount(users)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sorted_users = users[order]
    position = np.arange(len(users)) - starts[sorted_users]
    n = counts[sorted_users]
    n_valid = np.floor(n * ratios[1] + 1e-9).astype(np.int64)
    n_test = np.floor(n * ratios[2] + 1e-9).astype(np.int64)
    n_train = n - n_valid - n_test
    stage_sorted = np.where(position < n_train, 0, np.where(position < n_train + n_valid, 1, 2))
    stage = np.empty(len(users), dtype=np.int64)
    stage[order] = stage_sorted
    return stage
