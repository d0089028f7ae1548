"""Leaderboards from real `recbench train` runs on the generated data: build, re-run, render."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import missing

pytestmark = pytest.mark.slow
RECBENCH = [sys.executable, "-m", "recbench.cli"]
VERSION = Path("leaderboards/ratio-811-full/ml-100k/v1")


@pytest.fixture(scope="module")
def workspace(movielens_dir, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Two quick models, two seeds each, trained on the CPU, and their leaderboard."""
    folder = tmp_path_factory.mktemp("leaderboard")
    env = {**os.environ, "RECBENCH_DATA_DIR": str(movielens_dir), "RECBENCH_CACHE_DIR": str(folder / "cache")}
    train = [*RECBENCH, "train", "-m", "model=pop,itemknn", "seed=0,1", "trainer=cpu", "trainer.num_threads=1"]
    done = subprocess.run(train, cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    built = subprocess.run([*RECBENCH, "leaderboard", "build"], cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    return folder, env


def test_real_runs_make_one_table_with_a_row_per_model(workspace):
    folder, _ = workspace
    table = json.loads((folder / VERSION / "table.json").read_text())
    assert sorted(row["model"] for row in table["rows"]) == ["itemknn", "pop"]
    for row in table["rows"]:
        assert row["seeds"] == [0, 1]
        assert row["metrics"]["ndcg@10"]["std"] == 0.0  # closed-form models ignore the seed
    manifest = json.loads((folder / VERSION / "manifest.json").read_text())
    assert len(manifest["runs"]) == 4
    assert all(entry["command"].startswith("recbench train dataset=ml-100k protocol=ratio-811-full model=") for entry in manifest["runs"])


def test_re_running_a_recorded_command_gives_the_same_metric(workspace):
    folder, env = workspace
    done = subprocess.run(
        [*RECBENCH, "leaderboard", "verify", str(VERSION), "--rows", "1"], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "identical" in done.stdout and "1 of 1 re-run(s) inside their interval" in done.stdout


def test_reproduce_finds_a_run_in_the_manifests(workspace):
    folder, env = workspace
    run_id = json.loads((folder / VERSION / "manifest.json").read_text())["runs"][0]["run_id"]
    done = subprocess.run(
        [*RECBENCH, "leaderboard", "reproduce", run_id, "--from", "leaderboards", "--results-dir", "again"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(list((folder / "again" / "runs").glob("*.json"))) == 1


def test_the_page_renders_in_a_headless_browser(workspace):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        missing("chromium is not installed (apt-get install chromium)")
    folder, _ = workspace
    page = (folder / VERSION / "index.html").resolve()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<table id="leaderboard">' in dom.stdout and dom.stdout.count("<tr class=") == 2
    assert dom.stdout.count("<svg ") == 2 and "Pareto front" in dom.stdout
    shot = folder / "page.png"
    subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1200,1400", page.as_uri()], capture_output=True, timeout=120)
    assert shot.is_file() and shot.stat().st_size > 10_000
