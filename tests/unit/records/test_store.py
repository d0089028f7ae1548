"""Run records: atomic writes beside per-user metrics, strict validation naming the file and key."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from recbench.errors import RecbenchError
from recbench.records import SCHEMA_VERSION, read_per_user, read_record, validate_record, write_record
from recbench.records._store import REQUIRED


def _record(**overrides) -> dict:
    record = {
        "schema_version": SCHEMA_VERSION,
        "run_id": "20240101T000000-pop-ml-100k-s0-abc123",
        "created": "2024-01-01T00:00:00+00:00",
        "model": {"name": "pop", "distribution": "recbench", "version": "0.1"},
        "hyperparameters": {},
        "dataset": {"name": "ml-100k", "fingerprint": "f" * 64},
        "protocol": {"id": "ratio-811-full", "version": 1},
        "seed": 0,
        "metrics": {"valid": {"ndcg@10": 0.25, "hr@10": 1}, "test": {"ndcg@10": 0.2}},
        "costs": {"train_seconds": 1.5},
        "environment": {"torch": "2.0"},
        "command": "recbench train model=pop",
    }
    record.update(overrides)
    return record


def test_the_minimal_record_covers_every_required_key():
    assert set(_record()) == set(REQUIRED)
    assert validate_record(_record(), "here") == _record()


def test_write_record_writes_json_and_per_user_parquet_and_no_temporaries(tmp_path):
    record = _record()
    per_user = pd.DataFrame({"user": [0, 1, 2], "ndcg@10": [0.5, 0.0, 0.25]})
    path = write_record(tmp_path, record, per_user)
    run_id = record["run_id"]
    assert path == tmp_path / "runs" / f"{run_id}.json"
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [f"{run_id}.json", f"{run_id}.users.parquet"]
    assert json.loads(path.read_text()) == record
    assert read_record(path) == record
    pd.testing.assert_frame_equal(read_per_user(path), per_user)


def test_write_record_without_per_user_writes_only_the_json(tmp_path):
    path = write_record(tmp_path, _record())
    assert [p.name for p in (tmp_path / "runs").iterdir()] == [path.name]


def test_failed_per_user_write_leaves_no_record_and_no_temporary(tmp_path):
    unwritable = pd.DataFrame({"user": [0, 1], "ndcg@10": [object(), object()]})  # parquet cannot store these
    with pytest.raises(ValueError):  # pyarrow's ArrowInvalid
        write_record(tmp_path, _record(), unwritable)
    assert list((tmp_path / "runs").iterdir()) == []


def test_write_record_refuses_an_invalid_record_and_writes_nothing(tmp_path):
    record = _record()
    del record["seed"]
    with pytest.raises(RecbenchError, match="missing key 'seed'"):
        write_record(tmp_path, record, pd.DataFrame({"user": [0]}))
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


@pytest.mark.parametrize("key", sorted(REQUIRED))
def test_missing_key_is_named(key):
    record = _record()
    del record[key]
    with pytest.raises(RecbenchError, match=f"^runs/x.json: missing key '{key}'$"):
        validate_record(record, "runs/x.json")


@pytest.mark.parametrize(
    "key, value",
    [("seed", "0"), ("seed", 0.0), ("run_id", 5), ("metrics", []), ("model", "pop"), ("command", ["recbench"])],
)
def test_wrong_type_is_named(key, value):
    with pytest.raises(RecbenchError, match=f"^runs/x.json: '{key}' must be"):
        validate_record(_record(**{key: value}), "runs/x.json")


@pytest.mark.parametrize("key", ["seed", "schema_version"])
def test_bool_is_not_accepted_as_an_int(key):
    with pytest.raises(RecbenchError, match=f"'{key}' must be int, got bool"):
        validate_record(_record(**{key: True}), "here")


def test_other_schema_version_is_refused():
    with pytest.raises(RecbenchError, match=f"schema_version {SCHEMA_VERSION + 1} is not {SCHEMA_VERSION}"):
        validate_record(_record(schema_version=SCHEMA_VERSION + 1), "here")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, True, "0.3", None])
def test_metric_values_must_be_finite_numbers(value):
    with pytest.raises(RecbenchError, match=r"^here: metrics\.test\.ndcg@10 must be a finite number"):
        validate_record(_record(metrics={"test": {"ndcg@10": value}}), "here")


def test_metrics_of_a_stage_must_be_an_object():
    with pytest.raises(RecbenchError, match=r"metrics\.test must be an object"):
        validate_record(_record(metrics={"test": [0.3]}), "here")


@pytest.mark.parametrize("run_id", ["../escape", "a/b", "..", "", ".hidden", "a" * 129, "run 1"])
def test_run_id_must_be_a_plain_file_name(tmp_path, run_id):
    with pytest.raises(RecbenchError, match="is not a plain file name"):
        validate_record(_record(run_id=run_id), "here")
    with pytest.raises(RecbenchError, match="is not a plain file name"):
        write_record(tmp_path, _record(run_id=run_id))
    assert not any(tmp_path.rglob("*.json"))


def test_run_id_with_a_trailing_newline_is_refused():
    with pytest.raises(RecbenchError, match="is not a plain file name"):
        validate_record(_record(run_id="run1\n"), "here")


def test_non_object_record_is_refused():
    with pytest.raises(RecbenchError, match="must be a JSON object"):
        validate_record([_record()], "here")


def test_read_record_on_invalid_json_names_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"run_id": ')
    with pytest.raises(RecbenchError, match="not a readable JSON run record") as info:
        read_record(path)
    assert str(path) in str(info.value)


def test_read_record_on_a_missing_file_is_a_recbench_error(tmp_path):
    with pytest.raises(RecbenchError, match="not a readable JSON run record"):
        read_record(tmp_path / "absent.json")


def test_read_record_validates_and_names_the_file(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(_record(metrics={"test": {"ndcg@10": math.nan}})))  # json writes NaN
    with pytest.raises(RecbenchError, match=rf"^{path}: metrics\.test\.ndcg@10"):
        read_record(path)
