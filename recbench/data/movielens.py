"""MovieLens releases from GroupLens (https://grouplens.org/datasets/movielens/)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from recbench.data._formats import read_integer_table
from recbench.data._spec import DatasetSpec

COLUMNS = ["user", "item", "rating", "timestamp"]

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
    """``ratings.dat``: UserID::MovieID::Rating::Timestamp."""
    return read_integer_table(folder / "ratings.dat", "::", COLUMNS)


ML_100K = DatasetSpec(
    name="ml-100k",
    title="MovieLens 100K (1998): 100,000 ratings, 943 users, 1,682 movies",
    folder="ml-100k",
    files=("u.data",),
    parser=parse_ml_100k,
    url="https://files.grouplens.org/datasets/movielens/ml-100k.zip",
    archive_md5="0e33842e24a9c977be4e0107933c0723",  # published by GroupLens as ml-100k.zip.md5
    file_sha256={"u.data": "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490"},
    homepage="https://grouplens.org/datasets/movielens/100k/",
    license=LICENSE,
    citation=CITATION,
)

ML_1M = DatasetSpec(
    name="ml-1m",
    title="MovieLens 1M (2003): 1,000,209 ratings, 6,040 users, 3,706 rated movies",
    folder="ml-1m",
    files=("ratings.dat",),
    parser=parse_ml_1m,
    url="https://files.grouplens.org/datasets/movielens/ml-1m.zip",
    archive_md5="c4d9eecfca2ab87c1945afe126590906",  # published by GroupLens as ml-1m.zip.md5
    file_sha256={"ratings.dat": "506d64ca44484487c11dc2d9a28de5c54948213e6b96285e298afe28d6ea4e0f"},
    homepage="https://grouplens.org/datasets/movielens/1m/",
    license=LICENSE,
    citation=CITATION,
)
