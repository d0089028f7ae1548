"""The loaders of a user's own files: RecBole atomic files, CSV/TSV/Parquet, one sequence per line."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from recbench.errors import RecbenchError
from recbench.testing._synthetic import planted_interactions, write_atomic, write_sequences, write_table

ROWS = planted_interactions()
MAPPING = {"user": "uid", "item": "iid", "rating": "stars", "timestamp": "when"}


def test_atomic_files_load_with_their_side_features(tmp_path, load):
    inter = write_atomic(tmp_path / "mine", ROWS)
    data = load("atomic", path=str(inter))
    assert (data.n_users, data.n_items, len(data.frame)) == (120, 80, 2400)
    assert data.frame["rating"].dtype == np.float64 and data.frame["timestamp"].dtype == np.int64
    assert data.user_features.columns.tolist() == ["age", "gender"]
    assert data.item_features.loc[0, "title"] == ["Movie", "1"]  # token_seq: space-separated tokens
    assert set(data.feature_sha256) == {"toy.user", "toy.item"}


def test_atomic_files_without_user_and_item_files(tmp_path, load):
    inter = write_atomic(tmp_path / "mine", ROWS)
    inter.with_suffix(".user").unlink()
    inter.with_suffix(".item").unlink()
    data = load("atomic", path=str(inter))
    assert data.user_features is None and data.item_features is None and len(data.frame) == 2400


def test_atomic_columns_can_be_renamed(tmp_path, load):
    inter = write_atomic(tmp_path / "mine", ROWS)
    text = inter.read_text().replace("user_id:token", "uid:token", 1).replace("item_id:token", "book:token", 1)
    inter.write_text(text)
    inter.with_suffix(".user").unlink()
    inter.with_suffix(".item").unlink()
    data = load("atomic", path=str(inter), columns={"user": "uid", "item": "book", "rating": "rating"})
    assert len(data.frame) == 2400 and "timestamp" not in data.frame


def test_atomic_header_without_types_is_refused(tmp_path, load):
    path = tmp_path / "x.inter"
    path.write_text("user_id\titem_id\n1\t2\n")
    with pytest.raises(RecbenchError, match=r"x\.inter, line 1: header field 'user_id' is not 'name:type'"):
        load("atomic", path=str(path))


def test_atomic_non_numeric_float_field_names_its_line(tmp_path, load):
    inter = write_atomic(tmp_path / "mine", ROWS[:20])
    lines = inter.read_text().splitlines()
    lines[6] = lines[6].replace("\t", "\tfive\t", 2).split("\tfive\t")[0] + "\t3\tfive\t100.0"
    inter.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecbenchError, match=r"toy\.inter, line 7: field 'rating' is declared float but holds 'five'"):
        load("atomic", path=str(inter))


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet"])
def test_tables_with_a_column_mapping(tmp_path, load, suffix):
    path = write_table(tmp_path / f"ratings{suffix}", ROWS)
    data = load("table", path=str(path), columns=MAPPING)
    assert (data.n_users, data.n_items, len(data.frame)) == (120, 80, 2400)
    assert data.frame["rating"].dtype == np.float64
    assert sorted(data.frame["timestamp"]) == sorted(ROWS[:, 3])


def test_table_with_the_usual_column_names_needs_no_mapping(tmp_path, load):
    path = write_table(tmp_path / "ratings.csv", ROWS[:, :2], columns=("user", "item"))
    data = load("table", path=str(path))
    assert list(data.frame.columns) == ["user", "item"] and len(data.frame) == 2400


def test_headerless_table_maps_positions(tmp_path, load):
    path = tmp_path / "u.data"
    path.write_text("".join("\t".join(map(str, r)) + "\n" for r in ROWS))
    data = load("table", path=str(path), header=False, sep="\\t", columns={"user": "0", "item": "1", "rating": "2"})
    assert len(data.frame) == 2400 and list(data.frame.columns) == ["user", "item", "rating"]


def test_table_string_ids_and_dates(tmp_path, load):
    frame = pd.DataFrame({"who": ["ann", "bob", "ann"], "what": ["x", "y", "y"], "at": ["2021-03-04 12:00", "2021-03-05", "2021-03-06T00:00:00"]})
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    data = load("table", path=str(path), columns={"user": "who", "item": "what", "timestamp": "at"})
    assert data.user_ids.tolist() == ["ann", "bob"] and data.item_ids.tolist() == ["x", "y"]
    assert data.frame["timestamp"].tolist() == [1614859200, 1614902400, 1614988800]


def test_table_missing_column_lists_the_header(tmp_path, load):
    path = write_table(tmp_path / "ratings.csv", ROWS)
    with pytest.raises(RecbenchError, match=r"ratings\.csv, line 1: no column \['user', 'item'\].*'uid', 'iid'"):
        load("table", path=str(path), columns={"user": "user", "item": "item"})


def test_table_with_the_wrong_separator_says_so(tmp_path, load):
    path = write_table(tmp_path / "ratings.tsv", ROWS)
    with pytest.raises(RecbenchError, match="no column"):
        load("table", path=str(path), columns=MAPPING, sep=",")


def test_table_non_numeric_rating_names_its_line(tmp_path, load):
    path = write_table(tmp_path / "ratings.csv", ROWS[:30])
    lines = path.read_text().splitlines()
    lines[12] = "5,6,lots,100"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecbenchError, match=r"ratings\.csv, line 13: rating 'lots' is not a number"):
        load("table", path=str(path), columns=MAPPING)


def test_table_unknown_suffix_asks_for_a_separator(tmp_path, load):
    path = tmp_path / "ratings.data"
    path.write_text("user|item\n1|2\n")
    with pytest.raises(RecbenchError, match="set dataset.sep"):
        load("table", path=str(path))
    assert len(load("table", path=str(path), sep="|").frame) == 1


def test_sequences_keep_repeats_and_order(tmp_path, load):
    path = tmp_path / "seqs.txt"
    path.write_text("alice a b a c\nbob c d\n\ncarol d\n")
    data = load("sequences", path=str(path), duplicates="keep")
    assert len(data.frame) == 7
    alice = data.frame[data.frame["user"] == 0]
    assert data.item_ids[alice["item"]].tolist() == ["a", "b", "a", "c"] and alice["timestamp"].tolist() == [0, 1, 2, 3]


def test_sequences_from_the_synthetic_writer(tmp_path, load):
    data = load("sequences", path=str(write_sequences(tmp_path / "s.txt", ROWS)))
    assert (data.n_users, data.n_items, len(data.frame)) == (120, 80, 2400)


def test_a_user_on_two_lines_is_refused(tmp_path, load):
    path = tmp_path / "seqs.txt"
    path.write_text("1 2 3\n2 3\n1 4\n")
    with pytest.raises(RecbenchError, match=r"seqs\.txt, line 3: user '1' already has a sequence on line 1"):
        load("sequences", path=str(path))


def test_generic_datasets_need_a_path(load):
    with pytest.raises(RecbenchError, match="set dataset.path="):
        load("table")


def test_a_path_that_does_not_exist(tmp_path, load):
    with pytest.raises(RecbenchError, match=r"nothere\.csv: file not found"):
        load("table", path=str(tmp_path / "nothere.csv"))


def test_publisher_datasets_refuse_user_file_options(publishers_dir, load, tmp_path):
    with pytest.raises(RecbenchError, match="dataset 'ml-100k' reads the publisher's files, so dataset.path"):
        load("ml-100k", publishers_dir, path=str(tmp_path / "x.csv"))
    with pytest.raises(RecbenchError, match="dataset 'sequences' does not use dataset.columns"):
        load("sequences", path=str(tmp_path / "x.txt"), columns={"user": "a"})
    with pytest.raises(RecbenchError, match="unknown dataset option 'user_minimum'"):
        load("ml-100k", publishers_dir, user_minimum=3)


def test_fingerprint_follows_content_and_options_not_location(tmp_path, load):
    path = write_table(tmp_path / "a" / "ratings.csv", ROWS)
    moved = tmp_path / "b" / "ratings.csv"
    moved.parent.mkdir()
    shutil.copy(path, moved)
    first = load("table", path=str(path), columns=MAPPING)
    assert load("table", path=str(moved), columns=MAPPING).fingerprint == first.fingerprint
    fewer = {k: v for k, v in MAPPING.items() if k != "rating"}
    assert load("table", path=str(path), columns=fewer).fingerprint != first.fingerprint
