"""Last.fm HetRec 2011 (https://grouplens.org/datasets/hetrec-2011/): 1,892 users' play counts of 17,632 artists.

``user_artists.dat`` is tab-separated with the header ``userID artistID weight``; the weight
is how often the user played the artist, kept as the ``rating`` column (a count, not a
score: use a threshold, or a model for implicit feedback). No timestamps. The zip holds its
files at the top level, not in a folder.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from recbench.data._formats import read_fields
from recbench.data._spec import DatasetSpec


def parse_lastfm(folder: Path) -> pd.DataFrame:
    return read_fields(
        folder / "user_artists.dat", "\t", ["user", "item", "rating"], ["int", "int", "int"], header=["userID", "artistID", "weight"]
    )


def lastfm_artists(folder: Path) -> pd.DataFrame | None:
    """Item features from ``artists.dat`` (id, name, url, pictureURL): the artist's ``name``."""
    path = folder / "artists.dat"
    if not path.is_file():
        return None
    frame = read_fields(path, "\t", ["item", "name", "url", "picture_url"], ["int", "str", "str", "str"], header=["id", "name", "url", "pictureURL"])
    return frame.set_index("item")[["name"]]


LASTFM = DatasetSpec(
    name="lastfm-hetrec",
    title="Last.fm HetRec 2011: 92,834 user-artist play counts, 1,892 users, 17,632 artists",
    folder="hetrec2011-lastfm-2k",
    files=("user_artists.dat",),
    parser=parse_lastfm,
    url="https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip",
    homepage="https://grouplens.org/datasets/hetrec-2011/",
    optional_files=("artists.dat",),
    item_features=lastfm_artists,
    license="Non-commercial use only (readme.txt in the archive); for commercial use contact Last.fm.",
    license_name="non-commercial",
    citation=(
        "Last.fm, http://www.lastfm.com. Iván Cantador, Peter Brusilovsky and Tsvi Kuflik. 2011. 2nd Workshop on "
        "Information Heterogeneity and Fusion in Recommender Systems (HetRec 2011). RecSys 2011."
    ),
    timestamps=None,
    counts={"users": 1892, "items": 17_632, "interactions": 92_834},
)
