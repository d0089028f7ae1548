"""Sampled evaluation candidates, fixed by seed and stored with the split.

A sampled protocol ranks each evaluated user's held-out items against ``count`` negatives
instead of the whole catalogue. Negatives are items the user has no interaction with in
any part of the split, drawn without replacement, uniformly or in proportion to their
training popularity (exponential-race top-k: one vectorised pass per chunk of users).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import torch

from recbench.errors import RecbenchError
from recbench.sparse import compressed_rows, row_entries

if TYPE_CHECKING:
    from recbench.splitting._split import Split

STRATEGIES = ("uniform", "popularity", "external")
CELLS_PER_CHUNK = 1 << 24  # users x items drawn at once: bounds memory at ~130 MB of float32 keys and noise


def sample_candidates(split: "Split", options: dict, external: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Negatives per evaluated stage: a (user, item) table, sorted, ``count`` rows per user."""
    strategy, count, seed = options.get("strategy", "uniform"), int(options.get("count", 0)), int(options.get("seed", 0))
    if strategy not in STRATEGIES:
        raise RecbenchError(f"candidates.strategy='{strategy}' is not a strategy; use one of {', '.join(STRATEGIES)}")
    if count <= 0:
        raise RecbenchError(f"candidates.count={count}: a sampled protocol needs a positive number of negatives per user")
    if count >= split.n_items:
        raise RecbenchError(
            f"candidates.count={count} negatives cannot be drawn from a catalogue of {split.n_items} items; "
            "lower the count or use full ranking"
        )
    known = _known_matrix(split)
    weights = np.ones(split.n_items)
    if strategy == "popularity":
        weights = np.bincount(split.train["item"].to_numpy(), minlength=split.n_items).astype(np.float64)
    result = {}
    for index, stage in enumerate(("valid", "test")):
        if stage == "test" and strategy == "external":
            if external is None:
                raise RecbenchError("candidates.strategy='external' needs the dataset's own candidate file; this dataset has none")
            result[stage] = _external(external, split.users("test"))
            continue
        generator = torch.Generator().manual_seed(seed * 2 + index)  # one stream per stage
        result[stage] = _draw(split.users(stage), known, weights, count, generator, stage)
    return result


def _known_matrix(split: "Split") -> tuple[torch.Tensor, torch.Tensor]:
    """CSR (row starts, items) of every interaction in any part of the split."""
    frames = [split.train, split.valid, split.test] + ([split.fold_in] if split.fold_in is not None else [])
    users = np.concatenate([f["user"].to_numpy() for f in frames])
    items = np.concatenate([f["item"].to_numpy() for f in frames])
    return compressed_rows(users, items, split.n_users)


def _draw(users: np.ndarray, known, weights: np.ndarray, count: int, generator: torch.Generator, stage: str) -> pd.DataFrame:
    # Top-k of weight / Exp(1) noise = top-k of log(weight) + Gumbel noise: a weighted draw
    # without replacement. Excluded items get key 0 and are never picked while any weight is left.
    weights = torch.from_numpy(weights).float()
    chunk = max(1, CELLS_PER_CHUNK // max(len(weights), 1))
    picked = []
    for batch in torch.from_numpy(users).split(chunk):
        keys = weights / torch.empty(len(batch), len(weights)).exponential_(generator=generator)
        rows, cols, _ = row_entries(*known, batch)
        keys[rows, cols] = 0.0
        top = torch.topk(keys, count, dim=1)
        short = top.values[:, -1] <= 0
        if short.any():
            user = int(batch[short][0])
            raise RecbenchError(
                f"{stage} user {user} has fewer than candidates.count={count} items to sample from; "
                "lower the count or use full ranking"
            )
        picked.append(top.indices.sort(dim=1).values)
    items = torch.cat(picked).numpy() if picked else np.empty((0, count), dtype=np.int64)
    return pd.DataFrame({"user": np.repeat(users, count), "item": items.reshape(-1).astype(np.int64)})


def _external(external: pd.DataFrame, test_users: np.ndarray) -> pd.DataFrame:
    frame = external[["user", "item"]].drop_duplicates()
    missing = np.setdiff1d(test_users, frame["user"].unique())
    if len(missing):
        raise RecbenchError(
            f"the candidate file has no negatives for {len(missing)} test users (e.g. user index {int(missing[0])}); "
            "it does not match this split"
        )
    frame = frame[frame["user"].isin(test_users)]
    return frame.sort_values(["user", "item"], kind="stable").reset_index(drop=True)
