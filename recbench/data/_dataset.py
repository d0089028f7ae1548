"""From raw files to one preprocessed, content-fingerprinted interactions table."""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from recbench.data._fetch import file_digest, locate, resolve_cache_dir, resolve_data_dir
from recbench.data._spec import DatasetSpec
from recbench.errors import RecbenchError

# Bump when preprocessing changes meaning: it is part of every dataset fingerprint.
PREPROCESSING_VERSION = 1


@dataclass
class Interactions:
    """One dataset after preprocessing.

    ``frame`` has int64 columns ``user`` in [0, n_users) and ``item`` in [0, n_items), plus
    ``rating`` and ``timestamp`` where the release has them. ``user_ids``/``item_ids`` map the
    dense indices back to the publisher's ids.
    """

    name: str
    frame: pd.DataFrame
    n_users: int
    n_items: int
    user_ids: np.ndarray
    item_ids: np.ndarray
    fingerprint: str
    raw_sha256: dict[str, str]
    raw_counts: dict[str, int]

    def counts(self) -> dict[str, int]:
        return {"users": self.n_users, "items": self.n_items, "interactions": len(self.frame)}


def load_dataset(
    spec: DatasetSpec,
    options: Mapping[str, Any] | Any,
    data_dir: str | None = None,
    cache_dir: str | None = None,
    download: bool = True,
) -> Interactions:
    """Locate, parse and preprocess ``spec`` with ``options`` (a DatasetConfig or mapping)."""
    options = dict(asdict(options) if is_dataclass(options) else options)
    folder = locate(spec, resolve_data_dir(data_dir), resolve_cache_dir(cache_dir), download)
    raw_sha256 = {name: file_digest(folder / name) for name in spec.files}
    for name, expected in spec.file_sha256.items():
        if name in raw_sha256 and raw_sha256[name] != expected:
            warnings.warn(
                f"{folder / name}: sha256 {raw_sha256[name]} differs from the official release's {expected}; "
                "results will carry a different dataset fingerprint",
                stacklevel=2,
            )
    frame = spec.load_parser()(folder)
    raw_counts = {"users": int(frame["user"].nunique()), "items": int(frame["item"].nunique()), "interactions": len(frame)}
    frame = preprocess(frame, options, where=f"dataset '{spec.name}'")
    frame, user_ids, item_ids = remap_ids(frame)
    fingerprint = _fingerprint({"raw": raw_sha256, "options": options, "version": PREPROCESSING_VERSION})
    return Interactions(
        name=spec.name,
        frame=frame,
        n_users=len(user_ids),
        n_items=len(item_ids),
        user_ids=user_ids,
        item_ids=item_ids,
        fingerprint=fingerprint,
        raw_sha256=raw_sha256,
        raw_counts=raw_counts,
    )


def preprocess(frame: pd.DataFrame, options: Mapping[str, Any], where: str) -> pd.DataFrame:
    """Rating threshold, duplicate policy, then iterative k-core to its fixpoint."""
    threshold = options.get("rating_threshold")
    if threshold is not None:
        if "rating" not in frame:
            raise RecbenchError(f"{where} has no ratings, so rating_threshold={threshold} cannot apply; set it to null")
        frame = frame[frame["rating"] >= threshold]
    policy = options.get("duplicates", "first")
    if policy not in ("first", "last"):
        raise RecbenchError(f"{where}: duplicates='{policy}' is not a policy; use 'first' or 'last'")
    if "timestamp" in frame:
        frame = frame.sort_values("timestamp", kind="stable")
    frame = frame.drop_duplicates(["user", "item"], keep=policy).sort_index()
    frame = k_core(frame, int(options.get("user_min", 0)), int(options.get("item_min", 0)))
    if frame.empty:
        raise RecbenchError(
            f"{where}: preprocessing left no interactions (rating_threshold={threshold}, "
            f"user_min={options.get('user_min')}, item_min={options.get('item_min')}); loosen these filters"
        )
    return frame.reset_index(drop=True)


def k_core(frame: pd.DataFrame, user_min: int, item_min: int) -> pd.DataFrame:
    """Drop users and items below their minimum until none is left below it (a fixpoint)."""
    while user_min > 1 or item_min > 1:
        user_counts = frame["user"].map(frame["user"].value_counts())
        item_counts = frame["item"].map(frame["item"].value_counts())
        keep = (user_counts >= user_min) & (item_counts >= item_min)
        if keep.all():
            break
        frame = frame[keep]
    return frame


def remap_ids(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Dense indices in order of the publisher's ids (sorted), so the mapping is deterministic."""
    frame = frame.copy()
    users, user_ids = pd.factorize(frame["user"], sort=True)
    items, item_ids = pd.factorize(frame["item"], sort=True)
    frame["user"] = users.astype(np.int64)
    frame["item"] = items.astype(np.int64)
    return frame, np.asarray(user_ids), np.asarray(item_ids)


def _fingerprint(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
