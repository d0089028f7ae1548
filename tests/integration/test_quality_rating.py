"""Slow tier: rating models reach their bars on the real MovieLens files.

Defaults were chosen on validation RMSE only; the bars are on the test part. Measured
figures (docs/rating.md) are in brackets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import missing

pytestmark = pytest.mark.slow

FOLDS = ("u1", "u2", "u3", "u4", "u5")


def sweep(real_data_dir: Path, results: Path, *overrides: str, threads: int = 1) -> list[dict]:
    """``recbench train -m`` with ``overrides``; one thread suits small models on a shared CPU."""
    env = dict(os.environ, RECBENCH_DATA_DIR=str(real_data_dir))
    command = [sys.executable, "-m", "recbench.cli", "train", "-m", f"results_dir={results}", f"trainer.num_threads={threads}", *overrides]
    done = subprocess.run(command, env=env, cwd=results.parent, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(path.read_text()) for path in sorted((results / "runs").glob("*.json"))]


def test_ml_100k_five_folds_bias_and_biased_mf(real_data_dir, tmp_path):
    if not all((real_data_dir / "ml-100k" / f"{fold}.base").is_file() for fold in FOLDS):
        missing(f"ML-100K's folds u1..u5 are not in {real_data_dir / 'ml-100k'}")
    records = sweep(
        real_data_dir, tmp_path / "r", "protocol=ml100k-5fold-rating", "model=bias,biasedmf", f"protocol.split.name={','.join(FOLDS)}"
    )
    folds = pd.DataFrame(
        {"model": r["model"]["name"], "fold": r["protocol"]["config"]["split"]["name"], "rmse": r["metrics"]["test"]["rmse"]}
        for r in records
    )
    assert sorted(folds["fold"]) == sorted(FOLDS * 2)
    mean = folds.groupby("model")["rmse"].mean()
    assert mean["biasedmf"] <= 0.93, f"biased MF mean RMSE over u1..u5 {mean['biasedmf']:.4f} > 0.93 (Surprise SVD: 0.934)"  # [0.9164]
    assert mean["bias"] <= 0.95, f"bias baseline mean RMSE {mean['bias']:.4f} > 0.95 (Surprise BaselineOnly: 0.944)"  # [0.9459]
    assert mean["biasedmf"] < mean["bias"]


def test_i_autorec_on_ml_1m_ninety_ten(real_data_dir, tmp_path):
    if not (real_data_dir / "ml-1m" / "ratings.dat").is_file():
        missing(f"ML-1M's ratings.dat is not in {real_data_dir / 'ml-1m'}")
    # 16 epochs of 10 full-batch L-BFGS steps: the validation RMSE has flattened by then
    # (measured: -0.0004 from step 160 to 400), and it keeps this test at a few minutes.
    [record] = sweep(
        real_data_dir, tmp_path / "r", "dataset=ml-1m", "protocol=ratio-91-rating", "model=iautorec", "trainer.max_epochs=16", threads=2
    )
    rmse = record["metrics"]["test"]["rmse"]
    assert rmse <= 0.84, f"I-AutoRec test RMSE {rmse:.4f} on ML-1M 90/10 > 0.84 (paper: 0.831)"  # [0.8375]
