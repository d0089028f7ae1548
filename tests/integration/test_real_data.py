"""Slow tier: the real MovieLens files and the quality bars of the default protocol."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from recbench.data import load_dataset
from recbench.data.movielens import ML_1M, ML_100K
from recbench.splitting import make_split

pytestmark = pytest.mark.slow
DEFAULT_OPTIONS = {"rating_threshold": None, "user_min": 0, "item_min": 0, "duplicates": "first"}
DEFAULT_SPLIT = {"kind": "ratio", "ratios": [0.8, 0.1, 0.1], "seed": 2020}


@pytest.mark.parametrize(("spec", "counts"), [(ML_100K, (943, 1682, 100_000)), (ML_1M, (6040, 3706, 1_000_209))])
def test_counts_as_published(real_data_dir, tmp_path, spec, counts):
    data = load_dataset(spec, DEFAULT_OPTIONS, data_dir=str(real_data_dir), cache_dir=str(tmp_path), download=False)
    assert (data.n_users, data.n_items, len(data.frame)) == counts


def train(model: str, real_data_dir: Path, results: Path, *overrides: str) -> dict:
    env = dict(os.environ, RECBENCH_DATA_DIR=str(real_data_dir))
    command = [sys.executable, "-m", "recbench.cli", "train", f"model={model}", f"results_dir={results}", *overrides]
    done = subprocess.run(command, env=env, cwd=results.parent, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    [path] = sorted((results / "runs").glob(f"*-{model}-*.json"))
    return json.loads(path.read_text())


@pytest.mark.parametrize(("model", "bar"), [("bpr", 0.24), ("itemknn", 0.27)])
def test_quality_bar_on_ml_100k(real_data_dir, tmp_path, model, bar):
    record = train(model, real_data_dir, tmp_path / "results")
    assert record["metrics"]["test"]["ndcg@10"] >= bar


def test_pop_matches_an_independent_computation(real_data_dir, tmp_path):
    """Pop's NDCG@10 recomputed with plain Python loops from the same split."""
    record = train("pop", real_data_dir, tmp_path / "results")
    data = load_dataset(ML_100K, DEFAULT_OPTIONS, data_dir=str(real_data_dir), cache_dir=str(tmp_path), download=False)
    split = make_split(data, DEFAULT_SPLIT)
    counts = np.bincount(split.train["item"], minlength=data.n_items)
    ranking = sorted(range(data.n_items), key=lambda item: (-counts[item], item))
    seen = {}
    for frame in (split.train, split.valid):
        for user, item in zip(frame["user"], frame["item"]):
            seen.setdefault(user, set()).add(item)
    relevant = {}
    for user, item in zip(split.test["user"], split.test["item"]):
        relevant.setdefault(user, set()).add(item)
    values = []
    for user, items in relevant.items():
        top = [item for item in ranking if item not in seen.get(user, set())][:10]
        dcg = sum(1 / np.log2(rank + 2) for rank, item in enumerate(top) if item in items)
        ideal = sum(1 / np.log2(rank + 2) for rank in range(min(len(items), 10)))
        values.append(dcg / ideal)
    assert record["metrics"]["test"]["ndcg@10"] == pytest.approx(np.mean(values), abs=1e-9)
