"""Small generated datasets in the publishers' formats, with planted structure.

Users belong to clusters and mostly interact with their cluster's items, so a model
that learns anything beats popularity; tests and the conformance kit use these files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def planted_interactions(
    n_users: int = 120, n_items: int = 80, n_clusters: int = 4, per_user: int = 20, seed: int = 0
) -> np.ndarray:
    """Rows (user, item, rating, timestamp), 1-based ids like MovieLens, no repeated pairs."""
    rng = np.random.default_rng(seed)
    item_cluster = np.arange(n_items) % n_clusters
    rows = []
    for user in range(n_users):
        cluster = user % n_clusters
        own = np.flatnonzero(item_cluster == cluster)
        other = np.flatnonzero(item_cluster != cluster)
        n_own = min(len(own), int(per_user * 0.8))
        picked = np.concatenate([rng.choice(own, n_own, replace=False), rng.choice(other, per_user - n_own, replace=False)])
        for item in picked:
            rating = int(rng.integers(3, 6)) if item_cluster[item] == cluster else int(rng.integers(1, 4))
            rows.append((user + 1, item + 1, rating, 880000000 + int(rng.integers(0, 10_000_000))))
    return np.array(rows, dtype=np.int64)


def write_movielens(folder: str | Path, **kwargs) -> Path:
    """Write ``ml-100k/u.data`` (tab-separated) and ``ml-1m/ratings.dat`` (``::``) under ``folder``."""
    folder = Path(folder)
    rows = planted_interactions(**kwargs)
    (folder / "ml-100k").mkdir(parents=True, exist_ok=True)
    (folder / "ml-100k" / "u.data").write_text("".join("\t".join(map(str, r)) + "\n" for r in rows))
    (folder / "ml-1m").mkdir(parents=True, exist_ok=True)
    (folder / "ml-1m" / "ratings.dat").write_text("".join("::".join(map(str, r)) + "\n" for r in rows))
    return folder
