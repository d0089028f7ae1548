"""`recbench train -m` under Hydra's joblib (local processes) and submitit (SLURM; submitit_local here) launchers."""

from __future__ import annotations

import pytest

from tests.integration.cli import recbench, records


@pytest.mark.parametrize("launcher", [["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"], ["hydra/launcher=submitit_local"]], ids=["joblib", "submitit_local"])
def test_each_launched_job_writes_one_complete_record(launcher, cli_env, tmp_path):
    done = recbench(
        "train", "-m", "model=pop,itemknn", *launcher, "trainer.num_threads=1", f"results_dir={tmp_path / 'r'}",
        env=cli_env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = records(tmp_path / "r")
    assert sorted(r["model"]["name"] for r in found) == ["itemknn", "pop"]  # one each, no duplicates
    for record in found:
        assert record["metrics"]["test"]["ndcg@10"] > 0 and record["costs"]["parameters"] >= 0
        assert f"model={record['model']['name']}" in record["command"].split()
        assert "hydra/launcher" not in record["command"]
        assert (tmp_path / "r" / "runs" / f"{record['run_id']}.users.parquet").is_file()
