"""MovieLens side files: users (ML-100K, ML-1M) and movies with genres, year and tags (every release).

Each reader returns None when its file is absent (the ratings load without it), and
parses the file exactly when present: a malformed line names the file and line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from recbench.data._formats import read_fields

# ML-100K's u.genre: the order of the 19 genre flags in u.item.
ML_100K_GENRES = [
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
    "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
]  # fmt: skip
YEAR_IN_TITLE = r"\((\d{4})\)\s*$"


def ml_100k_users(folder: Path) -> pd.DataFrame | None:
    """``u.user``: user id | age | gender | occupation | zip code."""
    path = folder / "u.user"
    if not path.is_file():
        return None
    frame = read_fields(path, "|", ["user", "age", "gender", "occupation", "zip"], ["int", "int", "str", "str", "str"], encoding="latin-1")
    return frame.set_index("user")


def ml_100k_items(folder: Path) -> pd.DataFrame | None:
    """``u.item`` (Latin-1): id | title | release date | video release date | IMDb URL | 19 genre flags."""
    path = folder / "u.item"
    if not path.is_file():
        return None
    flags = [f"genre:{g}" for g in ML_100K_GENRES]
    columns = ["item", "title", "release_date", "video_release_date", "imdb_url", *flags]
    frame = read_fields(path, "|", columns, ["int", "str", "str", "str", "str"] + ["int"] * len(flags), encoding="latin-1")
    frame = frame.set_index("item")
    out = frame[["title"]].copy()
    out["year"] = _year(frame["title"])
    out[flags] = frame[flags].astype("int8")
    return out


def ml_1m_users(folder: Path) -> pd.DataFrame | None:
    """``users.dat``: UserID::Gender::Age::Occupation::Zip-code (age and occupation are the README's codes)."""
    path = folder / "users.dat"
    if not path.is_file():
        return None
    frame = read_fields(path, "::", ["user", "gender", "age", "occupation", "zip"], ["int", "str", "int", "int", "str"], encoding="latin-1")
    return frame.set_index("user")


def ml_1m_items(folder: Path) -> pd.DataFrame | None:
    """``movies.dat`` (Latin-1): MovieID::Title::Genres."""
    return _movies_dat(folder / "movies.dat", "latin-1", None)


def ml_10m_items(folder: Path) -> pd.DataFrame | None:
    """``movies.dat`` (MovieID::Title::Genres) with ``tags.dat`` (UserID::MovieID::Tag::Timestamp)."""
    path = folder / "tags.dat"
    tags = None
    if path.is_file():
        tags = read_fields(path, "::", ["user", "item", "tag", "timestamp"], ["int", "int", "str", "int"], encoding=_encoding(path))
    return _movies_dat(folder / "movies.dat", None, tags)


def ml_csv_items(folder: Path) -> pd.DataFrame | None:
    """``movies.csv`` (movieId,title,genres) with ``tags.csv`` (userId,movieId,tag,timestamp) where present."""
    path = folder / "movies.csv"
    if not path.is_file():
        return None
    movies = read_fields(path, ",", ["item", "title", "genres"], ["int", "str", "str"], header=["movieId", "title", "genres"], quoted=True)
    tags = None
    if (folder / "tags.csv").is_file():
        tags = read_fields(
            folder / "tags.csv",
            ",",
            ["user", "item", "tag", "timestamp"],
            ["int", "int", "str", "int"],
            header=["userId", "movieId", "tag", "timestamp"],
            quoted=True,
        )
    return _with_genres_and_tags(movies, tags)


def _movies_dat(path: Path, encoding: str | None, tags: pd.DataFrame | None) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    movies = read_fields(path, "::", ["item", "title", "genres"], ["int", "str", "str"], encoding=encoding or _encoding(path))
    return _with_genres_and_tags(movies, tags)


def _with_genres_and_tags(movies: pd.DataFrame, tags: pd.DataFrame | None) -> pd.DataFrame:
    """title, year (from the title), one 0/1 column per genre named ``genre:<Genre>``, and ``tags``."""
    movies = movies.set_index("item")
    out = movies[["title"]].copy()
    out["year"] = _year(movies["title"])
    genres = movies["genres"].astype(str).str.get_dummies(sep="|").astype("int8")
    genres.columns = [f"genre:{g}" for g in genres.columns]
    out = out.join(genres)
    if tags is not None:
        # Every distinct tag a movie received, sorted, so the feature does not depend on file order.
        grouped = tags.groupby("item")["tag"].agg(lambda values: sorted(set(map(str, values))))
        out["tags"] = grouped.reindex(out.index)
        out["tags"] = out["tags"].map(lambda v: v if isinstance(v, list) else [])
    return out


def _year(titles: pd.Series) -> pd.Series:
    return pd.to_numeric(titles.astype(str).str.extract(YEAR_IN_TITLE)[0], errors="coerce").astype("Int64")


def _encoding(path: Path) -> str:
    """UTF-8 where the file decodes as such, else Latin-1 (older MovieLens releases)."""
    try:
        path.read_bytes().decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "latin-1"
