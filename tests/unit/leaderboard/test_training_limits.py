"""One table row is one configuration trained one way: runs with other training limits are not averaged into it."""

from __future__ import annotations

import json

import pytest
from leaderboard_fixtures import values, write_run

from recbench.errors import RecbenchError
from recbench.leaderboard import build_leaderboards


def _rows(out) -> list[dict]:
    return json.loads((out / "ratio-811-full" / "ml-100k" / "v1" / "table.json").read_text())["rows"]


def test_a_trained_configuration_capped_at_other_epochs_is_refused_naming_both_files(tmp_path):
    folder = tmp_path / "results"
    capped = write_run(folder, "bpr", 0, values([0.3, 0.2]), training={"epochs": 10, "max_epochs": 10})
    full = write_run(folder, "bpr", 1, values([0.4, 0.3]), training={"epochs": 40, "max_epochs": 100})
    with pytest.raises(RecbenchError) as error:
        build_leaderboards([folder], tmp_path / "out")
    message = str(error.value)
    assert capped.name in message and full.name in message
    assert "max_epochs 10 and 100" in message or "max_epochs 100 and 10" in message
    assert "separate results folders" in message
    assert not (tmp_path / "out").exists()


def test_patience_is_compared_too(tmp_path):
    folder = tmp_path / "results"
    write_run(folder, "bpr", 0, values([0.3, 0.2]), training={"epochs": 12, "max_epochs": 100, "patience": 3})
    write_run(folder, "bpr", 1, values([0.4, 0.3]), training={"epochs": 40, "max_epochs": 100, "patience": 10})
    with pytest.raises(RecbenchError, match="patience"):
        build_leaderboards([folder], tmp_path / "out")


def test_same_limits_and_models_that_do_not_train_share_a_row(tmp_path):
    folder = tmp_path / "results"
    # Older records carry max_epochs only; a limit one record lacks is not compared.
    write_run(folder, "bpr", 0, values([0.3, 0.2]), training={"epochs": 30, "max_epochs": 100})
    write_run(folder, "bpr", 1, values([0.4, 0.3]), training={"epochs": 40, "max_epochs": 100, "patience": 10})
    # A closed-form model never uses its limits.
    write_run(folder, "ease", 0, values([0.5, 0.4]), training={"epochs": 0, "max_epochs": 30})
    write_run(folder, "ease", 1, values([0.5, 0.4]), training={"epochs": 0, "max_epochs": 100})
    build_leaderboards([folder], tmp_path / "out")
    assert sorted((row["model"], row["seeds"]) for row in _rows(tmp_path / "out")) == [("bpr", [0, 1]), ("ease", [0, 1])]


def test_a_limit_that_is_not_a_count_rejects_the_record(tmp_path):
    folder = tmp_path / "results"
    write_run(folder, "bpr", 0, values([0.3, 0.2]), training={"epochs": 10, "max_epochs": "all"})
    write_run(folder, "pop", 0, values([0.1, 0.1]))
    result = build_leaderboards([folder], tmp_path / "out")
    [rejected] = result.rejected
    assert "'training.max_epochs' must be a non-negative integer, got 'all'" in rejected.reason
