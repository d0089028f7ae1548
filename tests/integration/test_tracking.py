"""`recbench train logger=...`: the CSV log by default, TensorBoard event files, W&B offline runs."""

from __future__ import annotations

import pytest

from tests.integration.cli import recbench, records


def work_dir(results):
    [folder] = (results / "outputs").glob("*/*")
    return folder


def test_csv_is_the_default_logger_and_writes_where_it_did(cli_env, tmp_path):
    done = recbench("train", "model=pop", "trainer.num_threads=1", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [record] = records(tmp_path / "r")
    metrics = (work_dir(tmp_path / "r") / "logs" / "version_0" / "metrics.csv").read_text()
    assert "valid/ndcg@10" in metrics.splitlines()[0]
    assert not any(w in record["command"] for w in ("logger=", "wandb", "tensorboard"))


def test_tensorboard_logs_validation_test_metrics_and_config(cli_env, tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    done = recbench(
        "train", "model=bpr", "trainer.max_epochs=2", "trainer.num_threads=1", "logger=tensorboard",
        f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    [record] = records(tmp_path / "r")
    [log_dir] = (work_dir(tmp_path / "r") / "tensorboard").glob("version_*")
    assert list(log_dir.glob("events.out.tfevents.*"))
    scalars = EventAccumulator(str(log_dir)).Reload().Tags()["scalars"]
    assert "valid/ndcg@10" in scalars
    assert {f"test/{name}" for name in record["metrics"]["test"]} <= set(scalars)
    assert "max_epochs: 2" in (log_dir / "hparams.yaml").read_text()


def test_wandb_without_credentials_runs_offline_and_records(cli_env, tmp_path):
    for name in ("WANDB_API_KEY", "WANDB_MODE", "NETRC", "WANDB_BASE_URL"):
        cli_env.pop(name, None)
    cli_env["HOME"] = str(tmp_path / "home")  # no ~/.netrc, no wandb settings
    done = recbench(
        "train", "model=bpr", "trainer.max_epochs=2", "trainer.num_threads=1", "logger=wandb", "logger.tags=[ci]",
        f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "recbench: W&B runs offline (no W&B credentials" in done.stderr
    [record] = records(tmp_path / "r")
    [run_file] = (work_dir(tmp_path / "r") / "wandb").glob("offline-run-*/run-*.wandb")
    content = run_file.read_bytes()
    assert b"valid/ndcg@10" in content and b"test/recall@20" in content  # per-epoch and final metrics
    assert b"max_epochs" in content and b"ratio-811-full" in content  # the run's config
    assert record["metrics"]["test"]["ndcg@10"] > 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["logger=mlflow"], "Available options in 'logger'"),
        (["logger.name=mlflow"], "recbench: error: logger.name='mlflow' is not a logger; choose one of csv, tensorboard, wandb"),
        (["logger=tensorboard", "logger.project=x"], "Key 'project' not in 'TensorBoardLoggerConfig'"),
        (["logger=wandb", "logger.mode=sometimes"], "recbench: error: logger.mode='sometimes' is not one of online, offline, disabled"),
    ],
)
def test_bad_logger_input_is_one_clear_message(args, expected, cli_env, tmp_path):
    done = recbench("train", "model=pop", *args, f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode != 0
    assert expected in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    assert not list((tmp_path / "r").glob("runs/*.json"))


def test_wandb_that_cannot_be_imported_is_one_clear_message(cli_env, tmp_path):
    broken = tmp_path / "broken" / "wandb"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('simulated broken install')\n")
    cli_env["PYTHONPATH"] = str(broken.parent)
    done = recbench("train", "model=pop", "logger=wandb", f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path)
    assert done.returncode == 2
    assert "recbench: error: logger=wandb needs the wandb package" in done.stderr and "simulated broken install" in done.stderr
    assert "Traceback" not in done.stderr
