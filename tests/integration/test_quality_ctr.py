"""Slow tier: click-through models on the real ML-1M files, in the order their papers report.

Default hyperparameters; figures measured with the same command are in docs/ctr.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import missing

pytestmark = pytest.mark.slow


def test_deepfm_beats_fm_and_logistic_regression_on_ml_1m(real_data_dir: Path, tmp_path):
    folder = real_data_dir / "ml-1m"
    if not all((folder / name).is_file() for name in ("ratings.dat", "users.dat", "movies.dat")):
        missing(f"ML-1M's ratings.dat, users.dat and movies.dat are not all in {folder}")
    env = dict(os.environ, RECBENCH_DATA_DIR=str(real_data_dir))
    command = [sys.executable, "-m", "recbench.cli", "train", "-m", "model=lr,fm,deepfm", "protocol=ctr-811", "dataset=ml-1m"]
    command += [f"results_dir={tmp_path / 'r'}", "trainer.num_threads=1", "trainer.max_epochs=30", "trainer.patience=3"]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]
    auc = {}
    for path in (tmp_path / "r" / "runs").glob("*.json"):
        record = json.loads(path.read_text())
        auc[record["model"]["name"]] = record["metrics"]["test"]["auc"]
    assert set(auc) == {"lr", "fm", "deepfm"}
    assert auc["lr"] >= 0.86, auc  # [0.8715]
    # measured with these settings, seed 0: deepfm 0.8973, fm 0.8945, lr 0.8715 (docs/ctr.md)
    assert auc["deepfm"] > auc["fm"] > auc["lr"], auc
