from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from recbench.data import Interactions
from recbench.errors import RecbenchError
from recbench.splitting._candidates import sample_candidates
from recbench.splitting._ids import to_dense_ids
from recbench.splitting._kinds import KINDS

STAGES = ("train", "valid", "test")


@dataclass
class Split:
    """Disjoint train / valid / test interaction tables over one id space.

    ``fold_in`` holds the given history of users held out from training (strong
    generalisation): the model may read it when scoring, never learn from it, and its items
    are masked like training items. ``candidates`` maps ``valid``/``test`` to sampled
    (user, item) negatives when the protocol ranks a sample instead of every item.
    ``fingerprint`` hashes the dataset fingerprint, the options and the split's content
    (candidates included), so equal fingerprints mean identical splits.
    """

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame
    n_users: int
    n_items: int
    fingerprint: str
    fold_in: pd.DataFrame | None = None
    candidates: dict[str, pd.DataFrame] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)  # held-out rows that could not be evaluated, by reason

    def stage(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def users(self, name: str) -> np.ndarray:
        """Sorted ids of the users with at least one interaction in stage ``name``."""
        return np.unique(self.stage(name)["user"].to_numpy()).astype(np.int64)

    def seen_before(self, stage: str) -> list[pd.DataFrame]:
        """Interactions already known when ranking for ``stage``: masked, never relevant."""
        known = [self.train] if stage == "valid" else [self.train, self.valid]
        return known + ([self.fold_in] if self.fold_in is not None else [])

    def history(self) -> pd.DataFrame:
        """What a model may read when scoring: training plus fold-in interactions."""
        return self.train if self.fold_in is None else pd.concat([self.train, self.fold_in], ignore_index=True)


def make_split(
    data: Interactions,
    options: Mapping[str, Any] | Any,
    candidates: Mapping[str, Any] | None = None,
    *,
    timestamps: str | None = "unix",
    predefined: pd.DataFrame | None = None,
    external_candidates: pd.DataFrame | None = None,
) -> Split:
    """Split ``data`` as ``options`` (a SplitConfig) say; sample candidates if ``candidates`` asks.

    ``timestamps`` is the dataset's kind of time ("unix", "ordinal" or None); ``predefined``
    is the publisher's split (for kind "predefined"); ``external_candidates`` the
    publisher's fixed negatives (for candidate strategy "external"), both in publisher ids.
    """
    options = _plain(options)
    candidates = _plain(candidates or {"count": 0})
    kind = options.get("kind")
    if kind not in KINDS:
        raise RecbenchError(f"unknown split kind '{kind}'; available: {', '.join(KINDS)}")
    parts, dropped = KINDS[kind](data, options, timestamps=timestamps, predefined=predefined)
    parts = {name: frame.reset_index(drop=True) for name, frame in parts.items()}
    split = Split(
        train=parts["train"],
        valid=parts["valid"],
        test=parts["test"],
        n_users=data.n_users,
        n_items=data.n_items,
        fingerprint="",
        fold_in=parts.get("fold_in"),
        dropped=dropped,
    )
    if candidates.get("count") or candidates.get("strategy") == "external":
        external = None if external_candidates is None else to_dense_ids(data, external_candidates, "candidates")[0]
        split.candidates = sample_candidates(split, candidates, external)
    return replace(split, fingerprint=_fingerprint(data, options, candidates, split))


def _plain(options: Any) -> dict:
    return dict(asdict(options) if is_dataclass(options) else options)


def _fingerprint(data: Interactions, options: dict, candidates: dict, split: Split) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({"dataset": data.fingerprint, "split": options, "candidates": candidates}, sort_keys=True).encode())
    frames = [(stage, split.stage(stage)) for stage in STAGES]
    if split.fold_in is not None:
        frames.append(("fold_in", split.fold_in))
    frames += [(f"candidates/{stage}", frame) for stage, frame in sorted(split.candidates.items())]
    for name, frame in frames:
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(frame[["user", "item"]].to_numpy(np.int64)).tobytes())
    return digest.hexdigest()
