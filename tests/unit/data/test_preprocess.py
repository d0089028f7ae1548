"""Preprocessing: rating threshold, duplicate policy, k-core fixpoint, dense id remapping."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recbench.data._dataset import k_core, preprocess, remap_ids
from recbench.data._options import canonical_options
from recbench.errors import RecbenchError
from recbench.plugins import get_registry

WHERE = "dataset 'toy'"
KEEP_ALL = {"rating_threshold": None, "user_min": 0, "item_min": 0, "duplicates": "first"}


def _frame(rows, columns=("user", "item", "rating", "timestamp")):
    return pd.DataFrame(rows, columns=list(columns), dtype="int64")


def test_rating_threshold_keeps_ratings_at_or_above_it():
    frame = _frame([(1, 1, 3, 10), (1, 2, 4, 11), (2, 1, 5, 12), (2, 2, 1, 13)])
    out = preprocess(frame, {**KEEP_ALL, "rating_threshold": 4}, WHERE)
    assert out["rating"].tolist() == [4, 5]
    assert out.index.tolist() == [0, 1]


def test_rating_threshold_without_ratings_is_a_recbench_error():
    frame = _frame([(1, 1), (2, 2)], columns=("user", "item"))
    with pytest.raises(RecbenchError, match=r"dataset 'toy' has no ratings.*rating_threshold=4"):
        preprocess(frame, {**KEEP_ALL, "rating_threshold": 4}, WHERE)


# The repeated pair (1, 7) appears out of time order: timestamps 50, 20, 90.
DUPLICATED = _frame([(1, 7, 1, 50), (2, 3, 4, 5), (1, 7, 2, 20), (1, 7, 3, 90), (2, 4, 5, 6)])


def test_duplicates_first_keeps_the_earliest_interaction():
    out = preprocess(DUPLICATED, KEEP_ALL, WHERE)
    assert len(out) == 3
    assert out[(out.user == 1) & (out.item == 7)][["rating", "timestamp"]].values.tolist() == [[2, 20]]


def test_duplicates_last_keeps_the_latest_interaction():
    out = preprocess(DUPLICATED, {**KEEP_ALL, "duplicates": "last"}, WHERE)
    assert len(out) == 3
    assert out[(out.user == 1) & (out.item == 7)][["rating", "timestamp"]].values.tolist() == [[3, 90]]


def test_deduplication_keeps_the_original_row_order():
    out = preprocess(DUPLICATED, {**KEEP_ALL, "duplicates": "last"}, WHERE)
    assert out[["user", "item"]].values.tolist() == [[2, 3], [1, 7], [2, 4]]


def test_duplicates_without_timestamps_follow_file_order():
    frame = _frame([(1, 7, 1), (1, 7, 2), (1, 8, 3)], columns=("user", "item", "rating"))
    assert preprocess(frame, KEEP_ALL, WHERE)["rating"].tolist() == [1, 3]
    assert preprocess(frame, {**KEEP_ALL, "duplicates": "last"}, WHERE)["rating"].tolist() == [2, 3]


def test_unknown_duplicate_policy_is_a_recbench_error():
    with pytest.raises(RecbenchError, match="duplicates='mean'"):
        preprocess(DUPLICATED, {**KEEP_ALL, "duplicates": "mean"}, WHERE)


def test_filters_that_leave_nothing_raise_naming_the_options():
    frame = _frame([(1, 1, 3, 10), (2, 2, 5, 11)])
    options = {**KEEP_ALL, "rating_threshold": 4, "user_min": 2, "item_min": 3}
    with pytest.raises(RecbenchError) as info:
        preprocess(frame, options, WHERE)
    message = str(info.value)
    for part in ("dataset 'toy'", "rating_threshold=4", "user_min=2", "item_min=3"):
        assert part in message


def test_k_core_iterates_until_no_user_or_item_is_below_its_minimum():
    # Item 9 has two users, but dropping user 3 (one interaction) leaves it with one, which
    # then drops user 2 below two: a single pass is not enough.
    frame = _frame([(1, 1), (1, 2), (2, 1), (2, 9), (3, 9), (4, 1), (4, 2)], columns=("user", "item"))
    out = k_core(frame, user_min=2, item_min=2)
    assert sorted(map(tuple, out.values.tolist())) == [(1, 1), (1, 2), (4, 1), (4, 2)]


def test_k_core_with_minimums_of_one_or_zero_keeps_everything():
    frame = _frame([(1, 1), (2, 2)], columns=("user", "item"))
    assert k_core(frame, 0, 0).equals(frame)
    assert k_core(frame, 1, 1).equals(frame)


def _reference_k_core(pairs: list[tuple[int, int]], user_min: int, item_min: int) -> list[tuple[int, int]]:
    """Remove one offending user or item at a time until none is left; the k-core is the unique result."""
    pairs = list(pairs)
    while True:
        users, items = Counter(u for u, _ in pairs), Counter(i for _, i in pairs)
        bad_user = next((u for u, c in users.items() if c < user_min), None)
        if bad_user is not None:
            pairs = [p for p in pairs if p[0] != bad_user]
            continue
        bad_item = next((i for i, c in items.items() if c < item_min), None)
        if bad_item is not None:
            pairs = [p for p in pairs if p[1] != bad_item]
            continue
        return pairs


@settings(max_examples=150, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=60),
    user_min=st.integers(0, 4),
    item_min=st.integers(0, 4),
)
def test_k_core_is_the_fixpoint_of_the_minimums(pairs, user_min, item_min):
    frame = _frame(pairs, columns=("user", "item"))
    out = k_core(frame, user_min, item_min)
    if len(out):
        assert out["user"].value_counts().min() >= user_min
        assert out["item"].value_counts().min() >= item_min
    # a subset of the input rows, in their original order, equal to the maximal such subset
    assert out.index.tolist() == sorted(out.index.tolist())
    assert out.equals(frame.loc[out.index])
    assert sorted(map(tuple, out.values.tolist())) == sorted(_reference_k_core(pairs, user_min, item_min))


def test_remap_ids_gives_dense_ids_in_sorted_raw_order():
    frame = _frame([(30, 500, 1, 1), (10, 7, 2, 2), (20, 500, 3, 3), (10, 42, 4, 4)])
    out, user_ids, item_ids = remap_ids(frame)
    assert user_ids.tolist() == [10, 20, 30]
    assert item_ids.tolist() == [7, 42, 500]
    assert out["user"].tolist() == [2, 0, 1, 0]
    assert out["item"].tolist() == [2, 0, 2, 1]
    assert out["user"].dtype == np.int64 and out["item"].dtype == np.int64
    assert out["rating"].tolist() == [1, 2, 3, 4]
    assert frame["user"].tolist() == [30, 10, 20, 10]  # the input is left alone


def test_remap_ids_round_trips_to_the_raw_ids():
    rng = np.random.default_rng(1)
    frame = _frame(np.column_stack([rng.integers(0, 10**6, 200), rng.integers(0, 10**6, 200)]), columns=("user", "item"))
    out, user_ids, item_ids = remap_ids(frame)
    assert out["user"].max() == len(user_ids) - 1 and out["item"].max() == len(item_ids) - 1
    assert (user_ids[out["user"]] == frame["user"].to_numpy()).all()
    assert (item_ids[out["item"]] == frame["item"].to_numpy()).all()


def test_duplicates_keep_keeps_every_repeat_in_file_order():
    out = preprocess(DUPLICATED, {**KEEP_ALL, "duplicates": "keep"}, WHERE)
    assert out[["user", "item", "timestamp"]].values.tolist() == DUPLICATED[["user", "item", "timestamp"]].values.tolist()


def _reference_dedupe(frame: pd.DataFrame, policy: str) -> pd.DataFrame:
    """The plain pandas formulation: sort by time (stable), drop repeats, restore file order."""
    if "timestamp" in frame:
        frame = frame.sort_values("timestamp", kind="stable")
    return frame.drop_duplicates(["user", "item"], keep=policy).sort_index()


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 5)), max_size=40),
    policy=st.sampled_from(["first", "last"]),
)
def test_duplicate_policies_match_the_plain_pandas_formulation(rows, policy):
    frame = _frame([(u, i, n, t) for n, (u, i, t) in enumerate(rows)])
    out = preprocess(frame, {**KEEP_ALL, "duplicates": policy}, WHERE) if rows else frame
    expected = _reference_dedupe(frame, policy).reset_index(drop=True)
    pd.testing.assert_frame_equal(out.reset_index(drop=True), expected)


@settings(max_examples=150, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=60),
    user_min=st.integers(0, 4),
    item_min=st.integers(0, 4),
)
def test_k_core_applied_twice_changes_nothing(pairs, user_min, item_min):
    once = k_core(_frame(pairs, columns=("user", "item")), user_min, item_min)
    assert k_core(once, user_min, item_min).equals(once)


def test_k_core_with_text_ids():
    frame = pd.DataFrame({"user": ["a", "a", "b", "c", "c"], "item": ["x", "y", "x", "x", "y"]})
    assert k_core(frame, 2, 2).index.tolist() == [0, 1, 3, 4]


# User 1 pauses 4990 s after item 2 and 14990 s after item 4; user 2 never pauses. Rows out of time order.
PAUSING = _frame([(1, 1, 5, 0), (1, 3, 5, 5000), (2, 1, 4, 0), (1, 2, 5, 10), (2, 2, 4, 100), (1, 4, 5, 5010), (1, 5, 5, 20000)])


def test_session_gap_cuts_each_history_at_long_pauses_into_sequences_of_their_own():
    out = preprocess(PAUSING, {**KEEP_ALL, "duplicates": "keep", "session_gap": 1800}, WHERE)
    sessions = out.groupby("user", sort=True)["item"].apply(list).to_dict()
    assert sessions == {"1:0": [1, 2], "1:1": [3, 4], "1:2": [5], "2:0": [1, 2]}


def test_session_gap_is_at_least_the_gap_and_user_min_drops_short_sessions():
    out = preprocess(PAUSING, {**KEEP_ALL, "duplicates": "keep", "session_gap": 4990, "user_min": 2}, WHERE)
    assert sorted(out["user"].unique()) == ["1:0", "1:1", "2:0"]  # 1:2 holds one item


def test_session_ids_sort_in_time_order_past_ten_sessions():
    frame = _frame([(1, i, 5, i * 10_000) for i in range(12)])
    out = preprocess(frame, {**KEEP_ALL, "session_gap": 60}, WHERE)
    _, users, _ = remap_ids(out)
    assert list(users) == [f"1:{n:02d}" for n in range(12)]


def test_session_gap_without_timestamps_is_a_recbench_error():
    frame = _frame([(1, 1), (2, 2)], columns=("user", "item"))
    with pytest.raises(RecbenchError, match=r"dataset 'toy' has no timestamps.*session_gap=60.*null"):
        preprocess(frame, {**KEEP_ALL, "session_gap": 60}, WHERE)


@pytest.mark.parametrize("gap", [0, -60])
def test_a_session_gap_that_is_not_positive_is_refused_naming_the_fix(gap):
    with pytest.raises(RecbenchError, match=r"session_gap=.* must be a positive number of seconds.*or null"):
        canonical_options(get_registry().dataset("ml-1m"), {"session_gap": gap})
