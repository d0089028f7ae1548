"""Click-through runs end to end on generated MovieLens files: records, fingerprints, determinism, refusals."""

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
from recbench.config._schema import CTRConfig
from recbench.errors import RecbenchError
from recbench.plugins import get_registry
from recbench.testing._synthetic import planted_interactions, write_ml_100k_extras, write_movielens
from recbench.training import run


@pytest.fixture(scope="module", autouse=True)
def hydra_nodes():
    register_schemas()
    get_registry().register_with_hydra()


@pytest.fixture(scope="module")
def side_dir(tmp_path_factory) -> Path:
    """Generated ML-100K files with u.user and u.item (ml-1m/ holds ratings only: no side features)."""
    folder = write_movielens(tmp_path_factory.mktemp("ctr"))
    write_ml_100k_extras(folder, planted_interactions())
    return folder


@pytest.fixture
def data_env(side_dir, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("RECBENCH_DATA_DIR", str(side_dir))
    monkeypatch.setenv("RECBENCH_CACHE_DIR", str(tmp_path / "cache"))
    return side_dir


def config(*overrides: str):
    with initialize_config_module(config_module="recbench.conf", version_base="1.3"):
        return compose(config_name="train", overrides=list(overrides))


def test_recbench_train_deepfm_writes_auc_gauc_and_logloss(side_dir, tmp_path):
    env = dict(os.environ, RECBENCH_DATA_DIR=str(side_dir), RECBENCH_CACHE_DIR=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "recbench.cli", "train", "model=deepfm", "protocol=ctr-811", "trainer.max_epochs=3"]
    done = subprocess.run([*command, f"results_dir={tmp_path}", "trainer.num_threads=1"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    [path] = (tmp_path / "runs").glob("*.json")
    record = json.loads(path.read_text())
    test = record["metrics"]["test"]
    assert set(test) == {"auc", "gauc", "logloss"} and 0 <= test["auc"] <= 1 and 0 <= test["gauc"] <= 1 and test["logloss"] > 0
    assert record["protocol"]["id"] == "ctr-811" and record["protocol"]["valid_metric"] == "auc"
    assert record["protocol"]["config"]["ctr"] == {"rating_3": "drop"} and "click-through" in record["protocol"]["description"]
    assert record["training"]["best_valid"] == pytest.approx(record["metrics"]["valid"]["auc"], abs=1e-6)
    per_user = pd.read_parquet(path.with_name(path.name.replace(".json", ".users.parquet")))
    assert {"user", "user_id", "n_impressions", "n_clicks", "auc", "gauc", "logloss"} <= set(per_user.columns)
    n = per_user["n_impressions"].to_numpy()
    assert test["logloss"] == pytest.approx(float((per_user["logloss"] * n).sum() / n.sum()), abs=1e-9)
    defined = per_user["gauc"].notna().to_numpy()
    assert test["gauc"] == pytest.approx(float((per_user["gauc"][defined] * n[defined]).sum() / n[defined].sum()), abs=1e-9)
    assert np.isnan(per_user.loc[(per_user["n_clicks"] == 0) | (per_user["n_clicks"] == per_user["n_impressions"]), "auc"]).all()


def test_rating_3_policy_changes_the_fingerprints_and_same_seed_gives_same_metrics(data_env, tmp_path):
    records = []
    for attempt, policy in enumerate(["drop", "negative", "negative"]):
        cfg = config("protocol=ctr-811", "model=lr", f"protocol.ctr.rating_3={policy}", "trainer.max_epochs=2", f"results_dir={tmp_path / str(attempt)}")
        records.append(run(cfg, "recbench train", tmp_path / str(attempt)).record)
    dropped, negative, again = records
    assert dropped["protocol"]["fingerprint"] != negative["protocol"]["fingerprint"]
    assert dropped["protocol"]["split_fingerprint"] != negative["protocol"]["split_fingerprint"]
    assert "rating_3" in dropped["protocol"]["dropped"] and "rating_3" not in negative["protocol"]["dropped"]
    assert negative["metrics"] == again["metrics"]


def test_protocols_without_a_ctr_section_keep_it_out_of_their_record(data_env, tmp_path):
    record = run(config("model=pop", f"results_dir={tmp_path}"), "recbench train", tmp_path).record
    assert "ctr" not in record["protocol"]["config"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["model=deepfm"], r"model 'deepfm' is a ctr model, and protocol 'ratio-811-full' scores rankings.*protocol=ctr-811"),
        (["model=bpr", "protocol=ctr-811"], r"model 'bpr' is a ranking model, and protocol 'ctr-811' scores click probabilities.*deepfm"),
        (["model=fm", "protocol=ctr-811", "protocol.ctr.rating_3=maybe"], "rating_3='maybe' is not a policy; use drop or negative"),
        (["model=fm", "protocol=ctr-811", "protocol.valid_metric=auc@10"], "click-through metrics have no @k cutoff"),
    ],
)
def test_mismatches_are_refused_before_reading_data(overrides, message, tmp_path):
    cfg = config(*overrides, f"results_dir={tmp_path}", "data_dir=/nonexistent", "download=false")
    with pytest.raises(RecbenchError, match=message):
        run(cfg, "recbench train", tmp_path)


def test_a_ctr_section_on_a_ranking_protocol_is_refused(tmp_path):
    cfg = config("model=pop", f"results_dir={tmp_path}", "data_dir=/nonexistent", "download=false")
    cfg.protocol.ctr = CTRConfig(rating_3="drop")  # as a protocol YAML file with a ctr section gives it
    with pytest.raises(RecbenchError, match="has a ctr section, which only click-through protocols"):
        run(cfg, "recbench train", tmp_path)


def test_a_dataset_without_side_features_is_one_clear_error(data_env, tmp_path):
    cfg = config("model=fm", "protocol=ctr-811", "dataset=ml-1m", f"results_dir={tmp_path}")
    with pytest.raises(RecbenchError, match=r"dataset 'ml-1m' has no user or item side features.*users.dat and movies.dat"):
        run(cfg, "recbench train", tmp_path)


def test_ctr_runs_make_a_leaderboard_whose_paired_test_skips_users_without_an_auc(data_env, tmp_path):
    from recbench.leaderboard import build_leaderboards

    results = tmp_path / "results"
    for model in ("lr", "fm"):
        run(config("protocol=ctr-811", f"model={model}", "trainer.max_epochs=2", f"results_dir={results}"), "recbench train", tmp_path)
    per_user = pd.read_parquet(next((results / "runs").glob("*.users.parquet")))
    assert per_user["auc"].isna().any()  # users who only clicked, or never did, have no AUC
    built = build_leaderboards([results], tmp_path / "boards", strict=True)
    assert built.rejected == []
    table = json.loads(next((tmp_path / "boards").glob("ctr-811/ml-100k/v1/table.json")).read_text())
    means = [row["metrics"]["auc"]["mean"] for row in table["rows"]]
    assert table["statistics"]["primary_metric"] == "auc" and means == sorted(means, reverse=True)
    assert 0 < table["rows"][1]["users_compared"] < per_user["auc"].size


@pytest.mark.parametrize("override", ["protocol.ctr.rating_3=negative", "+protocol.ctr={rating_3: negative}"])
def test_a_ctr_override_on_a_ranking_protocol_is_one_clear_error(override, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "recbench.cli", "train", override, "data_dir=/nonexistent", "download=false"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "protocol 'ratio-811-full' has no ctr section" in done.stderr and "protocol=ctr-811" in done.stderr
