"""Every registered dataset reads its publisher's format from small generated files."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from recbench.data._fetch import locate
from recbench.errors import RecbenchError
from recbench.plugins import get_registry
from recbench.testing._synthetic import planted_interactions

ROWS = planted_interactions(n_items=160)
USERS, ITEMS, INTERACTIONS = 120, 160, 2400
PUBLISHED = [n for n in get_registry().names("datasets") if not get_registry().dataset(n).reads_user_file]
FLOAT_RATINGS = {"ml-10m", "ml-20m", "ml-25m", "ml-32m", "ml-latest-small", "amazon-beauty", "amazon-sports", "amazon-toys", "yelp"}
NO_RATINGS = {"amazon-beauty-s3rec", "amazon-sports-s3rec", "amazon-toys-s3rec", "yelp-s3rec"}


def folder_of(name, data_dir, tmp_path):
    return locate(get_registry().dataset(name), data_dir, tmp_path / "unused-cache", download=False)


@pytest.mark.parametrize("name", PUBLISHED)
def test_each_dataset_loads_every_generated_interaction(name, publishers_dir, load):
    data = load(name, publishers_dir)
    assert (data.n_users, data.n_items, len(data.frame)) == (USERS, ITEMS, INTERACTIONS)
    assert data.raw_counts == {"users": USERS, "items": ITEMS, "interactions": INTERACTIONS}
    assert data.frame["user"].dtype == np.int64 and data.frame["item"].dtype == np.int64
    assert data.frame["user"].max() == USERS - 1 and data.frame["item"].max() == ITEMS - 1
    if name in NO_RATINGS:
        assert "rating" not in data.frame
    else:
        expected = np.float64 if name in FLOAT_RATINGS else np.int64
        assert data.frame["rating"].dtype == expected
    spec = get_registry().dataset(name)
    if spec.timestamps is not None:
        assert data.frame["timestamp"].dtype == np.int64


@pytest.mark.parametrize("name", ["ml-10m", "ml-20m", "ml-latest-small"])
def test_half_star_ratings_stay_floats(name, publishers_dir, load):
    ratings = load(name, publishers_dir).frame["rating"]
    assert (ratings % 1 == 0.5).any() and ratings.between(0.5, 5).all()


def test_ml_100k_side_files_parse_exactly(publishers_dir, load):
    data = load("ml-100k", publishers_dir)
    users, items = data.user_features, data.item_features
    assert list(users.columns) == ["age", "gender", "occupation", "zip"] and len(users) == USERS
    assert users.index.name == "user" and users.index.tolist() == list(range(USERS))
    assert users.loc[0, "age"] == 20 + int(data.user_ids[0]) % 40
    assert items.loc[0, "title"] == "Amélie (2001)" and items.loc[0, "year"] == 2001  # Latin-1 decoded
    genres = [c for c in items.columns if c.startswith("genre:")]
    assert len(genres) == 19 and genres[0] == "genre:unknown" and (items[genres].sum(axis=1) == 1).all()


def test_ml_1m_side_files_parse_exactly(publishers_dir, load):
    data = load("ml-1m", publishers_dir)
    assert list(data.user_features.columns) == ["gender", "age", "occupation", "zip"]
    items = data.item_features
    assert items.loc[0, "title"] == "Amélie (1991)" and items.loc[0, "year"] == 1991
    assert sorted(c for c in items.columns if c.startswith("genre:")) == ["genre:Action", "genre:Comedy", "genre:Drama", "genre:Sci-Fi"]
    assert (items.filter(like="genre:").sum(axis=1) == 2).all()


def test_csv_releases_read_quoted_titles_genres_and_tags(publishers_dir, load):
    items = load("ml-20m", publishers_dir).item_features
    assert items.loc[0, "title"] == "Movie 1, The (1991)" and items.loc[0, "year"] == 1991
    assert items.loc[0, "genre:Comedy"] == 1 and items.loc[0, "genre:Sci-Fi"] == 1
    assert all(isinstance(t, list) for t in items["tags"])
    assert {tag for tags in items["tags"] for tag in tags} <= {"tag, 0", "tag, 1", "tag, 2"}


@pytest.mark.parametrize(("name", "missing"), [("ml-100k", "u.user"), ("ml-100k", "u.item"), ("ml-1m", "movies.dat"), ("ml-20m", "tags.csv")])
def test_a_missing_side_file_never_stops_the_ratings(name, missing, data_copy, load, tmp_path):
    full = load(name, data_copy, cache_dir=tmp_path / "c1")
    folder = folder_of(name, data_copy, tmp_path)
    (folder / missing).unlink()
    data = load(name, data_copy, cache_dir=tmp_path / "c2")
    assert len(data.frame) == INTERACTIONS
    assert data.fingerprint == full.fingerprint  # side files do not change what models train on


def test_a_malformed_side_file_names_its_line(data_copy, load, tmp_path):
    path = folder_of("ml-100k", data_copy, tmp_path) / "u.user"
    lines = path.read_text().splitlines()
    lines[4] = "5|twenty|M|student|12345"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecbenchError, match=r"u\.user, line 5:"):
        load("ml-100k", data_copy)


@pytest.mark.parametrize("split", ["u1", "u3", "u5", "ua", "ub"])
def test_ml_100k_predefined_splits_cover_u_data(split, publishers_dir, tmp_path):
    spec = get_registry().dataset("ml-100k")
    frame = spec.load_split(split)(folder_of("ml-100k", publishers_dir, tmp_path))
    assert set(frame["stage"]) == {"train", "test"}
    pairs = frame[["user", "item"]].apply(tuple, axis=1)
    assert not pairs.duplicated().any() and set(pairs) == {(u, i) for u, i, _, _ in ROWS}


def test_ncf_files_give_interactions_split_and_candidates(publishers_dir, load, tmp_path):
    spec = get_registry().dataset("ncf-ml-1m")
    data = load(spec, publishers_dir)
    assert len(data.frame) == INTERACTIONS and data.user_ids.tolist() == list(range(USERS))  # ids are 0-based already
    folder = folder_of("ncf-ml-1m", publishers_dir, tmp_path)
    split = spec.load_split("ncf")(folder)
    assert split["stage"].value_counts().to_dict() == {"train": INTERACTIONS - USERS, "test": USERS}
    candidates = spec.load_candidates("ncf")(folder)
    assert candidates.groupby("user").size().eq(99).all() and candidates["user"].nunique() == USERS
    test = split[split["stage"] == "test"]
    seen = set(map(tuple, split[["user", "item"]].to_numpy().tolist()))
    assert not any((u, i) in seen for u, i in candidates.to_numpy().tolist())
    assert len(test) == USERS


def test_ncf_negatives_that_do_not_match_the_test_file_are_refused(data_copy, tmp_path):
    folder = folder_of("ncf-ml-1m", data_copy, tmp_path)
    path = folder / "ml-1m.test.negative"
    lines = path.read_text().splitlines()
    rest = lines[2].split("\t", 1)[1]
    lines[2] = "(2,99999)\t" + rest
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecbenchError, match=r"test\.negative, line 3: its \(user,item\) does not match"):
        get_registry().dataset("ncf-ml-1m").load_candidates("ncf")(folder)


def test_s3rec_sequences_keep_their_order_as_ordinal_time(publishers_dir, load):
    data = load("amazon-beauty-s3rec", publishers_dir)
    frame = data.frame
    first_user = frame[frame["user"] == 0]
    assert first_user["timestamp"].tolist() == list(range(len(first_user)))
    ordered = ROWS[ROWS[:, 0] == data.user_ids[0]]
    expected = ordered[np.argsort(ordered[:, 3], kind="stable"), 1].tolist()
    assert data.item_ids[first_user["item"]].tolist() == expected
    assert data.item_features.loc[0, "attributes"] == [int(data.item_ids[0]) % 7 + 1, int(data.item_ids[0]) % 3 + 8]


def test_s3rec_default_options_keep_repeated_items(data_copy, load, tmp_path):
    path = folder_of("amazon-beauty-s3rec", data_copy, tmp_path) / "Beauty.txt"
    lines = path.read_text().splitlines()
    lines[0] = lines[0] + " " + lines[0].split()[1]  # user 1 buys their first item again
    path.write_text("\n".join(lines) + "\n")
    spec = get_registry().dataset("amazon-beauty-s3rec")
    assert spec.defaults["duplicates"] == "keep"
    assert len(load(spec, data_copy, duplicates="keep").frame) == INTERACTIONS + 1
    assert len(load(spec, data_copy, cache_dir=tmp_path / "c2", duplicates="first").frame) == INTERACTIONS


def test_amazon_5core_reads_string_ids_and_unix_times(publishers_dir, load):
    data = load("amazon-toys", publishers_dir)
    assert data.user_ids[0] == "A00001X" and data.item_ids[0] == "B000000001"
    assert data.frame["timestamp"].min() >= 880_000_000


def test_lastfm_weight_is_the_rating_column(publishers_dir, load):
    data = load("lastfm-hetrec", publishers_dir)
    assert "timestamp" not in data.frame and data.frame["rating"].min() > 30
    assert data.item_features.loc[0, "name"] == f"Artist {data.item_ids[0]}"


def test_goodbooks_positions_within_users_are_ordinal_time(publishers_dir, load):
    data = load("goodbooks-10k", publishers_dir)
    sizes = data.frame.groupby("user")["timestamp"].agg(["min", "max", "size"])
    assert (sizes["min"] == 0).all() and (sizes["max"] == sizes["size"] - 1).all()
    assert data.item_features.loc[0, "authors"] == "Author 1, Jr." and data.item_features.loc[0, "year"] == 1951


def test_yelp_dates_become_unix_seconds(publishers_dir, load):
    data = load("yelp", publishers_dir)
    assert sorted(data.frame["timestamp"].tolist()) == sorted(ROWS[:, 3].tolist())
    assert data.user_ids[0] == "u-0001"


def test_yelp_without_a_local_copy_explains_the_manual_download(tmp_path, load):
    with pytest.raises(RecbenchError) as info:
        load("yelp", tmp_path / "empty")
    message = str(info.value)
    assert "licence requires" in message and "https://www.yelp.com/dataset" in message
    assert "yelp/yelp_academic_dataset_review.json" in message and "RECBENCH_DATA_DIR" in message


def test_truncated_gzip_is_a_clear_error(data_copy, load, tmp_path):
    path = folder_of("amazon-beauty", data_copy, tmp_path) / "reviews_Beauty_5.json.gz"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(RecbenchError, match="reviews_Beauty_5.json.gz: truncated"):
        load("amazon-beauty", data_copy)


def test_a_json_line_that_is_not_a_record_names_its_line(data_copy, load, tmp_path):
    path = folder_of("yelp", data_copy, tmp_path) / "yelp_academic_dataset_review.json"
    lines = path.read_text().splitlines()
    lines[6] = lines[6][:25]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RecbenchError, match=r"yelp_academic_dataset_review\.json, line 7: not a JSON object"):
        load("yelp", data_copy)


def test_a_record_missing_a_field_names_its_line(data_copy, load, tmp_path):
    path = folder_of("amazon-beauty", data_copy, tmp_path) / "reviews_Beauty_5.json.gz"
    records = [json.loads(line) for line in gzip.open(path, "rt")]
    del records[9]["overall"]
    with gzip.open(path, "wt") as out:
        out.write("\n".join(json.dumps(r) for r in records) + "\n")
    with pytest.raises(RecbenchError, match=r"line 10: a record lacks one of the fields"):
        load("amazon-beauty", data_copy)
