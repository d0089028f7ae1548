"""Grouping into benchmark keys, version numbers, the CHANGELOG and byte-identical rebuilds."""

from __future__ import annotations

import json

import pytest
from leaderboard_fixtures import values, write_run

from recbench.errors import RecbenchError
from recbench.leaderboard import build_leaderboards

LATER = "2024-06-01T00:00:00+00:00"


def _files(out) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _models(version_folder) -> list[str]:
    return [row["model"] for row in json.loads((version_folder / "table.json").read_text())["rows"]]


def test_two_protocol_versions_make_two_tables_never_one(tmp_path):
    results = tmp_path / "results"
    write_run(results, "a", 0, values([0.5, 0.4]))
    write_run(results, "b", 0, values([0.3, 0.4]), protocol_version=2, created=LATER)
    build_leaderboards([results], tmp_path / "out")
    folder = tmp_path / "out" / "ratio-811-full" / "ml-100k"
    assert sorted(p.name for p in folder.iterdir()) == ["CHANGELOG.md", "v1", "v2"]
    assert _models(folder / "v1") == ["a"] and _models(folder / "v2") == ["b"]
    changelog = (folder / "CHANGELOG.md").read_text()
    assert "## v2" in changelog and "Protocol version 1 -> 2." in changelog
    assert changelog.index("## v2") < changelog.index("## v1") and "First version" in changelog


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"metrics_version": 2}, "Metrics version 1 -> 2: a metric's implementation changed."),
        ({"dataset_fingerprint": "c" * 64}, "The dataset changed (fingerprint aaaaaaaaaaaa -> cccccccccccc)"),
        ({"mode": "sampled"}, "Evaluation mode full -> sampled."),
    ],
)
def test_every_part_of_the_key_bumps_the_version_with_its_reason(tmp_path, options, reason):
    results = tmp_path / "results"
    write_run(results, "a", 0, values([0.5, 0.4]))
    write_run(results, "a", 0, values([0.3, 0.4]), created=LATER, **options)
    build_leaderboards([results], tmp_path / "out")
    folder = tmp_path / "out" / "ratio-811-full" / "ml-100k"
    assert (folder / "v2").is_dir() and not (folder / "v3").exists()
    assert reason in (folder / "CHANGELOG.md").read_text()


def test_sampled_protocols_and_datasets_get_their_own_folders(tmp_path):
    results = tmp_path / "results"
    write_run(results, "a", 0, values([0.5, 0.4]))
    write_run(results, "a", 0, values([0.9, 0.8]), protocol_id="loo-time-99neg", mode="sampled")
    write_run(results, "a", 0, values([0.2, 0.1]), dataset="ml-1m")
    build_leaderboards([results], tmp_path / "out")
    out = tmp_path / "out"
    assert sorted(str(p.parent.relative_to(out)) for p in out.rglob("manifest.json")) == [
        "loo-time-99neg/ml-100k/v1", "ratio-811-full/ml-100k/v1", "ratio-811-full/ml-1m/v1",
    ]
    assert "SAMPLED ranking" in (out / "loo-time-99neg" / "ml-100k" / "v1" / "table.md").read_text()


def test_adding_records_updates_the_same_version(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write_run(first, "a", 0, values([0.5, 0.4]))
    build_leaderboards([first], tmp_path / "out")
    write_run(second, "a", 1, values([0.5, 0.2]), created=LATER)
    write_run(second, "b", 0, values([0.1, 0.2]), created=LATER)
    build_leaderboards([first, second], tmp_path / "out")
    folder = tmp_path / "out" / "ratio-811-full" / "ml-100k"
    assert sorted(p.name for p in folder.iterdir()) == ["CHANGELOG.md", "v1"]
    rows = json.loads((folder / "v1" / "table.json").read_text())["rows"]
    assert [(row["model"], row["seeds"]) for row in rows] == [("a", [0, 1]), ("b", [0])]


def test_a_new_key_after_publication_takes_the_next_number(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write_run(first, "a", 0, values([0.5, 0.4]), protocol_version=2)
    build_leaderboards([first], tmp_path / "out")
    write_run(second, "a", 0, values([0.5, 0.4]), protocol_version=3, created=LATER)
    build_leaderboards([first, second], tmp_path / "out")
    folder = tmp_path / "out" / "ratio-811-full" / "ml-100k"
    assert json.loads((folder / "v1" / "manifest.json").read_text())["benchmark"]["protocol_version"] == 2
    assert json.loads((folder / "v2" / "manifest.json").read_text())["benchmark"]["protocol_version"] == 3


def test_rebuilding_from_the_same_records_is_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for seed in range(3):
        write_run(a, "x", seed, values([0.5, 0.4, 0.1 * seed]))
        write_run(b, "y", seed, values([0.3, 0.2, 0.05 * seed]), protocol_version=2, created=LATER)
    first = build_leaderboards([a, b], tmp_path / "one")
    second = build_leaderboards([b, a], tmp_path / "two")  # order of folders does not matter
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert len(first.changed) == len(second.changed) == 11  # 5 files x 2 versions + CHANGELOG
    again = build_leaderboards([a, b], tmp_path / "one")
    assert again.changed == []


def test_a_rebuild_that_would_lose_published_runs_is_refused(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write_run(first, "a", 0, values([0.5, 0.4]))
    write_run(second, "b", 0, values([0.1, 0.2]))
    build_leaderboards([first, second], tmp_path / "out")
    before = _files(tmp_path / "out")
    with pytest.raises(RecbenchError, match=r"v1 lists 1 run\(s\) not among the given records .*--drop-missing"):
        build_leaderboards([first], tmp_path / "out")
    assert _files(tmp_path / "out") == before
    build_leaderboards([first], tmp_path / "out", drop_missing=True)
    assert _models(tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1") == ["a"]


def test_a_version_folder_without_a_readable_manifest_stops_the_build(tmp_path):
    results = tmp_path / "results"
    write_run(results, "a", 0, values([0.5, 0.4]))
    stray = tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1"
    stray.mkdir(parents=True)
    (stray / "manifest.json").write_text("{")
    with pytest.raises(RecbenchError, match="manifest.json: unreadable"):
        build_leaderboards([results], tmp_path / "out")


def test_an_output_path_that_is_a_file_is_refused_before_anything_is_read(tmp_path):
    (tmp_path / "tables").write_text("not a folder")
    with pytest.raises(RecbenchError, match="--out .*tables is a file; name a folder"):
        build_leaderboards([tmp_path / "no-records"], tmp_path / "tables")
    assert (tmp_path / "tables").read_text() == "not a folder"
