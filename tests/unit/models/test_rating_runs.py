"""Rating runs end to end on generated MovieLens files: records, global aggregates, folds, determinism, refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_module

from recbench.config import register_schemas
from recbench.errors import RecbenchError
from recbench.plugins import get_registry
from recbench.testing._synthetic import planted_interactions, write_ml_100k_extras, write_movielens
from recbench.training import run


@pytest.fixture(scope="module", autouse=True)
def hydra_nodes():
    register_schemas()
    get_registry().register_with_hydra()


@pytest.fixture(scope="module")
def folds_dir(tmp_path_factory) -> Path:
    """Generated ML-100K files with the official layout, folds u1..u5 included."""
    folder = write_movielens(tmp_path_factory.mktemp("folds"))
    write_ml_100k_extras(folder, planted_interactions())
    return folder


@pytest.fixture
def data_env(folds_dir, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("RECBENCH_DATA_DIR", str(folds_dir))
    monkeypatch.setenv("RECBENCH_CACHE_DIR", str(tmp_path / "cache"))
    return folds_dir


def config(*overrides: str):
    with initialize_config_module(config_module="recbench.conf", version_base="1.3"):
        return compose(config_name="train", overrides=list(overrides))


def test_record_holds_rmse_over_all_ratings_and_per_user_values_beside_it(data_env, tmp_path):
    cfg = config("protocol=ratio-91-rating", "model=biasedmf", "trainer.max_epochs=3", f"results_dir={tmp_path}")
    record = run(cfg, "recbench train", tmp_path).record
    assert set(record["metrics"]["test"]) == {"rmse", "mae"} and set(record["metrics"]["valid"]) == {"rmse", "mae"}
    assert "rating prediction" in record["protocol"]["description"]
    per_user = pd.read_parquet(next((tmp_path / "runs").glob("*.users.parquet")))
    assert {"user", "user_id", "n_ratings", "rmse", "mae"} <= set(per_user.columns)
    n = per_user["n_ratings"].to_numpy()
    global_rmse = float(np.sqrt((per_user["rmse"] ** 2 * n).sum() / n.sum()))
    assert record["metrics"]["test"]["rmse"] == pytest.approx(global_rmse, abs=1e-9)
    assert record["metrics"]["test"]["mae"] == pytest.approx(float((per_user["mae"] * n).sum() / n.sum()), abs=1e-9)
    assert record["metrics"]["test"]["rmse"] != pytest.approx(float(per_user["rmse"].mean()), abs=1e-6)
    assert record["training"]["best_valid"] == pytest.approx(record["metrics"]["valid"]["rmse"], abs=1e-6)


def test_same_config_and_seed_give_identical_metrics(data_env, tmp_path):
    metrics = []
    for attempt in range(2):
        folder = tmp_path / str(attempt)
        cfg = config("protocol=ratio-91-rating", "model=svdpp", "trainer.max_epochs=2", f"results_dir={folder}")
        metrics.append(run(cfg, "recbench train", folder).record["metrics"])
    assert metrics[0] == metrics[1]


def test_each_fold_is_its_own_split_and_is_recorded(data_env, tmp_path):
    records = []
    for fold in ("u1", "u2"):
        cfg = config("protocol=ml100k-5fold-rating", f"protocol.split.name={fold}", "model=bias", f"results_dir={tmp_path}")
        records.append(run(cfg, "recbench train", tmp_path / fold).record)
    assert [r["protocol"]["config"]["split"]["name"] for r in records] == ["u1", "u2"]
    assert records[0]["protocol"]["split_fingerprint"] != records[1]["protocol"]["split_fingerprint"]
    assert all(r["protocol"]["id"] == "ml100k-5fold-rating" for r in records)


def test_rating_protocol_refuses_a_ranking_model_before_reading_data(tmp_path):
    cfg = config("protocol=ratio-91-rating", "model=bpr", f"results_dir={tmp_path}", "data_dir=/nonexistent", "download=false")
    with pytest.raises(RecbenchError, match=r"model 'bpr' is a ranking model, and protocol 'ratio-91-rating' scores predicted ratings.*biasedmf"):
        run(cfg, "recbench train", tmp_path)


def test_ranking_protocol_refuses_a_rating_model_before_reading_data(tmp_path):
    cfg = config("protocol=ratio-811-full", "model=biasedmf", f"results_dir={tmp_path}", "data_dir=/nonexistent", "download=false")
    with pytest.raises(RecbenchError, match=r"model 'biasedmf' is a rating model, and protocol 'ratio-811-full' scores rankings.*protocol=ratio-91-rating"):
        run(cfg, "recbench train", tmp_path)


def test_rating_protocol_with_a_cutoff_metric_name_is_refused(tmp_path):
    cfg = config("protocol=ratio-91-rating", "model=bias", "protocol.valid_metric=rmse@10", f"results_dir={tmp_path}")
    with pytest.raises(RecbenchError, match="rating metrics have no @k cutoff"):
        run(cfg, "recbench train", tmp_path)


def test_protocol_mixing_rating_and_ranking_metrics_is_refused(tmp_path):
    cfg = config("protocol=ratio-91-rating", "model=bias", "protocol.metrics=[rmse,ndcg]", f"results_dir={tmp_path}")
    with pytest.raises(RecbenchError, match="mixes rating metrics"):
        run(cfg, "recbench train", tmp_path)


def test_five_fold_sweep_from_the_command_line(folds_dir, tmp_path):
    env = dict(os.environ, RECBENCH_DATA_DIR=str(folds_dir), RECBENCH_CACHE_DIR=str(tmp_path / "cache"))
    command = [
        sys.executable, "-m", "recbench.cli", "train", "-m", "protocol=ml100k-5fold-rating", "model=bias",
        "protocol.split.name=u1,u2,u3,u4,u5", f"results_dir={tmp_path / 'r'}",
    ]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    records = [json.loads(p.read_text()) for p in (tmp_path / "r" / "runs").glob("*.json")]
    assert sorted(r["protocol"]["config"]["split"]["name"] for r in records) == ["u1", "u2", "u3", "u4", "u5"]
    assert all("protocol.split.name=" in r["command"] for r in records)


def test_rating_runs_make_a_leaderboard_ranked_by_lowest_rmse(data_env, tmp_path):
    from recbench.leaderboard import build_leaderboards

    results = tmp_path / "results"
    for model, epochs in (("bias", 3), ("biasedmf", 3)):
        run(config("protocol=ratio-91-rating", f"model={model}", f"trainer.max_epochs={epochs}", f"results_dir={results}"), "recbench train", tmp_path)
    built = build_leaderboards([results], tmp_path / "boards", strict=True)
    assert built.rejected == []
    table = json.loads(next((tmp_path / "boards").glob("ratio-91-rating/ml-100k/v1/table.json")).read_text())
    means = [row["metrics"]["rmse"]["mean"] for row in table["rows"]]
    assert table["statistics"]["primary_metric"] == "rmse" and len(means) == 2 and means == sorted(means)
    assert table["rows"][1]["verdict"] in ("worse", "tied") and table["rows"][1]["p_value"] is not None
    markdown = next((tmp_path / "boards").glob("ratio-91-rating/ml-100k/v1/table.md")).read_text()
    assert "ranked by the test rmse (lower is better)" in markdown and "not a mean over users" in markdown
