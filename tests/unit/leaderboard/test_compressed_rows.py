"""A compressed variant is its own row, labelled by its method; float-model rows keep their ids."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
from leaderboard_fixtures import make_record, values

from recbench.leaderboard import RowKey, build_leaderboards, plan_reruns
from recbench.records import write_record

USERS = 6


def _write(folder, model, seed, ndcg, compression=None, sizes=True):
    per_user = values(ndcg)
    record = make_record(model, seed, per_user)
    if compression is not None:
        record["compression"] = compression
        record["run_id"] += "-" + compression["method"]
    if sizes:
        compressed = compression is not None and compression["method"] != "none"
        record["costs"].update(model_size_bytes=compression["size_bytes_after"] if compression else 4000, scoring_ms_per_1000_users=2.0 if compressed else 1.0)
    table = pd.DataFrame({"user": range(USERS), "user_id": range(1, USERS + 1), **per_user})
    write_record(folder, record, table)
    return record


def _int8(before=4000, after=1060):
    return {"method": "int8", "size_bytes_before": before, "size_bytes_after": after, "compress_seconds": 0.01}


def _table(out) -> dict:
    return json.loads((out / "ratio-811-full" / "ml-100k" / "v1" / "table.json").read_text())


def test_compressed_variant_is_its_own_row(tmp_path):
    results = tmp_path / "results"
    for seed in (0, 1):
        _write(results, "bpr", seed, [0.5, 0.4, 0.3, 0.2, 0.6, 0.1], {"method": "none", "size_bytes_before": 4000, "size_bytes_after": 4000})
        _write(results, "bpr", seed, [0.5, 0.4, 0.3, 0.2, 0.5, 0.1], _int8())
        _write(results, "bpr", seed, [0.4, 0.4, 0.3, 0.2, 0.5, 0.1], {"method": "prune", "sparsity": 0.5, "size_bytes_before": 4000, "size_bytes_after": 4000})
    build_leaderboards([results], tmp_path / "out")
    rows = _table(tmp_path / "out")["rows"]
    assert [(row["model"], row.get("compression"), row["seeds"]) for row in rows] == [
        ("bpr", None, [0, 1]),
        ("bpr", {"method": "int8"}, [0, 1]),
        ("bpr", {"method": "prune", "sparsity": 0.5}, [0, 1]),
    ]
    assert [row["model_size_bytes"] for row in rows] == [4000, 1060, 4000]
    assert [row["scoring_ms_per_1000_users"] for row in rows] == [1.0, 2.0, 2.0]
    markdown = (tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1" / "table.md").read_text()
    assert "| bpr [int8] |" in markdown and "| bpr [prune sparsity=0.5] |" in markdown and "| bpr |" in markdown
    assert "model MB" in markdown and "score ms/1k users" in markdown
    header, *lines = list(csv.reader(io.StringIO((tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1" / "table.csv").read_text())))
    assert [line[header.index("compression")] for line in lines] == ["", "int8", "prune sparsity=0.5"]


def test_float_rows_keep_their_ids_and_tables_their_columns(tmp_path):
    """A record without a compression section, and one with method none, are the same row as before."""
    old = make_record("bpr", 0, values([0.5] * USERS))
    new = dict(old, compression={"method": "none", "size_bytes_before": 10, "size_bytes_after": 10})
    assert RowKey.of(old) == RowKey.of(new)
    assert RowKey.of(old).row_id == "bpr-" + RowKey.of(old).row_id.rpartition("-")[2]
    assert RowKey.of(dict(old, compression=_int8())).row_id != RowKey.of(old).row_id

    results = tmp_path / "results"
    _write(results, "bpr", 0, [0.5] * USERS, sizes=False)
    build_leaderboards([results], tmp_path / "out")
    folder = tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1"
    assert "model MB" not in (folder / "table.md").read_text()
    assert "compression" not in (folder / "table.csv").read_text().splitlines()[0]
    [row] = _table(tmp_path / "out")["rows"]
    assert "compression" not in row and "model_size_bytes" not in row


def test_rerun_plan_of_a_compressed_row_names_its_variant(tmp_path):
    results = tmp_path / "results"
    _write(results, "bpr", 0, [0.5] * USERS, {"method": "none", "size_bytes_before": 4000, "size_bytes_after": 4000})
    _write(results, "bpr", 0, [0.4] * USERS, _int8())
    build_leaderboards([results], tmp_path / "out")
    plans = plan_reruns(tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1")
    assert [(plan.label, plan.compression) for plan in plans] == [("bpr", None), ("bpr [int8]", {"method": "int8"})]
