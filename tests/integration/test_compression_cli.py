"""`recbench train ... compress=<method>`: the float model and its compressed variant, each its own record."""

from __future__ import annotations

import pandas as pd

from tests.integration.cli import recbench, records


def test_int8_run_writes_the_float_and_the_compressed_record(cli_env, tmp_path):
    done = recbench(
        "train", "model=bpr", "compress=int8", "trainer.max_epochs=2", "trainer.num_threads=1", f"results_dir={tmp_path / 'r'}",
        env=cli_env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    by_method = {record["compression"]["method"]: record for record in records(tmp_path / "r")}
    assert set(by_method) == {"none", "int8"}
    plain, int8 = by_method["none"], by_method["int8"]
    for record in (plain, int8):
        assert record["costs"]["model_size_bytes"] > 0 and record["costs"]["scoring_ms_per_1000_users"] > 0
        assert "compress=int8" in record["command"].split()
        users = pd.read_parquet(tmp_path / "r" / "runs" / f"{record['run_id']}.users.parquet")
        assert abs(users["ndcg@10"].mean() - record["metrics"]["test"]["ndcg@10"]) < 1e-9
    assert plain["compression"] == {"method": "none", "size_bytes_before": plain["costs"]["model_size_bytes"], "size_bytes_after": plain["costs"]["model_size_bytes"]}
    assert int8["compression"]["size_bytes_before"] == plain["costs"]["model_size_bytes"]
    assert int8["compression"]["size_bytes_after"] == int8["costs"]["model_size_bytes"]
    assert plain["costs"]["model_size_bytes"] >= 3.5 * int8["costs"]["model_size_bytes"]
    # the same trained weights: same hyperparameters, training, seed; metrics of the same test users
    for part in ("hyperparameters", "training", "seed", "dataset", "protocol"):
        assert plain[part] == int8[part]
    assert abs(plain["metrics"]["test"]["ndcg@10"] - int8["metrics"]["test"]["ndcg@10"]) < 0.05
    assert "bpr [int8]" in done.stdout


def test_compress_defaults_to_none_and_records_sizes(cli_env, tmp_path):
    done = recbench("train", "model=bpr", "trainer.max_epochs=1", "trainer.num_threads=1", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [record] = records(tmp_path / "r")
    assert record["compression"]["method"] == "none"
    assert record["costs"]["model_size_bytes"] == record["costs"]["parameters"] * 4


def test_compressing_a_model_without_layers_fails_before_training(cli_env, tmp_path):
    done = recbench("train", "model=pop", "compress=int8", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("recbench: error:")]
    assert len(errors) == 1
    assert "model 'pop'" in errors[0] and "nn.Embedding or nn.Linear" in errors[0]
    assert "Traceback" not in done.stderr
    assert not list((tmp_path / "r").glob("runs/*"))
    assert not list((tmp_path / "r").glob("outputs/*/*/checkpoints"))


def test_mistyped_compress_key_is_named(cli_env, tmp_path):
    done = recbench("train", "model=bpr", "compress=prune", "compress.sparsty=0.2", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode != 0
    assert "Key 'sparsty' not in 'CompressConfig'" in done.stderr + done.stdout


def test_same_config_and_seed_give_identical_compressed_metrics(cli_env, tmp_path):
    for folder in ("a", "b"):
        done = recbench(
            "train", "model=bpr", "compress=lowrank", "compress.rank=4", "trainer.max_epochs=1", "trainer.num_threads=1",
            f"results_dir={tmp_path / folder}", env=cli_env, cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
    first = {r["compression"]["method"]: r for r in records(tmp_path / "a")}
    second = {r["compression"]["method"]: r for r in records(tmp_path / "b")}
    assert first["lowrank"]["compression"]["rank"] == 4
    for method in ("none", "lowrank"):
        assert first[method]["metrics"] == second[method]["metrics"]
        assert first[method]["costs"]["model_size_bytes"] == second[method]["costs"]["model_size_bytes"]
