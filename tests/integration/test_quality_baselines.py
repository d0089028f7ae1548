"""Slow tier: the non-neural baselines reach their measured quality on the real MovieLens files.

Bars are the test NDCG@10 measured under the default protocol (ratio-811-full) with each
model's default config (chosen on validation NDCG@10 only), minus a small margin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

# RecBole's published EASE figure on ML-100K; see test_ease_reaches_recboles_figure.
RECBOLE_EASE_ML_100K = 0.3295


def train(model: str, real_data_dir: Path, results: Path, *overrides: str) -> dict:
    env = dict(os.environ, RECBENCH_DATA_DIR=str(real_data_dir))
    command = [sys.executable, "-m", "recbench.cli", "train", f"model={model}", f"results_dir={results}", *overrides]
    done = subprocess.run(command, env=env, cwd=results.parent, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    [path] = sorted((results / "runs").glob(f"*-{model}-*.json"))
    return json.loads(path.read_text())


# (model, dataset, bar): measured test NDCG@10 in brackets.
BARS = [
    ("userknn", "ml-100k", 0.27),  # [0.2817]
    ("rp3beta", "ml-100k", 0.275),  # [0.2863]
    ("ease", "ml-100k", 0.31),  # [0.3202]
    ("puresvd", "ml-100k", 0.295),  # [0.3045]
    ("ials", "ml-100k", 0.31),  # [0.3225 seed 0; see the report for the seed band]
    ("ease", "ml-1m", 0.29),  # [0.3015]
    ("ials", "ml-1m", 0.28),  # [0.2928]
    ("rp3beta", "ml-1m", 0.24),  # [0.2484]
]


@pytest.mark.parametrize(("model", "dataset", "bar"), BARS, ids=[f"{m}-{d}" for m, d, _ in BARS])
def test_quality_bar(real_data_dir, tmp_path, model, dataset, bar):
    record = train(model, real_data_dir, tmp_path / "results", f"dataset={dataset}")
    assert record["metrics"]["test"]["ndcg@10"] >= bar


def test_random_is_at_chance_level(real_data_dir, tmp_path):
    record = train("random", real_data_dir, tmp_path / "results")
    assert record["metrics"]["test"]["ndcg@10"] < 0.03  # [0.0057]


@pytest.mark.xfail(
    strict=True,
    reason="under ratio-811-full (split seed 2020) EASE with l2 chosen on validation gives 0.3202; "
    "RecBole's 0.3295 comes from its own split. Even the best l2 on test (500) gives 0.3214.",
)
def test_ease_reaches_recboles_figure(real_data_dir, tmp_path):
    record = train("ease", real_data_dir, tmp_path / "results")
    assert record["metrics"]["test"]["ndcg@10"] >= RECBOLE_EASE_ML_100K
