"""`recbench leaderboard` as a user runs it, on synthetic records."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.cli import recbench
from tests.unit.leaderboard.leaderboard_fixtures import values, write_run





@pytest.fixture
def results(tmp_path) -> Path:
    folder = tmp_path / "results"
    for seed in range(2):
        write_run(folder, "a", seed, values([0.5, 0.4, 0.3, 0.2 + 0.1 * seed]))
        write_run(folder, "b", seed, values([0.1, 0.2, 0.1, 0.0]))
    write_run(folder, "a", 0, values([0.6, 0.4, 0.3, 0.2]), metrics_version=2, created="2024-06-01T00:00:00+00:00")
    return folder


def test_build_then_rebuild_then_diff(results, tmp_path):
    done = recbench("leaderboard", "build", "results", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "leaderboards/ratio-811-full/ml-100k/v1: 2 rows from 4 runs, ranked by ndcg@10" in done.stdout
    assert "leaderboards/ratio-811-full/ml-100k/v2: 1 rows from 1 runs" in done.stdout
    again = recbench("leaderboard", "build", "results", "--out", "leaderboards", cwd=tmp_path)
    assert again.returncode == 0 and "all tables already up to date" in again.stdout
    diff = recbench("leaderboard", "diff", "leaderboards/ratio-811-full/ml-100k/v1", "leaderboards/ratio-811-full/ml-100k/v2", cwd=tmp_path)
    assert diff.returncode == 0, diff.stderr
    assert "benchmark key: metrics_version 1 -> 2" in diff.stdout and "  - b" in diff.stdout and "~ a: ndcg@10" in diff.stdout


def test_a_corrupt_record_is_named_in_a_warning_and_left_out(results, tmp_path):
    (results / "runs" / "half-written.json").write_text('{"run_id": ')
    done = recbench("leaderboard", "build", "results", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "warning: results/runs/half-written.json: not valid JSON" in done.stderr and "left out" in done.stderr
    strict = recbench("leaderboard", "build", "results", "--strict", "--out", "strict", cwd=tmp_path)
    assert strict.returncode == 2 and strict.stderr.startswith("recbench: error: 1 record file(s) rejected")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["leaderboard", "build", "nowhere"], "recbench: error: results folder nowhere does not exist\n"),
        (["leaderboard", "diff", "a", "b"], "recbench: error: a: not a leaderboard table.json"),
        (["leaderboard", "verify", "nowhere"], "recbench: error: nowhere: not a leaderboard version folder"),
        (["leaderboard", "reproduce", "no-such-run", "--from", "."], "recbench: error: run no-such-run not found in ."),
    ],
)
def test_user_errors_are_one_line(tmp_path, args, message):
    done = recbench(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr


def test_help_lists_the_subcommands(tmp_path):
    done = recbench("leaderboard", "--help", cwd=tmp_path)
    assert done.returncode == 0
    for command in ("build", "diff", "verify", "reproduce"):
        assert command in done.stdout
