"""Leave-one-out, global temporal, strong generalisation and predefined splits: their guarantees as properties."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recbench.errors import RecbenchError
from recbench.splitting import make_split

from split_fixtures import interactions, random_log

LOG = st.builds(
    random_log,
    n_users=st.integers(1, 12),
    n_items=st.integers(1, 15),
    n_rows=st.integers(1, 120),
    seed=st.integers(0, 10_000),
)


def _pairs(frame):
    return set(zip(frame["user"].tolist(), frame["item"].tolist()))


def _covers_exactly(split, data, parts=("train", "valid", "test")):
    frames = [split.stage(p) if p != "fold_in" else split.fold_in for p in parts]
    assert sum(len(f) for f in frames) == len(data.frame)
    assert set().union(*map(_pairs, frames)) == _pairs(data.frame)


@settings(max_examples=60, deadline=None)
@given(LOG, st.integers(3, 5))
def test_leave_one_out_by_time_holds_out_each_eligible_users_latest(log, min_history):
    data = interactions(log)
    split = make_split(data, {"kind": "loo", "order": "time", "min_history": min_history, "seed": 0})
    _covers_exactly(split, data)
    sizes = data.frame.groupby("user").size()
    eligible = set(sizes[sizes >= min_history].index)
    for stage in ("valid", "test"):
        per_user = split.stage(stage).groupby("user").size()
        assert set(per_user.index) == eligible and (per_user == 1).all()
    last_train = split.train.groupby("user")["timestamp"].max()
    for stage in ("valid", "test"):
        held = split.stage(stage).set_index("user")["timestamp"]
        assert (held >= last_train.reindex(held.index)).all()  # never earlier than any training interaction
    test_times = split.test.set_index("user")["timestamp"]
    valid_times = split.valid.set_index("user")["timestamp"]
    assert (test_times >= valid_times.reindex(test_times.index)).all()


def test_leave_one_out_breaks_equal_timestamps_by_file_order():
    log = pd.DataFrame({"user": [1] * 4, "item": [7, 5, 9, 3], "timestamp": [10, 20, 20, 20]})
    split = make_split(interactions(log), {"kind": "loo", "order": "time", "seed": 0})
    ids = interactions(log).item_ids
    assert ids[split.test["item"]].tolist() == [3] and ids[split.valid["item"]].tolist() == [9]


def test_leave_one_out_at_random_depends_on_the_seed_only():
    data = interactions(random_log(30, 40, 600, seed=1))
    a = make_split(data, {"kind": "loo", "order": "random", "seed": 5})
    b = make_split(data, {"kind": "loo", "order": "random", "seed": 5})
    c = make_split(data, {"kind": "loo", "order": "random", "seed": 6})
    assert a.fingerprint == b.fingerprint and _pairs(a.test) == _pairs(b.test)
    assert _pairs(a.test) != _pairs(c.test)


@settings(max_examples=60, deadline=None)
@given(LOG)
def test_global_temporal_split_never_trains_on_the_future(log):
    data = interactions(log)
    split = make_split(data, {"kind": "temporal", "ratios": [0.6, 0.2, 0.2], "seed": 0})
    dropped = sum(split.dropped.values())
    assert len(split.train) + len(split.valid) + len(split.test) + dropped == len(data.frame)
    if len(split.train):
        for stage in ("valid", "test"):
            if len(split.stage(stage)):
                assert split.train["timestamp"].max() < split.stage(stage)["timestamp"].min()
    if len(split.valid) and len(split.test):
        assert split.valid["timestamp"].max() < split.test["timestamp"].min()
    trained = set(split.train["user"])
    assert set(split.valid["user"]) <= trained and set(split.test["user"]) <= trained


def test_temporal_split_refuses_data_without_real_time():
    data = interactions(random_log(5, 5, 20, seed=0))
    with pytest.raises(RecbenchError, match="needs real timestamps.*only an order"):
        make_split(data, {"kind": "temporal", "ratios": [0.8, 0.1, 0.1], "seed": 0}, timestamps="ordinal")


@settings(max_examples=40, deadline=None)
@given(LOG)
def test_strong_generalisation_holds_out_whole_users(log):
    data = interactions(log)
    split = make_split(data, {"kind": "strong", "ratios": [0.5, 0.25, 0.25], "target_share": 0.5, "seed": 3})
    _covers_exactly(split, data, ("train", "fold_in", "valid", "test"))
    train_users = set(split.train["user"])
    held = set(split.fold_in["user"]) | set(split.valid["user"]) | set(split.test["user"])
    assert not train_users & held
    assert not set(split.valid["user"]) & set(split.test["user"])
    sizes = data.frame.groupby("user").size()
    for stage in ("valid", "test"):
        got = split.stage(stage).groupby("user").size()
        assert (got == (sizes.reindex(got.index) * 0.5 + 1e-9).astype(int)).all()


def test_strong_generalisation_masks_fold_in_items():
    data = interactions(random_log(20, 30, 300, seed=2))
    split = make_split(data, {"kind": "strong", "ratios": [0.6, 0.2, 0.2], "seed": 0})
    assert any(frame is split.fold_in for frame in split.seen_before("test"))
    assert len(split.history()) == len(split.train) + len(split.fold_in)


def test_predefined_split_maps_publisher_ids_and_takes_validation_from_training():
    log = pd.DataFrame({"user": [5, 5, 5, 8, 8], "item": [1, 2, 3, 1, 3], "timestamp": [1, 2, 3, 1, 2]})
    files = pd.DataFrame({"user": [5, 5, 5, 8, 8, 9], "item": [1, 2, 3, 1, 3, 1], "stage": ["train", "train", "test", "train", "test", "test"]})
    data = interactions(log)
    split = make_split(data, {"kind": "predefined", "name": "f", "order": "time", "seed": 0}, predefined=files)
    to_ids = lambda f: set(zip(data.user_ids[f["user"]].tolist(), data.item_ids[f["item"]].tolist()))  # noqa: E731
    assert to_ids(split.test) == {(5, 3), (8, 3)}
    assert to_ids(split.valid) == {(5, 2)}  # user 8 has one training row: it stays in training
    assert to_ids(split.train) == {(5, 1), (8, 1)}
    assert split.dropped == {"rows_not_in_dataset": 1}  # user 9 is not in the dataset


def test_predefined_split_without_train_or_test_is_refused():
    data = interactions(pd.DataFrame({"user": [1, 1], "item": [1, 2], "timestamp": [1, 2]}))
    files = pd.DataFrame({"user": [1, 1], "item": [1, 2], "stage": ["train", "train"]})
    with pytest.raises(RecbenchError, match="expected train, test"):
        make_split(data, {"kind": "predefined", "name": "x", "seed": 0}, predefined=files)


@pytest.mark.parametrize(
    "change",
    [
        {"order": "random"},
        {"min_history": 4},
        {"seed": 1},
    ],
)
def test_every_option_enters_the_fingerprint(change):
    data = interactions(random_log(30, 40, 600, seed=1))
    base = {"kind": "loo", "order": "time", "min_history": 3, "seed": 0}
    same = make_split(data, dict(base)).fingerprint
    assert make_split(data, base).fingerprint == same
    assert make_split(data, {**base, **change}).fingerprint != same
