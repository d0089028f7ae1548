"""The split kinds a protocol can name. Each returns the stage tables and the rows it dropped."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from recbench.data import Interactions
from recbench.errors import RecbenchError
from recbench.splitting._ids import to_dense_ids
from recbench.splitting._per_user import check_ratios, leave_one_out, order_within_users, per_user_ratio_split

Parts = tuple[dict[str, pd.DataFrame], dict[str, int]]


def _by_stage(frame: pd.DataFrame, stage: np.ndarray) -> dict[str, pd.DataFrame]:
    return {name: frame[stage == index] for index, name in enumerate(("train", "valid", "test"))}


def _time_keys(frame: pd.DataFrame, order: str, seed: int, timestamps: str | None, kind: str) -> np.ndarray:
    if order == "random":
        return np.random.default_rng(seed).random(len(frame))
    if order != "time":
        raise RecbenchError(f"split.order='{order}' is not an order; use 'time' or 'random'")
    if "timestamp" not in frame or timestamps is None:
        raise RecbenchError(f"split kind '{kind}' with order=time needs timestamps, and this dataset has none; use order=random")
    return frame["timestamp"].to_numpy()


def ratio(data: Interactions, options: dict, **_: Any) -> Parts:
    """Each user's interactions shuffled with the protocol seed and cut by ``ratios``."""
    stage = per_user_ratio_split(data.frame["user"].to_numpy(), options["ratios"], options["seed"])
    return _by_stage(data.frame, stage), {}


def loo(data: Interactions, options: dict, timestamps: str | None = None, **_: Any) -> Parts:
    """Leave-one-out: each eligible user's last interaction is test, the one before it valid.

    ``order=time`` takes "last" by timestamp (equal timestamps keep file order);
    ``order=random`` by a seeded shuffle.
    """
    frame = data.frame
    keys = _time_keys(frame, options.get("order", "time"), options["seed"], timestamps, "loo")
    stage = leave_one_out(frame["user"].to_numpy(), keys, int(options.get("min_history", 3)))
    return _by_stage(frame, stage), {}


def temporal(data: Interactions, options: dict, timestamps: str | None = None, **_: Any) -> Parts:
    """Global temporal split: one cut in time for everyone, so nothing trains on the future.

    The cut points are the timestamps at the ``ratios`` quantiles; an interaction at a cut
    point's exact timestamp goes to the later stage, so every training interaction is
    strictly earlier than every validation and test interaction. Held-out interactions of
    users with no training interaction cannot be ranked from a history and are dropped
    (counted in ``dropped``).
    """
    if timestamps != "unix" or "timestamp" not in data.frame:
        raise RecbenchError(
            f"split kind 'temporal' needs real timestamps; dataset '{data.name}' has "
            f"{'only an order within each user' if timestamps == 'ordinal' else 'none'}. Use kind=loo or kind=ratio"
        )
    ratios = options["ratios"]
    check_ratios(ratios)
    frame = data.frame
    times = frame["timestamp"].to_numpy()
    ordered = np.sort(times)
    cuts = [ordered[min(int(np.floor(len(times) * share + 1e-9)), len(times) - 1)] for share in np.cumsum(ratios[:2])]
    stage = np.where(times < cuts[0], 0, np.where(times < cuts[1], 1, 2))
    parts = _by_stage(frame, stage)
    trained = np.zeros(data.n_users, dtype=bool)
    trained[parts["train"]["user"].to_numpy()] = True
    dropped = {}
    for name in ("valid", "test"):
        keep = trained[parts[name]["user"].to_numpy()]
        dropped[f"{name}_rows_of_users_without_training"] = int((~keep).sum())
        parts[name] = parts[name][keep]
    return parts, dropped


def strong(data: Interactions, options: dict, **_: Any) -> Parts:
    """Strong generalisation (Liang et al. 2018, Mult-VAE): held-out users never train.

    Users are shuffled with the seed; ``ratios`` give the shares of training, validation and
    test users. Each held-out user's interactions are cut at random into a fold-in part
    (given to the model at scoring time) and a target part of share ``target_share``.
    """
    ratios = options["ratios"]
    check_ratios(ratios)
    rng = np.random.default_rng(options["seed"])
    permuted = rng.permutation(data.n_users)
    n_valid, n_test = (int(np.floor(data.n_users * share + 1e-9)) for share in ratios[1:])
    group = np.zeros(data.n_users, dtype=np.int64)
    group[permuted[data.n_users - n_valid - n_test : data.n_users - n_test]] = 1
    group[permuted[data.n_users - n_test :]] = 2
    frame = data.frame
    user_group = group[frame["user"].to_numpy()]
    share = float(options.get("target_share", 0.2))
    target = per_user_ratio_split(frame["user"].to_numpy(), [1 - share, 0.0, share], int(rng.integers(2**31))) == 2
    held_out = user_group > 0
    return {
        "train": frame[~held_out],
        "fold_in": frame[held_out & ~target],
        "valid": frame[(user_group == 1) & target],
        "test": frame[(user_group == 2) & target],
    }, {}


def predefined(data: Interactions, options: dict, predefined: pd.DataFrame | None = None, timestamps: str | None = None, **_: Any) -> Parts:
    """The publisher's own split (ML-100K's u1..u5, NCF's files), mapped onto the dataset's ids.

    A split that ships no validation part gets one by leave-one-out from each user's training
    interactions (``order``: time or random), so selection never looks at the test part.
    """
    if predefined is None:
        raise RecbenchError("split kind 'predefined' needs split.name: one of the dataset's own splits")
    mapped, unmatched = to_dense_ids(data, predefined, f"split '{options.get('name')}'")
    stages = set(mapped["stage"].unique())
    if not stages <= {"train", "valid", "test"} or not {"train", "test"} <= stages:
        raise RecbenchError(f"split '{options.get('name')}' has stages {sorted(stages)}; expected train, test and optionally valid")
    # Ratings, timestamps and features come from the dataset's own rows.
    joined = mapped[["user", "item", "stage"]].drop_duplicates(["user", "item"]).merge(data.frame, on=["user", "item"])
    parts = {name: joined[joined["stage"] == name].drop(columns="stage") for name in ("train", "valid", "test")}
    if "valid" not in stages:
        train = parts["train"].reset_index(drop=True)
        keys = _time_keys(train, options.get("order", "time"), options["seed"], timestamps, "predefined")
        _, position, size = order_within_users(train["user"].to_numpy(), keys)
        last = (position == size - 1) & (size >= 2)  # keep at least one training interaction
        parts["train"], parts["valid"] = train[~last], train[last]
    return parts, {"rows_not_in_dataset": unmatched}


KINDS: dict[str, Callable[..., Parts]] = {
    "ratio": ratio,
    "loo": loo,
    "temporal": temporal,
    "strong": strong,
    "predefined": predefined,
}
