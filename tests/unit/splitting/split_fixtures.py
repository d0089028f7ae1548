from __future__ import annotations

import numpy as np
import pandas as pd

from recbench.data._dataset import Interactions, remap_ids


def interactions(frame: pd.DataFrame, name: str = "hand-made") -> Interactions:
    """An Interactions object straight from a table in publisher ids."""
    frame, user_ids, item_ids = remap_ids(frame.reset_index(drop=True))
    return Interactions(
        name=name,
        frame=frame,
        n_users=len(user_ids),
        n_items=len(item_ids),
        user_ids=user_ids,
        item_ids=item_ids,
        fingerprint=f"{name}-{len(frame)}",
        raw_sha256={},
        raw_counts={},
    )


def random_log(n_users: int, n_items: int, n_rows: int, seed: int, distinct_times: bool = False) -> pd.DataFrame:
    """Random (user, item, timestamp) rows without repeated pairs; timestamps collide unless told not to."""
    rng = np.random.default_rng(seed)
    pairs = rng.choice(n_users * n_items, size=min(n_rows, n_users * n_items), replace=False)
    times = rng.permutation(len(pairs)) if distinct_times else rng.integers(0, max(len(pairs) // 3, 1), len(pairs))
    return pd.DataFrame({"user": pairs // n_items + 10, "item": pairs % n_items + 100, "timestamp": times.astype(np.int64)})
