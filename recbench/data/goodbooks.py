"""Goodbooks-10k (github.com/zygmuntz/goodbooks-10k): six million ratings of the 10,000 most rated books.

``ratings.csv`` has the header ``user_id,book_id,rating`` and no timestamps; the README says
the ratings are sorted by time, so each rating's position within its user's ratings is kept
as an ordinal timestamp. ``books.csv`` (optional) gives titles, authors and years.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from recbench.data._formats import ordinal_positions, read_fields
from recbench.data._spec import DatasetSpec
from recbench.errors import RecbenchError

RAW = "https://raw.githubusercontent.com/zygmuntz/goodbooks-10k"


def parse_goodbooks(folder: Path) -> pd.DataFrame:
    frame = read_fields(
        folder / "ratings.csv", ",", ["user", "item", "rating"], ["int", "int", "int"], header=["user_id", "book_id", "rating"]
    )
    frame["timestamp"] = ordinal_positions(frame["user"].to_numpy())
    return frame


def goodbooks_books(folder: Path) -> pd.DataFrame | None:
    """Item features from ``books.csv``: ``title``, ``authors``, ``year`` (original publication year)."""
    path = folder / "books.csv"
    if not path.is_file():
        return None
    try:
        books = pd.read_csv(path, usecols=["book_id", "title", "authors", "original_publication_year"], engine="c")
    except (ValueError, pd.errors.ParserError) as exc:
        raise RecbenchError(f"{path}: not the published books.csv ({exc}); replace it with the original") from None
    if books["book_id"].isna().any() or books["book_id"].duplicated().any():
        raise RecbenchError(f"{path}: book_id must be unique integers; replace it with the original")
    books = books.rename(columns={"book_id": "item", "original_publication_year": "year"})
    books["year"] = books["year"].round().astype("Int64")
    return books.set_index(books["item"].astype("int64"))[["title", "authors", "year"]]


GOODBOOKS = DatasetSpec(
    name="goodbooks-10k",
    title="Goodbooks-10k: 5,976,479 ratings, 53,424 users, 10,000 books",
    folder="goodbooks-10k",
    files=("ratings.csv",),
    parser=parse_goodbooks,
    file_urls={
        "ratings.csv": f"{RAW}/e7056a970b4803b009808400517355c6c9dd9067/ratings.csv",
        "books.csv": f"{RAW}/fdb21c94e9e6e3340966a231c5bda91466e61ed6/books.csv",
    },
    homepage="https://github.com/zygmuntz/goodbooks-10k",
    optional_files=("books.csv",),
    item_features=goodbooks_books,
    license="Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)",
    license_name="CC BY-SA 4.0",
    citation="Zygmunt Zając. 2017. Goodbooks-10k: a new dataset for book recommendations. FastML. https://github.com/zygmuntz/goodbooks-10k",
    timestamps="ordinal",
    counts={"users": 53_424, "items": 10_000, "interactions": 5_976_479},
)
