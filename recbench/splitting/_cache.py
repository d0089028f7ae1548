"""Splits cached on disk, keyed by everything their content depends on."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from recbench.data import Interactions
from recbench.data._cache import cached
from recbench.splitting._split import Split, make_split

# Bump when a split kind's algorithm changes meaning: old entries are then never read.
SPLIT_CACHE_VERSION = 1


def cached_split(
    data: Interactions,
    options: Mapping[str, Any],
    candidates: Mapping[str, Any] | None,
    cache_dir: str | Path | None,
    *,
    timestamps: str | None = "unix",
    **sources: Any,
) -> Split:
    """``make_split`` through the artifact cache under ``<cache_dir>/splits/``.

    The key hashes the dataset fingerprint and the split and candidate options; splits read
    from the publisher's own files (``sources``) are rebuilt every time, since those files
    are not part of the dataset fingerprint. A changed option is a new key.
    """
    if any(value is not None for value in sources.values()):
        return make_split(data, options, candidates, timestamps=timestamps, **sources)
    key = hashlib.sha256(
        json.dumps(
            {"dataset": data.fingerprint, "split": dict(options), "candidates": dict(candidates or {}), "timestamps": timestamps, "version": SPLIT_CACHE_VERSION},
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()

    def build() -> dict[str, Any]:
        split = make_split(data, options, candidates, timestamps=timestamps)
        parts = {stage: split.stage(stage) for stage in ("train", "valid", "test")}
        parts.update({f"candidates_{stage}": frame for stage, frame in split.candidates.items()})
        return {**parts, "fold_in": split.fold_in, "facts": {"fingerprint": split.fingerprint, "dropped": split.dropped}}

    stored = cached("splits", key, build, cache_dir)
    return Split(
        train=_plain(stored["train"]),
        valid=_plain(stored["valid"]),
        test=_plain(stored["test"]),
        n_users=data.n_users,
        n_items=data.n_items,
        fingerprint=stored["facts"]["fingerprint"],
        fold_in=None if stored["fold_in"] is None else _plain(stored["fold_in"]),
        candidates={name.removeprefix("candidates_"): _plain(v) for name, v in stored.items() if name.startswith("candidates_")},
        dropped=stored["facts"]["dropped"],
    )


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True)
