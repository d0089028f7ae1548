"""load_dataset's processed-dataset cache: a hit skips parsing, any changed input misses."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pandas as pd
import pytest

from recbench.data._options import PREPROCESSING_DEFAULTS
from recbench.plugins import get_registry


@pytest.fixture
def counted(monkeypatch):
    """The ml-1m spec with a parser that counts its calls."""
    spec = get_registry().dataset("ml-1m")
    calls = []
    real = spec.load_parser()

    def parser(folder):
        calls.append(folder)
        return real(folder)

    return dataclasses.replace(spec, parser=parser), calls


def test_a_second_load_reads_the_cache_and_gives_the_same_dataset(counted, publishers_dir, load):
    spec, calls = counted
    first = load(spec, publishers_dir)
    second = load(spec, publishers_dir)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first.frame, second.frame)
    pd.testing.assert_frame_equal(first.user_features, second.user_features)
    pd.testing.assert_frame_equal(first.item_features, second.item_features)
    assert (first.user_ids == second.user_ids).all() and first.user_ids.dtype == second.user_ids.dtype
    assert first.fingerprint == second.fingerprint and first.raw_counts == second.raw_counts


def test_the_fingerprint_does_not_depend_on_the_cache(counted, publishers_dir, load, tmp_path):
    spec, _ = counted
    assert load(spec, publishers_dir).fingerprint == load(spec, publishers_dir, cache_dir=tmp_path / "other").fingerprint


@pytest.mark.parametrize(
    "change",
    [{"user_min": 5}, {"item_min": 2}, {"rating_threshold": 4}, {"duplicates": "last"}, {"duplicates": "keep"}, {"session_gap": 1800}],
)
def test_any_changed_option_misses_the_cache(counted, publishers_dir, load, change):
    spec, calls = counted
    base = load(spec, publishers_dir)
    other = load(spec, publishers_dir, **change)
    assert len(calls) == 2 and other.fingerprint != base.fingerprint


def test_an_unset_session_gap_leaves_the_fingerprint_as_it_was_before_the_option(counted, publishers_dir, load):
    spec, _ = counted
    data = load(spec, publishers_dir, session_gap=None)
    options = {**PREPROCESSING_DEFAULTS}
    del options["session_gap"]
    before = hashlib.sha256(
        json.dumps({"dataset": "ml-1m", "raw": data.raw_sha256, "options": options, "version": 1}, sort_keys=True).encode()
    ).hexdigest()
    assert data.fingerprint == before


def test_sessions_are_sequences_without_user_features(counted, publishers_dir, load):
    spec, _ = counted
    data = load(spec, publishers_dir, session_gap=1800, duplicates="keep")
    assert data.user_features is None and data.item_features is not None
    assert all(":" in str(user) for user in data.user_ids)


def test_equal_options_written_differently_share_a_fingerprint(counted, publishers_dir, load):
    spec, calls = counted
    a = load(spec, publishers_dir, rating_threshold=4, name="ml-1m")
    b = load(spec, publishers_dir, rating_threshold=4.0)
    assert a.fingerprint == b.fingerprint and len(calls) == 1


def test_a_changed_raw_file_misses_the_cache(counted, data_copy, load):
    spec, calls = counted
    before = load(spec, data_copy)
    path = data_copy / "ml-1m" / "ratings.dat"
    path.write_text(path.read_text().replace("::5::", "::4::", 1))
    after = load(spec, data_copy)
    assert len(calls) == 2 and after.fingerprint != before.fingerprint and after.raw_sha256 != before.raw_sha256


def test_a_changed_side_file_refreshes_features_but_not_the_fingerprint(counted, data_copy, load):
    spec, calls = counted
    before = load(spec, data_copy)
    path = data_copy / "ml-1m" / "users.dat"
    path.write_text(path.read_text().replace("::M::", "::F::"))
    after = load(spec, data_copy)
    assert len(calls) == 2 and after.fingerprint == before.fingerprint
    assert (after.user_features["gender"] == "F").all() and after.feature_sha256 != before.feature_sha256


def test_use_cache_false_writes_no_entry(publishers_dir, tmp_path):
    from recbench.data import load_dataset

    with pytest.warns(UserWarning):
        load_dataset(get_registry().dataset("ml-100k"), {}, str(publishers_dir), str(tmp_path), False, use_cache=False)
    assert not (tmp_path / "datasets").exists()
