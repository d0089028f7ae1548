"""Per-user ratio split: disjoint stages, floor counts per user, seeded and fingerprinted."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from recbench.data import load_dataset
from recbench.data.movielens import ML_100K
from recbench.errors import RecbenchError
from recbench.splitting import make_split, per_user_ratio_split

OPTIONS = {"rating_threshold": None, "user_min": 0, "item_min": 0, "duplicates": "first"}
SPLIT = {"kind": "ratio", "ratios": [0.8, 0.1, 0.1], "seed": 2020}


def _load(options):
    # the generated u.data is not the official file, which load_dataset reports
    with pytest.warns(UserWarning, match="differs from the official release"):
        return load_dataset(ML_100K, options, download=False)


@pytest.fixture
def data(offline_env):
    return _load(OPTIONS)


def _pairs(frame: pd.DataFrame) -> set[tuple[int, int]]:
    return set(zip(frame["user"].tolist(), frame["item"].tolist()))


def test_stages_are_disjoint_and_cover_every_row(data):
    split = make_split(data, SPLIT)
    train, valid, test = _pairs(split.train), _pairs(split.valid), _pairs(split.test)
    assert not (train & valid) and not (train & test) and not (valid & test)
    assert len(split.train) + len(split.valid) + len(split.test) == len(data.frame)
    assert train | valid | test == _pairs(data.frame)
    assert (split.n_users, split.n_items) == (data.n_users, data.n_items)
    for stage in ("train", "valid", "test"):
        frame = split.stage(stage)
        assert frame.index.tolist() == list(range(len(frame)))
        assert list(frame.columns) == list(data.frame.columns)


def test_each_user_gets_floor_of_a_tenth_for_valid_and_test(data):
    split = make_split(data, SPLIT)
    n = data.frame.groupby("user").size()
    for stage in ("valid", "test"):
        got = split.stage(stage).groupby("user").size().reindex(n.index, fill_value=0)
        assert (got == n // 10).all(), stage


@pytest.mark.parametrize(
    "ratios", [[0.8, 0.1, 0.1], [0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [1.0, 0.0, 0.0]]
)
def test_row_counts_per_user_are_floors_for_every_user_size(ratios):
    sizes = np.arange(1, 101)  # includes 90, where 90 * 0.7 is 62.99999999999999 in floating point
    users = np.repeat(np.arange(len(sizes)), sizes)
    users = users[np.random.default_rng(0).permutation(len(users))]  # rows of a user need not be adjacent
    stage = per_user_ratio_split(users, ratios, seed=3)
    for user, n in enumerate(sizes):
        counts = np.bincount(stage[users == user], minlength=3)
        # integer arithmetic: floor(n * r) without floating-point surprises (e.g. 0.1 * 30)
        n_valid = n * round(ratios[1] * 10) // 10
        n_test = n * round(ratios[2] * 10) // 10
        assert counts.tolist() == [n - n_valid - n_test, n_valid, n_test], (user, n)


def test_same_seed_gives_identical_split_and_fingerprint(data):
    a, b = make_split(data, SPLIT), make_split(data, dict(SPLIT))
    for stage in ("train", "valid", "test"):
        pd.testing.assert_frame_equal(a.stage(stage), b.stage(stage))
    assert a.fingerprint == b.fingerprint
    assert len(a.fingerprint) == 64


def test_different_seed_gives_different_rows_and_fingerprint(data):
    a, b = make_split(data, SPLIT), make_split(data, {**SPLIT, "seed": 2021})
    assert _pairs(a.test) != _pairs(b.test)
    assert a.fingerprint != b.fingerprint


def test_different_ratios_give_a_different_fingerprint(data):
    a, b = make_split(data, SPLIT), make_split(data, {**SPLIT, "ratios": [0.7, 0.2, 0.1]})
    assert a.fingerprint != b.fingerprint


def test_same_options_on_different_content_give_a_different_fingerprint(data):
    frame = data.frame.copy()
    frame.loc[0, "item"] = (frame.loc[0, "item"] + 1) % data.n_items  # same dataset fingerprint, other content
    other = dataclasses.replace(data, frame=frame)
    assert make_split(other, SPLIT).fingerprint != make_split(data, SPLIT).fingerprint


def test_different_dataset_options_give_a_different_fingerprint(offline_env, data):
    other = _load({**OPTIONS, "duplicates": "last"})
    assert other.fingerprint != data.fingerprint
    assert make_split(other, SPLIT).fingerprint != make_split(data, SPLIT).fingerprint


@pytest.mark.parametrize(
    "ratios",
    [[0.8, 0.2], [0.5, 0.2, 0.2, 0.1], [0.9, 0.2, -0.1], [0.8, 0.1, 0.2], [0.5, 0.1, 0.1]],
)
def test_bad_ratios_are_a_recbench_error(ratios):
    with pytest.raises(RecbenchError, match="ratios"):
        per_user_ratio_split(np.array([0, 0, 1]), ratios, seed=0)


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("ratios", [[0.8, float("nan"), 0.1], [float("nan"), 0.5, 0.5]])
def test_nan_ratios_are_a_recbench_error(ratios):
    with pytest.raises(RecbenchError, match="ratios"):
        per_user_ratio_split(np.array([0, 0, 1]), ratios, seed=0)


def test_unknown_split_kind_is_a_recbench_error(data):
    with pytest.raises(RecbenchError, match="unknown split kind 'bogus'"):
        make_split(data, {**SPLIT, "kind": "bogus"})
