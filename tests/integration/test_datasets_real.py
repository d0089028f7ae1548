"""Slow tier: the real files in $RECBENCH_REAL_DATA_DIR and the issue's count bars."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest

from recbench.data import load_dataset
from recbench.data._fetch import locate
from recbench.plugins import get_registry

pytestmark = pytest.mark.slow


def load(name, real_data_dir, cache, **options):
    spec = get_registry().dataset(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the real files must match every known digest
        return load_dataset(spec, options, data_dir=str(real_data_dir), cache_dir=str(cache), download=False)


def folder(name, real_data_dir, tmp_path):
    return locate(get_registry().dataset(name), real_data_dir, tmp_path / "unused", download=False)


def test_ml_1m_counts_and_side_features(real_data_dir, tmp_path):
    data = load("ml-1m", real_data_dir, tmp_path)
    assert (data.n_users, data.n_items, len(data.frame)) == (6040, 3706, 1_000_209)
    assert len(data.user_features) == 6040 and data.user_features["gender"].isin(["M", "F"]).all()
    assert data.item_features["title"].notna().all() and data.item_features["year"].notna().all()
    assert data.item_features.filter(like="genre:").shape[1] == 18


def test_ml_100k_side_files_and_predefined_splits(real_data_dir, tmp_path):
    data = load("ml-100k", real_data_dir, tmp_path)
    assert (data.n_users, data.n_items, len(data.frame)) == (943, 1682, 100_000)
    assert (data.user_features["gender"] == "M").sum() == 670
    assert data.item_features.filter(like="genre:").shape[1] == 19
    spec = get_registry().dataset("ml-100k")
    tests = []
    for k in range(1, 6):
        split = spec.load_split(f"u{k}")(folder("ml-100k", real_data_dir, tmp_path))
        assert split["stage"].value_counts().to_dict() == {"train": 80_000, "test": 20_000}
        tests.append(split[split["stage"] == "test"])
    all_tests = np.concatenate([t[["user", "item"]].to_numpy() for t in tests])
    assert len({tuple(p) for p in all_tests.tolist()}) == 100_000  # u1..u5.test partition u.data
    ua = spec.load_split("ua")(folder("ml-100k", real_data_dir, tmp_path))
    assert ua[ua["stage"] == "test"].groupby("user").size().eq(10).all()


def test_ncf_ml_1m_has_6040_test_users_with_99_negatives_each(real_data_dir, tmp_path):
    data = load("ncf-ml-1m", real_data_dir, tmp_path)
    assert (data.n_users, data.n_items, len(data.frame)) == (6040, 3706, 1_000_209)
    spec = get_registry().dataset("ncf-ml-1m")
    where = folder("ncf-ml-1m", real_data_dir, tmp_path)
    split = spec.load_split("ncf")(where)
    assert split["stage"].value_counts().to_dict() == {"train": 994_169, "test": 6040}
    negatives = spec.load_candidates("ncf")(where)
    assert negatives["user"].nunique() == 6040 and negatives.groupby("user").size().eq(99).all()


def test_s3rec_beauty_counts_with_the_datasets_default_options(real_data_dir, tmp_path):
    spec = get_registry().dataset("amazon-beauty-s3rec")
    data = load("amazon-beauty-s3rec", real_data_dir, tmp_path, **spec.defaults)
    assert (data.n_users, data.n_items, len(data.frame)) == (22_363, 12_101, 198_502)
    assert data.frame.groupby("user").size().min() >= 5
    assert len(data.item_features) == 12_101 and data.item_features["attributes"].map(len).gt(0).all()


def test_recbole_atomic_ml_100k_matches_the_original(real_data_dir, tmp_path):
    atomic = load("atomic", real_data_dir, tmp_path, path=str(real_data_dir / "recbole-atomic" / "ml-100k" / "ml-100k.inter"))
    original = load("ml-100k", real_data_dir, tmp_path)
    assert (atomic.n_users, atomic.n_items, len(atomic.frame)) == (943, 1682, 100_000)
    assert (atomic.frame[["user", "item", "timestamp"]].to_numpy() == original.frame[["user", "item", "timestamp"]].to_numpy()).all()
    assert (atomic.frame["rating"].to_numpy() == original.frame["rating"].to_numpy()).all()


def test_ml_1m_loads_within_the_time_bars(real_data_dir, tmp_path):
    """Under 3 s from the raw files, under 1 s from the cache (generous on a loaded machine)."""
    started = time.perf_counter()
    load("ml-1m", real_data_dir, tmp_path)
    raw = time.perf_counter() - started
    started = time.perf_counter()
    load("ml-1m", real_data_dir, tmp_path)
    hit = time.perf_counter() - started
    assert raw < 3.0 and hit < 1.0, (raw, hit)


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("ml-100k", "ratio-811-full/ml-100k"),
        ("ml-1m", "ctr-811/ml-1m"),
        ("ncf-ml-1m", "ncf-99neg/ncf-ml-1m"),
        ("amazon-beauty-s3rec", "loo-time-full/amazon-beauty-s3rec"),
    ],
)
def test_default_fingerprints_match_the_latest_published_tables(name, table, real_data_dir, tmp_path):
    """A change to how fingerprints are computed would silently start new table versions; it must be deliberate."""
    import json
    from pathlib import Path

    folder = Path(__file__).parents[2] / "leaderboards" / table
    latest = max(folder.glob("v*/manifest.json"), key=lambda path: int(path.parent.name[1:]))
    published = json.loads(latest.read_text())["benchmark"]["dataset_fingerprint"]
    assert load(name, real_data_dir, tmp_path).fingerprint == published
