"""The NCF protocol files (He et al., WWW 2017; github.com/hexiangnan/neural_collaborative_filtering, ``Data/``).

Per dataset prefix (``ml-1m``, ``pinterest-20``), tab-separated:

* ``<prefix>.train.rating`` and ``<prefix>.test.rating``: user, item, rating[, timestamp]
  (0-based ids; the README says the timestamp is there "if have");
* ``<prefix>.test.negative``: one line per test line, ``(user,item)`` then the 99 sampled
  negatives the held-out item is ranked against.

The interactions are train ∪ test; split ``ncf`` gives the files' own train/test stages and
candidates ``ncf`` the published negatives. In 156 lines of the ML-1M file the user's test
item is itself among its negatives; that is the published file, reproduced as is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from recbench.data._formats import read_fields, read_integer_table
from recbench.data._spec import DatasetSpec
from recbench.errors import RecbenchError

NCF_RAW = "https://raw.githubusercontent.com/hexiangnan/neural_collaborative_filtering/4aab159e81c44b062c091bdaed0ab54ac632371f/Data"
LICENSE_NOTE = "the NCF repository's Apache-2.0 licence covers its code, not the data"
CITATION = (
    "Xiangnan He, Lizi Liao, Hanwang Zhang, Liqiang Nie, Xia Hu and Tat-Seng Chua. 2017. Neural Collaborative "
    "Filtering. WWW 2017. https://doi.org/10.1145/3038912.3052569"
)


def read_ratings(path: Path) -> pd.DataFrame:
    """user, item, rating and, where the file has a fourth field, timestamp."""
    with open(path, "rb") as handle:
        first = handle.readline().strip()
    columns = ["user", "item", "rating", "timestamp"] if first.count(b"\t") >= 3 else ["user", "item", "rating"]
    return read_integer_table(path, "\t", columns)


def ncf_parser(prefix: str):
    def parse(folder: Path) -> pd.DataFrame:
        return pd.concat([read_ratings(folder / f"{prefix}.{part}.rating") for part in ("train", "test")], ignore_index=True)

    parse.__name__ = f"parse_ncf_{prefix}"
    return parse


def ncf_split(prefix: str):
    def read(folder: Path) -> pd.DataFrame:
        parts = [read_ratings(folder / f"{prefix}.{stage}.rating")[["user", "item"]].assign(stage=stage) for stage in ("train", "test")]
        return pd.concat(parts, ignore_index=True)

    read.__name__ = f"read_ncf_{prefix}_split"
    return read


def ncf_negatives(prefix: str):
    def read(folder: Path) -> pd.DataFrame:
        return read_negatives(folder / f"{prefix}.test.negative", folder / f"{prefix}.test.rating")

    read.__name__ = f"read_ncf_{prefix}_negatives"
    return read


def read_negatives(path: Path, test_path: Path | None = None) -> pd.DataFrame:
    """Rows (user, item) of every line's negatives; each line's (user,item) must match test.rating's line."""
    if not path.is_file():
        raise RecbenchError(f"{path}: file not found")
    raw = path.read_bytes()
    first = raw.split(b"\n", 1)[0].rstrip(b"\r")
    if not first.startswith(b"("):
        raise RecbenchError(f"{path}, line 1: expected '(user,item)' then tab-separated negatives, got {first[:80].decode('latin-1')!r}")
    n_fields = first.count(b"\t") + 1
    # "(12,34)\t5\t6" -> "12\t34\t5\t6": one integer table the C parser reads
    flat = raw.replace(b"(", b"").replace(b")", b"").replace(b",", b"\t")
    frame = read_fields(path, "\t", [str(i) for i in range(n_fields + 1)], ["int"] * (n_fields + 1), content=flat)
    pairs = frame.iloc[:, :2].to_numpy()
    negatives = frame.iloc[:, 2:].to_numpy()
    if test_path is not None and test_path.is_file():
        test = read_ratings(test_path)[["user", "item"]].to_numpy()
        mismatch = len(test) != len(pairs) or not np.array_equal(test, pairs)
        if mismatch:
            line = 1 + int(np.flatnonzero((test[: len(pairs)] != pairs[: len(test)]).any(axis=1))[0]) if len(test) and len(pairs) else 1
            raise RecbenchError(
                f"{path}, line {line}: its (user,item) does not match line {line} of {test_path.name}; "
                "the two files must come from the same release"
            )
    return pd.DataFrame(
        {"user": np.repeat(pairs[:, 0], negatives.shape[1]).astype(np.int64), "item": negatives.reshape(-1).astype(np.int64)}
    )


def _ncf(name: str, prefix: str, title: str, underlying: str, counts: dict[str, int], sha256=None, timestamps="unix") -> DatasetSpec:
    files = tuple(f"{prefix}.{part}" for part in ("train.rating", "test.rating", "test.negative"))
    return DatasetSpec(
        name=name,
        title=title,
        folder="ncf",
        files=files,
        parser=ncf_parser(prefix),
        file_urls={f: f"{NCF_RAW}/{f}" for f in files},
        file_sha256=sha256 or {},
        homepage="https://github.com/hexiangnan/neural_collaborative_filtering",
        license=f"{underlying}; {LICENSE_NOTE}",
        license_name="GroupLens research-only" if "GroupLens" in underlying else "research-only",
        citation=CITATION,
        timestamps=timestamps,
        splits={"ncf": ncf_split(prefix)},
        candidates={"ncf": ncf_negatives(prefix)},
        counts=counts,
    )


NCF_ML_1M = _ncf(
    "ncf-ml-1m",
    "ml-1m",
    "MovieLens 1M in the NCF protocol files: latest rating per user held out, 99 negatives each",
    "MovieLens 1M data under the GroupLens research licence (research only, no redistribution)",
    {"users": 6040, "items": 3706, "interactions": 1_000_209},
    # test files as published (git blobs 1b79e03c…, c82844fb…); train.rating's digest is not known
    {
        "ml-1m.test.rating": "231ae11eb060b643a8c58c063cd17ffc743b54f569afb073d1abb6cf126b88b5",
        "ml-1m.test.negative": "127853228a76b7d21c0481e8ef8d00dd009cd5c88670dbdd9e9debfdb9f93de4",
    },
)

NCF_PINTEREST = _ncf(
    "ncf-pinterest",
    "pinterest-20",
    "Pinterest (pinterest-20) in the NCF protocol files: 99 negatives per test user",
    "Pinterest data of Geng et al. (ICCV 2015) as preprocessed by the NCF authors; research only",
    {"users": 55_187, "items": 9_916, "interactions": 1_500_809},
    timestamps=None,  # the NCF README gives timestamps only "if have"; treat the order as unknown
)
