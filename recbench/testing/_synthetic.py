"""Small generated datasets in the publishers' formats, with planted structure.

Users belong to clusters and mostly interact with their cluster's items, so a model
that learns anything beats popularity; tests and the conformance kit use these files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def planted_interactions(
    n_users: int = 120, n_items: int = 80, n_clusters: int = 4, per_user: int = 20, seed: int = 0
) -> np.ndarray:
    """Rows (user, item, rating, timestamp), 1-based ids like MovieLens, no repeated pairs."""
    rng = np.random.default_rng(seed)
    item_cluster = np.arange(n_items) % n_clusters
    rows = []
    for user in range(n_users):
        cluster = user % n_clusters
        own = np.flatnonzero(item_cluster == cluster)
        other = np.flatnonzero(item_cluster != cluster)
        n_own = min(len(own), int(per_user * 0.8))
        picked = np.concatenate([rng.choice(own, n_own, replace=False), rng.choice(other, per_user - n_own, replace=False)])
        for item in picked:
            rating = int(rng.integers(3, 6)) if item_cluster[item] == cluster else int(rng.integers(1, 4))
            rows.append((user + 1, item + 1, rating, 880000000 + int(rng.integers(0, 10_000_000))))
    return np.array(rows, dtype=np.int64)


def write_movielens(folder: str | Path, **kwargs) -> Path:
    """Write ``ml-100k/u.data`` (tab-separated) and ``ml-1m/ratings.dat`` (``::``) under ``folder``."""
    folder = Path(folder)
    rows = planted_interactions(**kwargs)
    (folder / "ml-100k").mkdir(parents=True, exist_ok=True)
    (folder / "ml-100k" / "u.data").write_text("".join("\t".join(map(str, r)) + "\n" for r in rows))
    (folder / "ml-1m").mkdir(parents=True, exist_ok=True)
    (folder / "ml-1m" / "ratings.dat").write_text("".join("::".join(map(str, r)) + "\n" for r in rows))
    return folder


# --- every publisher format, small -------------------------------------------------------------------
# Each writer takes rows from planted_interactions (1-based ids) and lays the files out as the
# publisher's archive or repository does, so the real loaders read them unchanged.

GENRES = ["Action", "Comedy", "Drama", "Sci-Fi"]


def _lines(rows, sep: str, *, float_rating: bool = False) -> str:
    out = []
    for user, item, rating, timestamp in rows:
        value = f"{rating - 0.5:.1f}" if float_rating and item % 2 else (f"{float(rating):.1f}" if float_rating else str(rating))
        out.append(sep.join([str(user), str(item), value, str(timestamp)]))
    return "\n".join(out) + "\n"


def _time_ordered(rows: np.ndarray) -> np.ndarray:
    return rows[np.lexsort((rows[:, 3], rows[:, 0]))]


def write_ml_100k_extras(folder: str | Path, rows: np.ndarray) -> Path:
    """u.user, u.item (Latin-1, with an accented title) and the predefined splits u1..u5, ua, ub."""
    target = Path(folder) / "ml-100k"
    target.mkdir(parents=True, exist_ok=True)
    users, items = np.unique(rows[:, 0]), np.unique(rows[:, 1])
    (target / "u.user").write_text("".join(f"{u}|{20 + u % 40}|{'MF'[u % 2]}|student|{10000 + u}\n" for u in users))
    item_lines = []
    for i in items:
        title = "Am\u00e9lie (2001)" if i == 1 else f"Movie {i} ({1990 + i % 10})"
        flags = "|".join("1" if g == i % 19 else "0" for g in range(19))
        item_lines.append(f"{i}|{title}|01-Jan-{1990 + i % 10}||http://example.invalid/{i}|{flags}\n")
    (target / "u.item").write_bytes("".join(item_lines).encode("latin-1"))
    fold = np.arange(len(rows)) % 5
    for k in range(5):
        (target / f"u{k + 1}.base").write_text(_lines(rows[fold != k], "\t"))
        (target / f"u{k + 1}.test").write_text(_lines(rows[fold == k], "\t"))
    ordered = _time_ordered(rows)
    last = np.r_[ordered[1:, 0] != ordered[:-1, 0], True]
    for name in ("ua", "ub"):
        (target / f"{name}.base").write_text(_lines(ordered[~last], "\t"))
        (target / f"{name}.test").write_text(_lines(ordered[last], "\t"))
    return target


def write_ml_1m_extras(folder: str | Path, rows: np.ndarray) -> Path:
    """users.dat and movies.dat (Latin-1, genres joined by |)."""
    target = Path(folder) / "ml-1m"
    target.mkdir(parents=True, exist_ok=True)
    users, items = np.unique(rows[:, 0]), np.unique(rows[:, 1])
    (target / "users.dat").write_text("".join(f"{u}::{'MF'[u % 2]}::{[1, 18, 25][u % 3]}::{u % 21}::{10000 + u}\n" for u in users))
    titles = {i: ("Am\u00e9lie" if i == 1 else f"Movie {i}") + f" ({1990 + i % 10})" for i in items}
    lines = [f"{i}::{titles[i]}::{GENRES[i % 4]}|{GENRES[(i + 1) % 4]}\n" for i in items]
    (target / "movies.dat").write_bytes("".join(lines).encode("latin-1"))
    return target


def write_ml_10m(folder: str | Path, rows: np.ndarray) -> Path:
    """ml-10M100K/ ratings.dat with half-star ratings, movies.dat, tags.dat."""
    target = Path(folder) / "ml-10M100K"
    target.mkdir(parents=True, exist_ok=True)
    (target / "ratings.dat").write_text(_lines(rows, "::", float_rating=True))
    items = np.unique(rows[:, 1])
    (target / "movies.dat").write_text("".join(f"{i}::Movie {i} ({1990 + i % 10})::{GENRES[i % 4]}\n" for i in items))
    (target / "tags.dat").write_text("".join(f"{u}::{i}::tag{i % 3}::{t}\n" for u, i, _, t in rows[::7]))
    return target


def write_ml_csv(folder: str | Path, rows: np.ndarray, release: str = "ml-20m") -> Path:
    """<release>/ ratings.csv (header, half-star floats), movies.csv (quoted titles), tags.csv."""
    target = Path(folder) / release
    target.mkdir(parents=True, exist_ok=True)
    (target / "ratings.csv").write_text("userId,movieId,rating,timestamp\n" + _lines(rows, ",", float_rating=True))
    items = np.unique(rows[:, 1])
    movies = [f'{i},"Movie {i}, The ({1990 + i % 10})",{GENRES[i % 4]}|{GENRES[(i + 2) % 4]}' for i in items]
    (target / "movies.csv").write_text("movieId,title,genres\n" + "\n".join(movies) + "\n")
    tags = [f'{u},{i},"tag, {i % 3}",{t}' for u, i, _, t in rows[::7]]
    (target / "tags.csv").write_text("userId,movieId,tag,timestamp\n" + "\n".join(tags) + "\n")
    return target


def write_ncf(folder: str | Path, rows: np.ndarray, prefix: str = "ml-1m", negatives: int = 99, seed: int = 0) -> Path:
    """ncf/<prefix>.train.rating, .test.rating (latest per user, 0-based ids) and .test.negative."""
    target = Path(folder) / "ncf"
    target.mkdir(parents=True, exist_ok=True)
    zero = rows - np.array([1, 1, 0, 0])
    ordered = _time_ordered(zero)
    last = np.r_[ordered[1:, 0] != ordered[:-1, 0], True]
    (target / f"{prefix}.train.rating").write_text(_lines(ordered[~last], "\t"))
    (target / f"{prefix}.test.rating").write_text(_lines(ordered[last], "\t"))
    rng = np.random.default_rng(seed)
    n_items = int(zero[:, 1].max()) + 1
    lines = []
    for user, item, _, _ in ordered[last]:
        seen = set(zero[zero[:, 0] == user, 1].tolist())
        pool = np.array([i for i in range(n_items) if i not in seen])
        picked = rng.choice(pool, negatives, replace=False)
        lines.append(f"({user},{item})\t" + "\t".join(map(str, picked)))
    (target / f"{prefix}.test.negative").write_text("\n".join(lines) + "\n")
    return target


def write_s3rec(folder: str | Path, rows: np.ndarray, category: str = "Beauty") -> Path:
    """s3rec/<Category>.txt (user then items in time order) and <Category>_item2attributes.json."""
    import json

    target = Path(folder) / "s3rec"
    target.mkdir(parents=True, exist_ok=True)
    ordered = _time_ordered(rows)
    lines = [" ".join(map(str, [user, *ordered[ordered[:, 0] == user, 1]])) for user in np.unique(ordered[:, 0])]
    (target / f"{category}.txt").write_text("\n".join(lines) + "\n")
    attributes = {str(i): [int(i % 7) + 1, int(i % 3) + 8] for i in np.unique(rows[:, 1])}
    (target / f"{category}_item2attributes.json").write_text(json.dumps(attributes))
    return target


def write_amazon_5core(folder: str | Path, rows: np.ndarray, category: str = "Beauty") -> Path:
    """amazon-2014/reviews_<Category>_5.json.gz: JSON lines with reviewerID, asin, overall, unixReviewTime."""
    import gzip
    import json

    target = Path(folder) / "amazon-2014"
    target.mkdir(parents=True, exist_ok=True)
    records = [
        {"reviewerID": f"A{user:05d}X", "asin": f"B{item:09d}", "overall": float(rating), "unixReviewTime": int(t), "reviewText": "fine"}
        for user, item, rating, t in rows
    ]
    with gzip.open(target / f"reviews_{category}_5.json.gz", "wt", encoding="utf-8") as out:
        out.write("\n".join(json.dumps(r) for r in records) + "\n")
    return target


def write_lastfm(folder: str | Path, rows: np.ndarray) -> Path:
    """hetrec2011-lastfm-2k/ user_artists.dat (play counts) and artists.dat."""
    target = Path(folder) / "hetrec2011-lastfm-2k"
    target.mkdir(parents=True, exist_ok=True)
    plays = "".join(f"{u}\t{i}\t{r * 37 + t % 100}\n" for u, i, r, t in rows)
    (target / "user_artists.dat").write_text("userID\tartistID\tweight\n" + plays)
    artists = "".join(f"{i}\tArtist {i}\thttp://www.last.fm/music/{i}\t\n" for i in np.unique(rows[:, 1]))
    (target / "artists.dat").write_text("id\tname\turl\tpictureURL\n" + artists)
    return target


def write_goodbooks(folder: str | Path, rows: np.ndarray) -> Path:
    """goodbooks-10k/ ratings.csv (user_id,book_id,rating; in time order) and books.csv."""
    target = Path(folder) / "goodbooks-10k"
    target.mkdir(parents=True, exist_ok=True)
    ordered = _time_ordered(rows)
    (target / "ratings.csv").write_text("user_id,book_id,rating\n" + "".join(f"{u},{i},{r}\n" for u, i, r, _ in ordered))
    books = "".join(f'{i},{1000 + i},"Author {i}, Jr.",{1950.0 + i},Book {i}\n' for i in np.unique(rows[:, 1]))
    (target / "books.csv").write_text("book_id,goodreads_book_id,authors,original_publication_year,title\n" + books)
    return target


def write_yelp(folder: str | Path, rows: np.ndarray) -> Path:
    """yelp/yelp_academic_dataset_review.json: JSON lines with string ids and dates."""
    import json
    from datetime import datetime, timezone

    target = Path(folder) / "yelp"
    target.mkdir(parents=True, exist_ok=True)
    records = [
        {
            "review_id": f"r{n}",
            "user_id": f"u-{user:04d}",
            "business_id": f"b-{item:04d}",
            "stars": float(rating),
            "date": datetime.fromtimestamp(int(t), tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
            "text": "good",
        }
        for n, (user, item, rating, t) in enumerate(rows)
    ]
    (target / "yelp_academic_dataset_review.json").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return target


def write_atomic(folder: str | Path, rows: np.ndarray, name: str = "toy") -> Path:
    """<name>.inter (typed header) with <name>.user and <name>.item beside it; returns the .inter path."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    header = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
    (target / f"{name}.inter").write_text(header + "".join(f"{u}\t{i}\t{float(r)}\t{float(t)}\n" for u, i, r, t in rows))
    users = "".join(f"{u}\t{20 + u % 40}\t{'MF'[u % 2]}\n" for u in np.unique(rows[:, 0]))
    (target / f"{name}.user").write_text("user_id:token\tage:float\tgender:token\n" + users)
    items = "".join(f"{i}\tMovie {i}\t{GENRES[i % 4]} {GENRES[(i + 1) % 4]}\n" for i in np.unique(rows[:, 1]))
    (target / f"{name}.item").write_text("item_id:token\ttitle:token_seq\tgenre:token_seq\n" + items)
    return target / f"{name}.inter"


def write_table(path: str | Path, rows: np.ndarray, columns=("uid", "iid", "stars", "when")) -> Path:
    """A CSV, TSV or Parquet file (by suffix) with the given column names."""
    import pandas as pd

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows, columns=list(columns))
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, sep="\t" if path.suffix == ".tsv" else ",", index=False)
    return path


def write_sequences(path: str | Path, rows: np.ndarray) -> Path:
    """One line per user: the user id then item ids in time order, space-separated."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = _time_ordered(rows)
    lines = [" ".join(map(str, [u, *ordered[ordered[:, 0] == u, 1]])) for u in np.unique(ordered[:, 0])]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_publishers(folder: str | Path, **kwargs) -> Path:
    """Every publisher's layout under ``folder`` (a RECBENCH_DATA_DIR), from one planted dataset.

    160 items by default, so NCF's 99 negatives per user fit.
    """
    kwargs.setdefault("n_items", 160)
    folder = Path(folder)
    rows = planted_interactions(**kwargs)
    write_movielens(folder, **kwargs)
    write_ml_100k_extras(folder, rows)
    write_ml_1m_extras(folder, rows)
    write_ml_10m(folder, rows)
    for release in ("ml-20m", "ml-25m", "ml-32m", "ml-latest-small"):
        write_ml_csv(folder, rows, release)
    write_ncf(folder, rows, "ml-1m")
    write_ncf(folder, rows, "pinterest-20")
    for category in ("Beauty", "Sports_and_Outdoors", "Toys_and_Games", "Yelp"):
        write_s3rec(folder, rows, category)
    for category in ("Beauty", "Sports_and_Outdoors", "Toys_and_Games"):
        write_amazon_5core(folder, rows, category)
    write_lastfm(folder, rows)
    write_goodbooks(folder, rows)
    write_yelp(folder, rows)
    return folder
