"""The `recbench` command end to end, as a user runs it, on generated MovieLens-format files."""

from __future__ import annotations

import json

import pytest

from tests.integration.cli import recbench, records


def test_train_writes_a_complete_record(cli_env, tmp_path):
    done = recbench("train", "model=itemknn", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [record] = records(tmp_path / "r")
    assert record["model"]["name"] == "itemknn" and record["model"]["distribution"] == "recbench"
    assert record["dataset"]["name"] == "ml-100k" and len(record["dataset"]["fingerprint"]) == 64
    assert record["protocol"]["id"] == "ratio-811-full" and len(record["protocol"]["split_fingerprint"]) == 64
    assert set(record["metrics"]["test"]) == {f"{m}@{k}" for m in ("hr", "precision", "recall", "ndcg", "mrr", "map") for k in (5, 10, 20)}
    assert record["costs"]["parameters"] > 0 and record["costs"]["peak_memory_mb"] > 0 and record["costs"]["peak_memory_scope"] == "run"
    assert record["command"].startswith("recbench train ")
    for part in ("dataset=ml-100k", "protocol=ratio-811-full", "model=itemknn", "seed=0"):
        assert part in record["command"].split()
    assert (tmp_path / "r" / "runs" / f"{record['run_id']}.users.parquet").is_file()
    assert "ndcg@10" in done.stdout  # the results table


def test_num_threads_setting_reaches_torch(cli_env, tmp_path):
    done = recbench("train", "model=pop", "trainer.num_threads=1", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [record] = records(tmp_path / "r")
    assert record["environment"]["torch_threads"] == "1"


def test_sweep_with_hydra_basic_sweeper(cli_env, tmp_path):
    done = recbench(
        "train", "-m", "model=pop,bpr", "seed=0,1", "trainer.max_epochs=2", f"results_dir={tmp_path / 'r'}",
        env=cli_env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    runs = {(r["model"]["name"], r["seed"]) for r in records(tmp_path / "r")}
    assert runs == {("pop", 0), ("pop", 1), ("bpr", 0), ("bpr", 1)}


def test_same_config_and_seed_give_identical_metrics(cli_env, tmp_path):
    for _ in range(2):
        done = recbench("train", "model=bpr", "trainer.max_epochs=3", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    first, second = records(tmp_path / "r")
    assert first["metrics"] == second["metrics"]
    assert first["run_id"] != second["run_id"]


def test_recorded_command_reproduces_the_run(cli_env, tmp_path):
    done = recbench("train", "model=bpr", "trainer.max_epochs=2", "seed=3", f"results_dir={tmp_path / 'a'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [original] = records(tmp_path / "a")
    arguments = original["command"].split()[1:]  # drop "recbench"
    arguments = [a for a in arguments if not a.startswith("results_dir=")] + [f"results_dir={tmp_path / 'b'}"]
    again = recbench(*arguments, env=cli_env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    [rerun] = records(tmp_path / "b")
    assert rerun["metrics"] == original["metrics"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["model=nosuchmodel"], "Available options in 'model'"),
        (["dataset=nosuchdata"], "Available options in 'dataset'"),
        (["model.embeding_dim=3"], "Key 'embeding_dim' not in 'BPRConfig'"),
        (["trainer.max_epoch=3"], "Key 'max_epoch' not in 'TrainerConfig'"),
        (["protocol.valid_metric=ndcg@7"], "protocol.valid_metric='ndcg@7' is not computed"),
        (["protocol.cutoffs=[0,10]"], "protocol.cutoffs=[0, 10]: the cutoffs k of metric@k must be one or more whole numbers, each at least 1"),
        (["model.embedding_dim=0"], "model.embedding_dim=0 is out of range for bpr: use a value in [1, inf) (default 64)"),
        (["model=ease", "model.l2=-5"], "model.l2=-5.0 is out of range for ease: use a value in (0, inf)"),
        (["seed=-3"], "seed=-3 is out of range"),
        (["trainer.num_threads=0"], "trainer.num_threads=0 must be at least 1, or null"),
        (["trainer.precision=17"], "Lightning refused the trainer settings"),
    ],
)
def test_bad_input_is_one_clear_message(cli_env, tmp_path, args, expected):
    done = recbench("train", *args, f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode != 0
    assert expected in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    assert not list((tmp_path / "r").glob("runs/*.json"))


@pytest.mark.parametrize("args", [["train"], ["train", "-m", "seed=0,1"], ["tune"], ["benchmark", "models=[pop]"]])
def test_results_dir_that_is_a_file_is_refused_before_anything_is_written(cli_env, tmp_path, args):
    in_the_way = tmp_path / "results"
    in_the_way.write_text("not a folder")
    done = recbench(*args, f"results_dir={in_the_way / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 2
    assert f"results_dir={in_the_way / 'r'}: {in_the_way} is a file, not a folder" in done.stderr
    assert "Traceback" not in done.stderr
    assert in_the_way.read_text() == "not a folder"


def test_reproduce_reruns_a_record_and_compares_its_metrics(cli_env, tmp_path):
    done = recbench("train", "model=bpr", "trainer.max_epochs=1", "seed=2", f"results_dir={tmp_path / 'a'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [original] = records(tmp_path / "a")

    def reproduce():
        return recbench("reproduce", original["run_id"], "--from", str(tmp_path / "a"), "--results-dir", str(tmp_path / "b"), env=cli_env, cwd=tmp_path)

    again = reproduce()
    assert again.returncode == 0, again.stderr
    assert "ndcg@10: " in again.stdout and "(identical)" in again.stdout
    assert "reproduced: every test metric within 1e-06 of the recorded one" in again.stdout
    # a record whose command no longer says what made its numbers is not reproduced
    path = next((tmp_path / "a" / "runs").glob("*.json"))
    path.write_text(path.read_text().replace(" seed=2", " seed=3"))
    again = reproduce()
    assert again.returncode == 1
    assert "NOT reproduced" in again.stdout and "ndcg@10: " in again.stdout
    assert f"recorded on {original['environment']['device']}, re-run on" in again.stdout
    assert "another device" not in again.stdout  # same machine: the command is what changed
    assert len(records(tmp_path / "b")) == 2
    # made on another kind of CPU: the message says why numbers may differ and what to do
    path.write_text(path.read_text().replace(original["environment"]["device"], "cpu (another machine)"))
    again = reproduce()
    assert again.returncode == 1
    assert "recorded on cpu (another machine), re-run on " in again.stdout
    assert "CPU kernels with other vector instructions" in again.stdout and "leaderboard verify" in again.stdout


def test_missing_data_says_where_to_put_the_files(cli_env, tmp_path):
    cli_env["RECBENCH_DATA_DIR"] = str(tmp_path / "empty")
    done = recbench("train", "model=pop", "download=false", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 2
    assert "ml-100k/u.data" in done.stderr and "RECBENCH_DATA_DIR" in done.stderr
    assert "Traceback" not in done.stderr


def test_malformed_ratings_line_names_file_and_line(cli_env, tmp_path):
    folder = tmp_path / "bad" / "ml-100k"
    folder.mkdir(parents=True)
    (folder / "u.data").write_text("1\t2\t5\t881250949\n1\t3\t4\n")
    cli_env["RECBENCH_DATA_DIR"] = str(tmp_path / "bad")
    done = recbench("train", "model=pop", "download=false", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 2
    assert "u.data, line 2" in done.stderr and "Traceback" not in done.stderr
    # the changed file's checksum is a one-line warning, not Python's file:line report
    assert "recbench: warning: " in done.stderr and "differs from the official release" in done.stderr
    assert "UserWarning" not in done.stderr


def test_benchmark_runs_every_ranking_model(cli_env, tmp_path):
    done = recbench("benchmark", "trainer.max_epochs=2", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert {r["model"]["name"] for r in records(tmp_path / "r")} >= {"pop", "itemknn", "bpr"}
    for name in ("pop", "itemknn", "bpr"):
        assert f"| {name}" in done.stdout
    assert "train_s" in done.stdout and "eval_s" in done.stdout
    assert "left out on this CPU: convncf" in done.stdout and "models=[convncf]" in done.stdout
    assert "convncf" not in {r["model"]["name"] for r in records(tmp_path / "r")}


def test_plugins_list_shows_builtins(cli_env, tmp_path):
    done = recbench("plugins", "list", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("pop", "itemknn", "bpr", "ml-100k", "ml-1m"):
        assert name in done.stdout


@pytest.mark.parametrize("command", ["train", "benchmark", "tune"])
def test_help_says_what_the_command_does(cli_env, tmp_path, command):
    done = recbench(command, "--help", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"recbench {command}: ")
    assert "powered by Hydra" not in done.stdout and "== Configuration groups ==" in done.stdout
