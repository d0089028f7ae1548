"""From raw files to one preprocessed, content-fingerprinted interactions table."""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from recbench.data._cache import cached
from recbench.data._digest import remembered_sha256
from recbench.data._fetch import locate, resolve_cache_dir, resolve_data_dir
from recbench.data._options import DUPLICATE_POLICIES, canonical_options, fingerprint_options
from recbench.data._spec import DatasetSpec
from recbench.errors import RecbenchError, RecbenchWarning

# Bump when preprocessing changes meaning: it is part of every dataset fingerprint.
PREPROCESSING_VERSION = 1


@dataclass
class Interactions:
    """One dataset after preprocessing.

    ``frame`` has int64 columns ``user`` in [0, n_users) and ``item`` in [0, n_items), plus
    ``rating`` and ``timestamp`` where the release has them. ``user_ids``/``item_ids`` map the
    dense indices back to the publisher's ids. ``user_features``/``item_features`` are
    indexed by the dense id (rows of ids the side file does not list are missing values),
    or None where the release has no such file; ``feature_sha256`` are the side files'
    digests. The fingerprint covers what every model trains on (interaction files and
    options), so a side file present on one machine and absent on another changes no result.
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
    user_features: pd.DataFrame | None = None
    item_features: pd.DataFrame | None = None
    feature_sha256: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"users": self.n_users, "items": self.n_items, "interactions": len(self.frame)}


@dataclass
class RawSource:
    """Where a dataset's raw files are: the interaction files and the side files present."""

    root: Path  # the folder (publisher datasets) or the user's file (generic loaders)
    files: dict[str, Path]
    side_files: dict[str, Path]


def load_dataset(
    spec: DatasetSpec,
    options: Mapping[str, Any] | Any,
    data_dir: str | None = None,
    cache_dir: str | None = None,
    download: bool = True,
    use_cache: bool = True,
) -> Interactions:
    """Locate, parse and preprocess ``spec`` with ``options`` (a DatasetConfig or mapping).

    The result is cached under ``<cache_dir>/datasets/<key>``, keyed by the raw files'
    SHA-256, the options and the preprocessing version: a hit skips parsing entirely.
    """
    options = canonical_options(spec, options)
    cache = resolve_cache_dir(cache_dir)
    source = raw_source(spec, options, resolve_data_dir(data_dir), cache, download)
    raw_sha256 = {name: remembered_sha256(path, cache) for name, path in source.files.items()}
    feature_sha256 = {name: remembered_sha256(path, cache) for name, path in source.side_files.items()}
    for name, expected in spec.file_sha256.items():
        if name in raw_sha256 and raw_sha256[name] != expected:
            warnings.warn(
                f"{source.files[name]}: sha256 {raw_sha256[name]} differs from the official release's {expected}; "
                "results will carry a different dataset fingerprint",
                RecbenchWarning,
                stacklevel=2,
            )
    fingerprint = _fingerprint(
        {"dataset": spec.name, "raw": raw_sha256, "options": fingerprint_options(spec, options), "version": PREPROCESSING_VERSION}
    )
    key = _fingerprint({"fingerprint": fingerprint, "side": feature_sha256})

    def build() -> dict[str, Any]:
        return _build(spec, options, source, fingerprint)

    parts = cached("datasets", key, build, cache if use_cache else None)
    return Interactions(
        name=spec.name,
        frame=parts["frame"],
        n_users=len(parts["user_ids"]),
        n_items=len(parts["item_ids"]),
        user_ids=_ids_array(parts["user_ids"]["id"]),
        item_ids=_ids_array(parts["item_ids"]["id"]),
        fingerprint=fingerprint,
        raw_sha256=raw_sha256,
        raw_counts=parts["raw_counts"],
        user_features=parts["user_features"],
        item_features=parts["item_features"],
        feature_sha256=feature_sha256,
    )


def raw_source(spec: DatasetSpec, options: Mapping[str, Any], data_dir: Path | None, cache: Path, download: bool) -> RawSource:
    if spec.reads_user_file:
        if not options.get("path"):
            raise RecbenchError(
                f"dataset '{spec.name}' reads your own file: set dataset.path=/path/to/file (see docs/datasets.md)"
            )
        path = Path(options["path"]).expanduser()
        if not path.is_file():
            raise RecbenchError(f"{path}: file not found; set dataset.path to an existing file")
        companions = {path.stem + s: path.with_name(path.stem + s) for s in spec.optional_files}
        return RawSource(path, {path.name: path}, {n: p for n, p in companions.items() if p.is_file()})
    folder = locate(spec, data_dir, cache, download)
    side = {name: folder / name for name in spec.optional_files if (folder / name).is_file()}
    return RawSource(folder, {name: folder / name for name in spec.files}, side)


def _build(spec: DatasetSpec, options: dict[str, Any], source: RawSource, fingerprint: str) -> dict[str, Any]:
    kwargs = {k: options[k] for k in spec.options if k != "path"}
    frame = spec.load_parser()(source.root, **kwargs)
    where = f"dataset '{spec.name}'"
    missing = {"user", "item"} - set(frame.columns)
    if missing:
        raise RecbenchError(f"{where}: the parser returned no {sorted(missing)} column; fix the dataset plugin's parser")
    raw_counts = {"users": int(frame["user"].nunique()), "items": int(frame["item"].nunique()), "interactions": len(frame)}
    features = {kind: _read_features(spec, kind, source, kwargs) for kind in ("user", "item")}
    if options.get("session_gap") is not None:  # a session is not a user: user features do not describe it
        features["user"] = None
    frame = preprocess(frame, options, where=where)
    frame, user_ids, item_ids = remap_ids(frame)
    return {
        "frame": frame,
        "user_ids": pd.DataFrame({"id": user_ids}),
        "item_ids": pd.DataFrame({"id": item_ids}),
        "user_features": _align(features["user"], user_ids, "user"),
        "item_features": _align(features["item"], item_ids, "item"),
        "raw_counts": raw_counts,
        "fingerprint": fingerprint,
    }


def _read_features(spec: DatasetSpec, kind: str, source: RawSource, kwargs: dict) -> pd.DataFrame | None:
    reader = spec.load_features(kind)
    return None if reader is None else reader(source.root, **kwargs)


def _align(features: pd.DataFrame | None, ids: np.ndarray, kind: str) -> pd.DataFrame | None:
    """Rows in dense-id order; ids the side file lacks get missing values."""
    if features is None:
        return None
    aligned = features[~features.index.duplicated()].reindex(pd.Index(ids))
    aligned.index = pd.RangeIndex(len(ids), name=kind)
    return aligned


def _ids_array(ids: pd.Series) -> np.ndarray:
    return ids.to_numpy(np.int64) if pd.api.types.is_integer_dtype(ids) else ids.to_numpy(object)


def preprocess(frame: pd.DataFrame, options: Mapping[str, Any], where: str) -> pd.DataFrame:
    """Rating threshold, duplicate policy, then iterative k-core to its fixpoint.

    Row order is the file's throughout: ``first``/``last`` keep the earliest/latest
    repeat of a (user, item) pair by timestamp (file order among equal timestamps, or
    without timestamps); ``keep`` keeps every repeat, as sequence data needs.
    """
    threshold = options.get("rating_threshold")
    if threshold is not None:
        if "rating" not in frame:
            raise RecbenchError(f"{where} has no ratings, so rating_threshold={threshold} cannot apply; set it to null")
        frame = frame[frame["rating"] >= threshold]
    policy = options.get("duplicates", "first")
    if policy not in DUPLICATE_POLICIES:
        raise RecbenchError(f"{where}: duplicates='{policy}' is not a policy; use 'first', 'last' or 'keep'")
    if policy != "keep":
        frame = _drop_repeats(frame, policy)
    if options.get("session_gap") is not None:
        frame = split_sessions(frame, float(options["session_gap"]), where)
    frame = k_core(frame, int(options.get("user_min", 0)), int(options.get("item_min", 0)))
    if frame.empty:
        raise RecbenchError(
            f"{where}: preprocessing left no interactions (rating_threshold={threshold}, "
            f"user_min={options.get('user_min')}, item_min={options.get('item_min')}); loosen these filters"
        )
    return frame.reset_index(drop=True)


def split_sessions(frame: pd.DataFrame, gap: float, where: str) -> pd.DataFrame:
    """Each user's history cut wherever ``gap`` seconds or more pass between two interactions.

    A session becomes a sequence of its own, with ``user`` "<user>:<n>": the user's n-th
    session from 0, zero-padded so ids sort in time order. The k-core that follows then
    counts session lengths, so ``user_min`` drops short sessions.
    """
    if "timestamp" not in frame:
        raise RecbenchError(f"{where} has no timestamps, so session_gap={gap:g} cannot cut sessions; set it to null")
    if frame.empty:
        return frame
    frame = frame.iloc[np.lexsort((frame["timestamp"].to_numpy(), pd.factorize(frame["user"], sort=True)[0]))]
    users = frame["user"].to_numpy()
    new_user = np.r_[True, users[1:] != users[:-1]]
    new_session = new_user | np.r_[True, np.diff(frame["timestamp"].to_numpy().astype(np.float64)) >= gap]
    sessions_so_far = np.cumsum(new_session)
    user_start = np.flatnonzero(new_user)
    first_of_user = np.repeat(sessions_so_far[user_start], np.diff(np.r_[user_start, len(frame)]))
    number = pd.Series(sessions_so_far - first_of_user).astype(str)
    width = int(number.str.len().max())
    session = pd.Series(users).astype(str) + ":" + number.str.zfill(width)
    return frame.assign(user=session.to_numpy())


def _pair_keys(frame: pd.DataFrame) -> np.ndarray:
    users, _ = pd.factorize(frame["user"])
    items, item_ids = pd.factorize(frame["item"])
    return users.astype(np.int64) * max(len(item_ids), 1) + items


def _drop_repeats(frame: pd.DataFrame, policy: str) -> pd.DataFrame:
    keys = _pair_keys(frame)
    if not pd.Series(keys).duplicated().any():  # the common case costs one hash pass, no sort
        return frame
    order = np.argsort(frame["timestamp"].to_numpy(), kind="stable") if "timestamp" in frame else np.arange(len(frame))
    repeated = pd.Series(keys[order]).duplicated(keep=policy).to_numpy()
    keep = np.ones(len(frame), dtype=bool)
    keep[order[repeated]] = False
    return frame[keep]


def k_core(frame: pd.DataFrame, user_min: int, item_min: int) -> pd.DataFrame:
    """Drop users and items below their minimum until none is left below it (a fixpoint).

    Works on integer codes with bincount, so each pass is two array scans whatever the id type.
    """
    if (user_min <= 1 and item_min <= 1) or frame.empty:
        return frame
    users, user_ids = pd.factorize(frame["user"])
    items, item_ids = pd.factorize(frame["item"])
    keep = np.ones(len(frame), dtype=bool)
    while True:
        user_counts = np.bincount(users[keep], minlength=len(user_ids))
        item_counts = np.bincount(items[keep], minlength=len(item_ids))
        below = keep & ((user_counts[users] < user_min) | (item_counts[items] < item_min))
        if not below.any():
            break
        keep &= ~below
    return frame if keep.all() else frame[keep]


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
