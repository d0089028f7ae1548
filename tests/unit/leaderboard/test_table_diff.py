"""`leaderboard diff`: rows added, removed and changed between two table versions."""

from __future__ import annotations

import pytest
from leaderboard_fixtures import values, write_run

from recbench.errors import RecbenchError
from recbench.leaderboard import build_leaderboards, diff_tables, format_diff, read_table

LATER = "2024-06-01T00:00:00+00:00"


@pytest.fixture
def versions(tmp_path):
    results = tmp_path / "results"
    write_run(results, "kept", 0, values([0.5, 0.4]))
    write_run(results, "gone", 0, values([0.2, 0.1]))
    write_run(results, "kept", 0, values([0.6, 0.4]), metrics_version=2, created=LATER)
    write_run(results, "new", 0, values([0.1, 0.1]), metrics_version=2, created=LATER)
    build_leaderboards([results], tmp_path / "out")
    folder = tmp_path / "out" / "ratio-811-full" / "ml-100k"
    return folder / "v1", folder / "v2"


def test_diff_lists_added_removed_and_changed_rows(versions):
    diff = diff_tables(read_table(versions[0]), read_table(versions[1]))
    assert diff.key_changes == ["metrics_version 1 -> 2"]
    assert diff.added == ["new: ndcg@10 0.1000"]
    assert diff.removed == ["gone"]
    [change] = diff.changed
    assert change.label == "kept" and change.changes == ["ndcg@10 0.4500 -> 0.5000 (+0.0500)"]
    text = format_diff(diff)
    assert "rows added (only in B):\n  + new" in text and "  - gone" in text and "~ kept: ndcg@10 0.4500 -> 0.5000" in text


def test_a_version_against_itself_has_no_changes(versions):
    diff = diff_tables(read_table(versions[0]), read_table(versions[0] / "table.json"))
    assert (diff.key_changes, diff.added, diff.removed, diff.changed, diff.unchanged) == ([], [], [], [], 2)


def test_diff_of_something_that_is_no_table_is_an_error(tmp_path):
    (tmp_path / "table.json").write_text('{"rows": []}')
    with pytest.raises(RecbenchError, match="not a leaderboard table.json"):
        read_table(tmp_path)
    with pytest.raises(RecbenchError, match="not a leaderboard table.json"):
        read_table(tmp_path / "missing")
