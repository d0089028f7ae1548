"""Reading records for a table: bad files are named and left out, good ones are never modified."""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import pytest
from leaderboard_fixtures import make_record, values, write_run

from recbench.errors import RecbenchError
from recbench.leaderboard import load_runs


def _snapshot(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _rewrite(path, **changes) -> None:
    record = json.loads(path.read_text())
    for dotted, value in changes.items():
        target = record
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[part]
        target[last] = value
    path.write_text(json.dumps(record))


def test_valid_runs_load_in_run_id_order_with_per_user_values(tmp_path):
    write_run(tmp_path, "pop", 1, values([0.1, 0.3]))
    write_run(tmp_path, "pop", 0, values([0.2, 0.4]))
    runs, rejected = load_runs([tmp_path])
    assert rejected == []
    assert [run.record["seed"] for run in runs] == [0, 1]
    assert list(runs[0].per_user.index) == [1, 2] and runs[0].per_user.index.name == "user_id"
    assert runs[0].per_user["ndcg@10"].tolist() == [0.2, 0.4]


def test_a_missing_or_empty_folder_is_an_error(tmp_path):
    with pytest.raises(RecbenchError, match="does not exist"):
        load_runs([tmp_path / "nope"])
    (tmp_path / "runs").mkdir()
    with pytest.raises(RecbenchError, match="no run records in"):
        load_runs([tmp_path])


def test_a_runs_folder_can_be_named_directly(tmp_path):
    write_run(tmp_path, "pop", 0, values([0.2, 0.4]))
    runs, _ = load_runs([tmp_path / "runs"])
    assert len(runs) == 1


def test_corrupt_json_is_rejected_by_name_and_left_untouched(tmp_path):
    good = write_run(tmp_path, "pop", 0, values([0.2, 0.4]))
    broken = tmp_path / "runs" / "broken.json"
    broken.write_text('{"schema_version": 1, "run_id": ')
    before = _snapshot(tmp_path)
    runs, rejected = load_runs([tmp_path])
    assert [run.path for run in runs] == [good]
    assert [r.path for r in rejected] == [broken] and "not valid JSON" in rejected[0].reason
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dataset__name": "../../etc"}, "'dataset.name' = '../../etc' is not a plain name"),
        ({"protocol__id": "a/b"}, "'protocol.id' = 'a/b' is not a plain name"),
        ({"protocol__id": ".hidden"}, "is not a plain name"),
        ({"protocol__version": "1"}, "'protocol.version' must be a non-negative integer"),
        ({"protocol__version": True}, "'protocol.version' must be a non-negative integer"),
        ({"costs__train_seconds": -1}, "'costs.train_seconds' must be a non-negative finite number"),
        ({"costs__parameters": 1.5}, "'costs.parameters' must be an integer"),
        ({"metrics__test__ndcg@10": 7.0}, "outside \\[0, 1\\]"),
        ({"seed": "0"}, "'seed' must be int"),
        ({"command": "rm -rf /"}, "'command' must be one `recbench ...` line"),
        ({"model__name": "<script>"}, "'model.name' = '<script>' is not a plain name"),
        ({"run_id": "other-id"}, "does not match the file name"),
        ({"tuning": "lots"}, "'tuning' must be an object"),
        ({"protocol__task": "regression"}, "'protocol.task' must be one of ranking, rating, ctr"),
        ({"protocol__lower_is_better": "ndcg"}, "'protocol.lower_is_better' must be a list of metric names"),
        ({"protocol__task": "rating", "metrics__test__ndcg@10": -0.5}, "must be a non-negative finite number"),
    ],
)
def test_hostile_or_malformed_records_are_rejected_naming_the_field(tmp_path, change, message):
    path = write_run(tmp_path, "pop", 0, values([0.2, 0.4]))
    _rewrite(path, **change)
    runs, rejected = load_runs([tmp_path])
    assert runs == []
    assert rejected[0].path == path
    assert re.search(message, rejected[0].reason), rejected[0].reason


def test_per_user_file_must_exist_and_agree_with_the_record(tmp_path):
    path = write_run(tmp_path, "pop", 0, values([0.2, 0.4]))
    users = path.with_name(path.name.replace(".json", ".users.parquet"))
    pd.DataFrame({"user_id": [1, 2], "hr@10": [1.0, 1.0], "ndcg@10": [0.2, 0.9]}).to_parquet(users)
    _, rejected = load_runs([tmp_path])
    assert "mean ndcg@10" in rejected[0].reason and "disagrees" in rejected[0].reason
    users.write_bytes(b"not parquet")
    _, rejected = load_runs([tmp_path])
    assert "not a readable Parquet file" in rejected[0].reason
    users.unlink()
    _, rejected = load_runs([tmp_path])
    assert "are missing beside the record" in rejected[0].reason


def test_oversized_files_are_refused_before_parsing(tmp_path):
    write_run(tmp_path, "pop", 0, values([0.2, 0.4]))
    huge = tmp_path / "runs" / "huge.json"
    huge.write_text(" " * (1 << 20) + "{}")
    _, rejected = load_runs([tmp_path])
    assert rejected[0].path == huge and "larger than" in rejected[0].reason


def test_same_run_twice_is_kept_once_and_a_conflict_drops_both(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    write_run(first, "pop", 0, values([0.2, 0.4]))
    write_run(second, "pop", 0, values([0.2, 0.4]))
    runs, rejected = load_runs([first, second])
    assert len(runs) == 1 and rejected == []
    record = make_record("pop", 0, values([0.2, 0.4]))
    path = second / "runs" / f"{record['run_id']}.json"
    _rewrite(path, costs__train_seconds=9.0)
    runs, rejected = load_runs([first, second])
    assert runs == [] and "with different content" in rejected[0].reason
