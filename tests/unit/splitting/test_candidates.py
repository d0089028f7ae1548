"""Sampled candidates: fixed by seed, never an item the user interacted with, stored in the fingerprint."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recbench.errors import RecbenchError
from recbench.splitting import make_split
from split_fixtures import interactions, random_log

LOO = {"kind": "loo", "order": "time", "seed": 0}


@pytest.fixture(scope="module")
def data():
    return interactions(random_log(40, 60, 900, seed=4))


def _all_pairs(split):
    frames = [split.train, split.valid, split.test]
    return set().union(*(zip(f["user"].tolist(), f["item"].tolist()) for f in frames))


@pytest.mark.parametrize("strategy", ["uniform", "popularity"])
def test_each_evaluated_user_gets_count_distinct_unseen_negatives(data, strategy):
    split = make_split(data, LOO, {"count": 7, "strategy": strategy, "seed": 1})
    known = _all_pairs(split)
    for stage in ("valid", "test"):
        frame = split.candidates[stage]
        per_user = frame.groupby("user")["item"].agg(["size", "nunique"])
        assert set(per_user.index) == set(split.users(stage))
        assert (per_user["size"] == 7).all() and (per_user["nunique"] == 7).all()
        assert not known & set(zip(frame["user"].tolist(), frame["item"].tolist()))


def test_popularity_sampling_never_draws_items_without_training_interactions(data):
    split = make_split(data, LOO, {"count": 5, "strategy": "popularity", "seed": 1})
    trained = set(split.train["item"])
    assert set(split.candidates["test"]["item"]) <= trained


def test_popularity_sampling_follows_training_popularity():
    rng = np.random.default_rng(0)
    zipf = 1 / np.arange(1, 101)
    rows = [(u, i) for u in range(300) for i in rng.choice(100, size=8, replace=False, p=zipf / zipf.sum())]
    log = pd.DataFrame(rows, columns=["user", "item"]).assign(timestamp=lambda f: np.arange(len(f)))
    data = interactions(log)

    def correlation(strategy):
        split = make_split(data, LOO, {"count": 10, "strategy": strategy, "seed": 1})
        popularity = np.bincount(split.train["item"], minlength=data.n_items)
        drawn = np.bincount(split.candidates["test"]["item"], minlength=data.n_items)
        return np.corrcoef(popularity, drawn)[0, 1]

    assert correlation("popularity") > 0.5
    assert correlation("popularity") > correlation("uniform") + 0.4


def test_candidates_are_fixed_by_their_seed_and_enter_the_fingerprint(data):
    a = make_split(data, LOO, {"count": 5, "strategy": "uniform", "seed": 1})
    b = make_split(data, LOO, {"count": 5, "strategy": "uniform", "seed": 1})
    c = make_split(data, LOO, {"count": 5, "strategy": "uniform", "seed": 2})
    full = make_split(data, LOO)
    assert a.candidates["test"].equals(b.candidates["test"]) and a.fingerprint == b.fingerprint
    assert not a.candidates["test"].equals(c.candidates["test"]) and a.fingerprint != c.fingerprint
    assert full.fingerprint not in (a.fingerprint, c.fingerprint) and full.candidates == {}


def test_more_negatives_than_items_is_a_clear_error(data):
    with pytest.raises(RecbenchError, match="candidates.count=5000 negatives cannot be drawn from a catalogue of 60"):
        make_split(data, LOO, {"count": 5000, "strategy": "uniform", "seed": 1})


def test_too_many_negatives_for_a_small_catalogue_is_a_clear_error(data):
    with pytest.raises(RecbenchError, match="fewer than candidates.count=59 items to sample from; lower the count"):
        make_split(data, LOO, {"count": 59, "strategy": "uniform", "seed": 1})


def test_external_candidates_are_mapped_to_dense_ids(data):
    split = make_split(data, LOO)
    users = data.user_ids[split.users("test")]
    external = pd.DataFrame({"user": np.repeat(users, 2), "item": np.tile(data.item_ids[:2], len(users))})
    sampled = make_split(data, LOO, {"count": 3, "strategy": "external", "seed": 0}, external_candidates=external)
    assert sorted(set(sampled.candidates["test"]["item"])) == [0, 1]
    assert (sampled.candidates["valid"].groupby("user").size() == 3).all()  # validation sampled uniformly


def test_external_candidates_missing_test_users_are_refused(data):
    split = make_split(data, LOO)
    first = data.user_ids[split.users("test")[:1]]
    external = pd.DataFrame({"user": first, "item": data.item_ids[:1]})
    with pytest.raises(RecbenchError, match="no negatives for .* test users"):
        make_split(data, LOO, {"count": 3, "strategy": "external", "seed": 0}, external_candidates=external)
    with pytest.raises(RecbenchError, match="this dataset has none"):
        make_split(data, LOO, {"count": 3, "strategy": "external", "seed": 0})


def test_cached_split_reads_back_the_identical_split_and_keys_on_every_option(data, tmp_path):
    from recbench.splitting import cached_split

    candidates = {"count": 5, "strategy": "uniform", "seed": 1}
    built = cached_split(data, LOO, candidates, tmp_path)
    read = cached_split(data, LOO, candidates, tmp_path)
    assert len(list((tmp_path / "splits").iterdir())) == 1
    assert read.fingerprint == built.fingerprint == make_split(data, LOO, candidates).fingerprint
    for stage in ("train", "valid", "test"):
        pd.testing.assert_frame_equal(read.stage(stage), built.stage(stage))
    pd.testing.assert_frame_equal(read.candidates["test"], built.candidates["test"])
    other = cached_split(data, {**LOO, "order": "random"}, candidates, tmp_path)
    assert other.fingerprint != built.fingerprint and len(list((tmp_path / "splits").iterdir())) == 2
    strong = cached_split(data, {"kind": "strong", "ratios": [0.6, 0.2, 0.2], "seed": 0}, None, tmp_path)
    again = cached_split(data, {"kind": "strong", "ratios": [0.6, 0.2, 0.2], "seed": 0}, None, tmp_path)
    pd.testing.assert_frame_equal(strong.fold_in, again.fold_in)
