"""MovieLens releases from GroupLens (https://grouplens.org/datasets/movielens/).

Archive checksums are the MD5s GroupLens publishes beside each zip (``<zip>.md5``), the
only digests it publishes. ml-latest-small has none here: GroupLens regenerates it, so its
bytes (and their digest) change between snapshots.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from recbench.data._formats import read_fields, read_integer_table
from recbench.data._spec import DatasetSpec

COLUMNS = ["user", "item", "rating", "timestamp"]
FEATURES = "recbench.data.movielens_features"
BASE_URL = "https://files.grouplens.org/datasets/movielens"

LICENSE_NAME = "GroupLens research-only"
LICENSE = (
    "GroupLens research licence: research use only; do not redistribute without permission; "
    "no commercial use without permission; cite the paper below. See the README in the archive."
)
CITATION = (
    "F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and Context. "
    "ACM Transactions on Interactive Intelligent Systems 5(4): 19:1-19:19. https://doi.org/10.1145/2827872"
)


def parse_ml_100k(folder: Path) -> pd.DataFrame:
    """``u.data``: user id, item id, rating, timestamp, tab-separated."""
    return read_integer_table(folder / "u.data", "\t", COLUMNS)


def parse_ml_1m(folder: Path) -> pd.DataFrame:
    """``ratings.dat``: UserID::MovieID::Rating::Timestamp (whole stars)."""
    return read_integer_table(folder / "ratings.dat", "::", COLUMNS)


def parse_ml_10m(folder: Path) -> pd.DataFrame:
    """``ratings.dat``: UserID::MovieID::Rating::Timestamp, ratings in half stars (3.5), kept as floats."""
    return read_fields(folder / "ratings.dat", "::", COLUMNS, ["int", "int", "float", "int"])


def parse_ml_csv(folder: Path) -> pd.DataFrame:
    """``ratings.csv`` of ML-20M and later: header userId,movieId,rating,timestamp; half-star float ratings."""
    return read_fields(
        folder / "ratings.csv", ",", COLUMNS, ["int", "int", "float", "int"], header=["userId", "movieId", "rating", "timestamp"]
    )


def ml_100k_split(base: str, test: str):
    """A reader of one of ML-100K's predefined splits (``u1.base``/``u1.test`` …)."""

    def read(folder: Path) -> pd.DataFrame:
        parts = []
        for stage, name in (("train", base), ("test", test)):
            frame = read_integer_table(folder / name, "\t", COLUMNS)[["user", "item"]]
            parts.append(frame.assign(stage=stage))
        return pd.concat(parts, ignore_index=True)

    read.__name__ = f"read_{base.split('.')[0]}"
    return read


ML_100K_SPLITS = {f"u{k}": ml_100k_split(f"u{k}.base", f"u{k}.test") for k in range(1, 6)}
ML_100K_SPLITS.update({name: ml_100k_split(f"{name}.base", f"{name}.test") for name in ("ua", "ub")})


def _grouplens(name: str, release: str, **fields) -> DatasetSpec:
    return DatasetSpec(
        name=name,
        url=f"{BASE_URL}/{release}.zip",
        license=LICENSE,
        license_name=LICENSE_NAME,
        citation=CITATION,
        **fields,
    )


ML_100K = _grouplens(
    "ml-100k",
    "ml-100k",
    title="MovieLens 100K (1998): 100,000 ratings, 943 users, 1,682 movies",
    folder="ml-100k",
    files=("u.data",),
    parser=parse_ml_100k,
    archive_md5="0e33842e24a9c977be4e0107933c0723",  # published by GroupLens as ml-100k.zip.md5
    file_sha256={"u.data": "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490"},
    homepage="https://grouplens.org/datasets/movielens/100k/",
    optional_files=("u.user", "u.item"),
    user_features=f"{FEATURES}:ml_100k_users",
    item_features=f"{FEATURES}:ml_100k_items",
    splits=ML_100K_SPLITS,
    counts={"users": 943, "items": 1682, "interactions": 100_000},
)

ML_1M = _grouplens(
    "ml-1m",
    "ml-1m",
    title="MovieLens 1M (2003): 1,000,209 ratings, 6,040 users, 3,706 rated movies",
    folder="ml-1m",
    files=("ratings.dat",),
    parser=parse_ml_1m,
    archive_md5="c4d9eecfca2ab87c1945afe126590906",  # published by GroupLens as ml-1m.zip.md5
    file_sha256={"ratings.dat": "506d64ca44484487c11dc2d9a28de5c54948213e6b96285e298afe28d6ea4e0f"},
    homepage="https://grouplens.org/datasets/movielens/1m/",
    optional_files=("users.dat", "movies.dat"),
    user_features=f"{FEATURES}:ml_1m_users",
    item_features=f"{FEATURES}:ml_1m_items",
    counts={"users": 6040, "items": 3706, "interactions": 1_000_209},
)

ML_10M = _grouplens(
    "ml-10m",
    "ml-10m",
    title="MovieLens 10M (2009): 10,000,054 half-star ratings, 69,878 users, 10,677 rated movies, tags",
    folder="ml-10M100K",  # the folder the zip unpacks to
    files=("ratings.dat",),
    parser=parse_ml_10m,
    archive_md5="ce571fd55effeba0271552578f2648bd",  # published by GroupLens as ml-10m.zip.md5
    homepage="https://grouplens.org/datasets/movielens/10m/",
    optional_files=("movies.dat", "tags.dat"),
    item_features=f"{FEATURES}:ml_10m_items",
    counts={"users": 69_878, "items": 10_677, "interactions": 10_000_054},
)

ML_20M = _grouplens(
    "ml-20m",
    "ml-20m",
    title="MovieLens 20M (2015): 20,000,263 half-star ratings, 138,493 users, 26,744 rated movies, tags",
    folder="ml-20m",
    files=("ratings.csv",),
    parser=parse_ml_csv,
    archive_md5="cd245b17a1ae2cc31bb14903e1204af3",  # published by GroupLens as ml-20m.zip.md5
    homepage="https://grouplens.org/datasets/movielens/20m/",
    optional_files=("movies.csv", "tags.csv"),
    item_features=f"{FEATURES}:ml_csv_items",
    counts={"users": 138_493, "items": 26_744, "interactions": 20_000_263},
)

ML_25M = _grouplens(
    "ml-25m",
    "ml-25m",
    title="MovieLens 25M (2019): 25,000,095 half-star ratings, 162,541 users, 59,047 rated movies, tags",
    folder="ml-25m",
    files=("ratings.csv",),
    parser=parse_ml_csv,
    archive_md5="6b51fb2759a8657d3bfcbfc42b592ada",  # published by GroupLens as ml-25m.zip.md5
    homepage="https://grouplens.org/datasets/movielens/25m/",
    optional_files=("movies.csv", "tags.csv"),
    item_features=f"{FEATURES}:ml_csv_items",
    counts={"users": 162_541, "items": 59_047, "interactions": 25_000_095},
)

ML_32M = _grouplens(
    "ml-32m",
    "ml-32m",
    title="MovieLens 32M (2024): 32,000,204 half-star ratings, 200,948 users, tags",
    folder="ml-32m",
    files=("ratings.csv",),
    parser=parse_ml_csv,
    archive_md5="d472be332d4daa821edc399621853b57",  # published by GroupLens as ml-32m.zip.md5
    homepage="https://grouplens.org/datasets/movielens/32m/",
    optional_files=("movies.csv", "tags.csv"),
    item_features=f"{FEATURES}:ml_csv_items",
    counts={"users": 200_948, "interactions": 32_000_204},
)

ML_LATEST_SMALL = _grouplens(
    "ml-latest-small",
    "ml-latest-small",
    title="MovieLens latest, small (regenerated by GroupLens; about 100,000 ratings, 600 users)",
    folder="ml-latest-small",
    files=("ratings.csv",),
    parser=parse_ml_csv,
    homepage="https://grouplens.org/datasets/movielens/latest/",
    optional_files=("movies.csv", "tags.csv"),
    item_features=f"{FEATURES}:ml_csv_items",
)
