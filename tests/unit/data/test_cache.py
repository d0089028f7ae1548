"""The artifact cache: one build per key, atomic entries, damaged or half-written entries never read."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from recbench.data import cached
from recbench.data._cache import MANIFEST
from recbench.data._digest import file_digest, remembered_sha256
from recbench.errors import RecbenchError

FRAME = pd.DataFrame({"user": [0, 1, 1], "item": [2, 0, 1], "rating": [4.5, 3.0, 1.0]})


class Builder:
    def __init__(self, value=FRAME):
        self.calls = 0
        self.value = value

    def __call__(self):
        self.calls += 1
        return {"frame": self.value, "meta": {"n": 3, "ids": [1, 2]}, "nothing": None}


def test_builds_once_then_reads_the_same_artifacts(tmp_path):
    build = Builder()
    first = cached("things", "k1", build, tmp_path)
    second = cached("things", "k1", build, tmp_path)
    assert build.calls == 1
    pd.testing.assert_frame_equal(second["frame"], FRAME)
    assert second["meta"] == {"n": 3, "ids": [1, 2]} and second["nothing"] is None
    assert first.keys() == second.keys()


def test_another_key_never_sees_the_first_entry(tmp_path):
    build = Builder()
    cached("things", "k1", build, tmp_path)
    cached("things", "k2", build, tmp_path)
    cached("other", "k1", build, tmp_path)
    assert build.calls == 3


def test_cache_dir_none_turns_the_cache_off(tmp_path):
    build = Builder()
    cached("things", "k1", build, None)
    cached("things", "k1", build, None)
    assert build.calls == 2


def test_a_failing_build_leaves_nothing_behind(tmp_path):
    def broken():
        raise RecbenchError("bad input")

    with pytest.raises(RecbenchError, match="bad input"):
        cached("things", "k1", broken, tmp_path)
    assert not (tmp_path / "things" / "k1").exists()
    assert not any(p.name.startswith(".tmp-") for p in (tmp_path / "things").glob("*")) if (tmp_path / "things").exists() else True


def test_an_unwritable_value_leaves_no_entry_and_no_staging_folder(tmp_path):
    with pytest.raises(TypeError):
        cached("things", "k1", lambda: {"frame": FRAME, "bad": object()}, tmp_path)
    assert os.listdir(tmp_path / "things") == []


def test_a_half_written_entry_is_never_read(tmp_path):
    """A folder without its manifest (a writer killed midway) is not an entry."""
    entry = tmp_path / "things" / "k1"
    entry.mkdir(parents=True)
    (entry / "frame.parquet").write_bytes(b"PAR1 truncated")
    build = Builder()
    out = cached("things", "k1", build, tmp_path)
    assert build.calls == 1
    pd.testing.assert_frame_equal(out["frame"], FRAME)


def test_a_damaged_entry_is_rebuilt_with_a_warning(tmp_path):
    build = Builder()
    cached("things", "k1", build, tmp_path)
    (tmp_path / "things" / "k1" / "frame.parquet").write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="unreadable cache entry"):
        out = cached("things", "k1", build, tmp_path)
    assert build.calls == 2
    pd.testing.assert_frame_equal(out["frame"], FRAME)
    pd.testing.assert_frame_equal(cached("things", "k1", build, tmp_path)["frame"], FRAME)
    assert build.calls == 2


def test_list_cells_and_index_round_trip(tmp_path):
    frame = pd.DataFrame({"tags": [["a", "b"], [], ["c"]], "year": pd.array([1995, None, 2001], dtype="Int64")})
    frame.index = pd.RangeIndex(3, name="item")
    cached("things", "k1", lambda: {"features": frame}, tmp_path)
    back = cached("things", "k1", lambda: {}, tmp_path)["features"]
    assert back["tags"].tolist() == [["a", "b"], [], ["c"]]
    assert back.index.name == "item" and back["year"].isna().tolist() == [False, True, False]


def test_entries_are_complete_folders_with_a_manifest(tmp_path):
    cached("things", "k1", Builder(), tmp_path)
    assert sorted(os.listdir(tmp_path / "things")) == ["k1"]
    assert (tmp_path / "things" / "k1" / MANIFEST).is_file()


@pytest.mark.parametrize("key", ["../escape", "a/b", ""])
def test_keys_must_be_plain_names(tmp_path, key):
    with pytest.raises(ValueError, match="plain names"):
        cached("things", key, Builder(), tmp_path)


def test_remembered_digest_is_reused_and_refreshed_when_the_file_changes(tmp_path, monkeypatch):
    path = tmp_path / "ratings.csv"
    path.write_text("1,2,3\n")
    cache = tmp_path / "cache"
    assert remembered_sha256(path, cache) == file_digest(path)

    import recbench.data._digest as digest_module

    calls = []
    real = digest_module.file_digest
    monkeypatch.setattr(digest_module, "file_digest", lambda p, a="sha256": calls.append(p) or real(p, a))
    assert remembered_sha256(path, cache) == real(path)
    assert calls == []  # served from the memo
    path.write_text("1,2,4\n")  # same size, new content and mtime
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert remembered_sha256(path, cache) == real(path)
    assert len(calls) == 1
