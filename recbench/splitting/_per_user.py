"""Vectorised per-user orderings: one lexsort, no loop over users."""

from __future__ import annotations

import numpy as np

from recbench.errors import RecbenchError


def order_within_users(users: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows sorted by (user, key, row index), each row's position in its user's order, and user sizes.

    Returns ``position`` (0-based, in the original row order) and ``size`` (the row's user's
    number of rows, also per row), plus the sorting permutation. Equal keys keep file order.
    """
    order = np.lexsort((np.arange(len(users)), keys, users))
    counts = np.bincount(users)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sorted_users = users[order]
    position = np.empty(len(users), dtype=np.int64)
    position[order] = np.arange(len(users)) - starts[sorted_users]
    return order, position, counts[users]


def per_user_ratio_split(users: np.ndarray, ratios: list[float], seed: int) -> np.ndarray:
    """Stage index (0 train, 1 valid, 2 test) of each row: each user's rows shuffled and cut by ``ratios``.

    A user with n rows gets floor(n * valid) validation and floor(n * test) test rows; the
    rest train.
    """
    check_ratios(ratios)
    keys = np.random.default_rng(seed).random(len(users))
    _, position, n = order_within_users(users, keys)
    n_valid = np.floor(n * ratios[1] + 1e-9).astype(np.int64)
    n_test = np.floor(n * ratios[2] + 1e-9).astype(np.int64)
    n_train = n - n_valid - n_test
    return np.where(position < n_train, 0, np.where(position < n_train + n_valid, 1, 2))


def leave_one_out(users: np.ndarray, keys: np.ndarray, min_history: int = 3) -> np.ndarray:
    """Stage index per row: each user's last row by ``keys`` is test, the one before valid.

    Only users with at least ``min_history`` rows (one train, one valid, one test by default)
    are held out from; shorter histories stay entirely in training.
    """
    if min_history < 3:
        raise RecbenchError(f"split.min_history={min_history}: leave-one-out needs at least 3 (train, valid, test)")
    _, position, n = order_within_users(users, keys)
    from_end = n - 1 - position
    eligible = n >= min_history
    return np.where(eligible & (from_end == 0), 2, np.where(eligible & (from_end == 1), 1, 0))


def check_ratios(ratios: list[float]) -> None:
    if len(ratios) != 3 or not all(0 <= r <= 1 for r in ratios) or abs(sum(ratios) - 1.0) > 1e-6:  # NaN fails too
        raise RecbenchError(f"split ratios {list(ratios)} must be three non-negative shares summing to 1")
