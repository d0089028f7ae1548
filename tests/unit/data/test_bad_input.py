"""Bad input: one clear message naming the file (and line), and nothing half-written in the cache."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

from recbench.data import load_dataset
from recbench.data.movielens import ML_100K
from recbench.errors import RecbenchError
from recbench.plugins import get_registry


def cache_is_clean(cache: Path) -> None:
    """No processed entry, no staging debris: only complete digests may have been remembered."""
    entries = [p for p in cache.rglob("*") if p.is_file() and "digests" not in p.parts]
    assert entries == [], entries
    assert not [p for p in cache.rglob(".*") if "digests" not in p.parts]


def damage(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="latin-1").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")


CASES = [
    # (dataset, file under the data folder, line, replacement, expected message)
    ("ml-1m", "ml-1m/ratings.dat", 7, "7::x1193::5::978300760", r"ratings\.dat, line 7: expected 4 fields"),
    ("ml-1m", "ml-1m/ratings.dat", 3, "1\t661\t3\t978302109", r"ratings\.dat, line 3:"),  # wrong delimiter
    ("ml-100k", "ml-100k/u.data", 9, "196,242,3,881250949", r"u\.data, line 9: .*is the separator right"),
    ("ml-20m", "ml-20m/ratings.csv", 1, "userId;movieId;rating;timestamp", r"ratings\.csv, line 1: expected the header"),
    ("ml-20m", "ml-20m/ratings.csv", 5, "1,2,3.", r"ratings\.csv, line 5:"),  # truncated mid-line
    ("ml-10m", "ml-10M100K/ratings.dat", 4, "1::2::four::5", r"ratings\.dat, line 4: expected 4 fields 'integer::integer::number::integer'"),
    ("amazon-beauty-s3rec", "s3rec/Beauty.txt", 2, "2 B0001 7", r"Beauty\.txt, line 2: item id 'B0001' is not an integer"),
    ("amazon-beauty-s3rec", "s3rec/Beauty.txt", 3, "3", r"Beauty\.txt, line 3: expected a user id followed by item ids"),
    ("ncf-ml-1m", "ncf/ml-1m.train.rating", 11, "0\tx\t4\t978824330", r"ml-1m\.train\.rating, line 11:"),
    ("lastfm-hetrec", "hetrec2011-lastfm-2k/user_artists.dat", 6, "2\t51", r"user_artists\.dat, line 6:"),
    ("goodbooks-10k", "goodbooks-10k/ratings.csv", 4, "1,two,5", r"ratings\.csv, line 4:"),
]


@pytest.mark.parametrize(("name", "file", "line", "text", "message"), CASES, ids=[f"{c[0]}:{c[4][:20]}" for c in CASES])
def test_a_bad_line_names_file_and_line_and_caches_nothing(name, file, line, text, message, data_copy, load, tmp_path):
    damage(data_copy / file, line, text)
    with pytest.raises(RecbenchError, match=message):
        load(name, data_copy)
    cache_is_clean(tmp_path / "cache")


def test_corrupt_binary_file(data_copy, load, tmp_path):
    (data_copy / "ml-100k" / "u.data").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR garbage")
    with pytest.raises(RecbenchError, match=r"u\.data, line 1:"):
        load("ml-100k", data_copy)
    cache_is_clean(tmp_path / "cache")


@pytest.mark.parametrize("content", [b"", b"\n\n"])
def test_empty_file(data_copy, load, content, tmp_path):
    (data_copy / "ml-1m" / "ratings.dat").write_bytes(content)
    with pytest.raises(RecbenchError, match=r"ratings\.dat: no rows"):
        load("ml-1m", data_copy)
    cache_is_clean(tmp_path / "cache")


def test_a_filter_that_leaves_no_data_names_the_options(publishers_dir, load, tmp_path):
    with pytest.raises(RecbenchError, match=r"dataset 'ml-1m': preprocessing left no interactions .*user_min=1000000"):
        load("ml-1m", publishers_dir, user_min=1_000_000)
    with pytest.raises(RecbenchError, match="rating_threshold=99.0"):
        load("ml-1m", publishers_dir, rating_threshold=99)
    cache_is_clean(tmp_path / "cache")


def test_missing_interaction_file_says_where_to_put_it(data_copy, load, tmp_path):
    (data_copy / "ml-1m" / "ratings.dat").unlink()
    with pytest.raises(RecbenchError) as info:
        load("ml-1m", data_copy)
    message = str(info.value)
    assert "ml-1m/ratings.dat" in message and "ml-1m.zip" in message and "recbench data fetch ml-1m --from DIR" in message
    cache_is_clean(tmp_path / "cache")


def test_missing_negatives_file_is_named(data_copy, tmp_path):
    folder = data_copy / "ncf"
    (folder / "ml-1m.test.negative").unlink()
    with pytest.raises(RecbenchError, match=r"ml-1m\.test\.negative: file not found"):
        get_registry().dataset("ncf-ml-1m").load_candidates("ncf")(folder)


def test_negatives_with_a_non_numeric_id_name_the_line(data_copy, tmp_path):
    path = data_copy / "ncf" / "ml-1m.test.negative"
    damage(path, 4, "(3,17)\t5\tsix\t7")
    with pytest.raises(RecbenchError, match=r"ml-1m\.test\.negative, line 4:"):
        get_registry().dataset("ncf-ml-1m").load_candidates("ncf")(data_copy / "ncf")


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return path


UNCHECKED = dataclasses.replace(ML_100K, archive_md5=None)  # the generated archives are not GroupLens's


def test_a_zip_member_escaping_the_folder_is_refused_and_nothing_extracted(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    _zip(data / "ml-100k.zip", {"ml-100k/u.data": b"1\t2\t3\t4\n", "ml-100k/../../escaped": b"x"})
    with pytest.raises(RecbenchError, match=r"ml-100k\.zip: member 'ml-100k/\.\./\.\./escaped' points outside"):
        load_dataset(UNCHECKED, {}, data_dir=str(data), cache_dir=str(tmp_path / "cache"), download=False)
    assert not (tmp_path / "escaped").exists()
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_a_truncated_zip_is_refused_and_nothing_extracted(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    archive = _zip(tmp_path / "good.zip", {"ml-100k/u.data": b"1\t2\t3\t4\n" * 5000})
    (data / "ml-100k.zip").write_bytes(archive.read_bytes()[:-300])
    with pytest.raises(RecbenchError, match=r"ml-100k\.zip: not a readable zip archive"):
        load_dataset(UNCHECKED, {}, data_dir=str(data), cache_dir=str(tmp_path / "cache"), download=False)
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_the_official_archive_from_the_data_folder_loads(tmp_path, publishers_dir):
    data = tmp_path / "data"
    data.mkdir()
    _zip(data / "ml-100k.zip", {f"ml-100k/{p.name}": p.read_bytes() for p in (publishers_dir / "ml-100k").iterdir()})
    with pytest.warns(UserWarning, match="differs from the official release"):
        loaded = load_dataset(UNCHECKED, {}, data_dir=str(data), cache_dir=str(tmp_path / "cache"), download=False)
    assert len(loaded.frame) == 2400 and loaded.user_features is not None
