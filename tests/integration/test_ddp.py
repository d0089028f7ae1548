"""Multi-process training: `recbench train trainer.devices=2 trainer.strategy=ddp` on CPU (gloo)."""

from __future__ import annotations

import pytest

from tests.integration.cli import recbench, records


pytestmark = pytest.mark.slow


# gmf logs its training loss through log_epoch_mean, whose mean is gathered over the processes.
@pytest.mark.parametrize("model", ["bpr", "itemknn", "gmf"])
def test_two_processes_give_the_single_process_numbers_and_one_record(model, cli_env, tmp_path):
    common = [f"model={model}", "trainer.max_epochs=3", "trainer.accelerator=cpu"]
    one = recbench("train", *common, f"results_dir={tmp_path / 'one'}", env=cli_env, cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    two = recbench(
        "train", *common, "trainer.devices=2", "trainer.strategy=ddp", f"results_dir={tmp_path / 'two'}",
        env=cli_env, cwd=tmp_path,
    )
    assert two.returncode == 0, two.stderr
    [single], [double] = records(tmp_path / "one"), records(tmp_path / "two")  # rank 0 alone writes
    assert two.stdout.count("record: ") == 1
    # Same global batches, same averaged gradients: only the order of float sums differs.
    for name, value in single["metrics"]["test"].items():
        assert double["metrics"]["test"][name] == pytest.approx(value, abs=2e-4), name
    assert double["hyperparameters"] == single["hyperparameters"]


def test_trainer_ddp_gives_the_single_process_numbers(cli_env, tmp_path):
    common = ["model=bpr", "trainer.max_epochs=3", "trainer.num_threads=1"]
    one = recbench("train", *common, "trainer=cpu", f"results_dir={tmp_path / 'one'}", env=cli_env, cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    two = recbench("train", *common, "trainer=ddp", f"results_dir={tmp_path / 'two'}", env=cli_env, cwd=tmp_path)
    assert two.returncode == 0, two.stderr
    [single], [double] = records(tmp_path / "one"), records(tmp_path / "two")
    assert "trainer=ddp" in double["command"].split()
    for name, value in single["metrics"]["test"].items():
        assert double["metrics"]["test"][name] == pytest.approx(value, abs=2e-4), name


def test_trainer_ddp_in_a_sweep_writes_one_record_per_job(cli_env, tmp_path):
    # Each job's second process re-runs that job alone, never the whole sweep.
    done = recbench(
        "train", "-m", "model=pop,bpr", "trainer=ddp", "trainer.max_epochs=2", "trainer.num_threads=1",
        f"results_dir={tmp_path / 'r'}", env=cli_env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(r["model"]["name"] for r in records(tmp_path / "r")) == ["bpr", "pop"]
    assert done.stdout.count("record: ") == 2
