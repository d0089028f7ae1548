"""Amazon review data as the sequential-recommendation literature uses it.

Two publishers' formats:

* **S3-Rec sequences** (Zhou et al., CIKM 2020; github.com/RUCAIBox/CIKM2020-S3Rec, ``data/``):
  ``<Category>.txt`` holds one user per line, the user id then item ids in time order, all
  integers separated by spaces; ``<Category>_item2attributes.json`` maps item ids to lists
  of attribute ids. They were built from the 5-core files below (Yelp from Yelp's dump).
  Only the order within a user is known, so timestamps are ordinal.
* **Per-category 5-core reviews** of the 2014 Amazon dump (McAuley et al.):
  ``reviews_<Category>_5.json.gz``, gzipped JSON lines with ``reviewerID``, ``asin``,
  ``overall`` (1-5 stars) and ``unixReviewTime``. These are the files that are "5-core"
  by construction (every user and item has at least 5 reviews); the ``ratings_<Category>.csv``
  files of the same dump are the unfiltered ratings, so they are not used here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from recbench.data._jsonlines import read_json_lines
from recbench.data._sequences import read_sequences
from recbench.data._spec import DatasetSpec
from recbench.errors import RecbenchError

# The snapshot of the S3-Rec repository whose Beauty files are byte-identical to the known digests.
S3REC_RAW = "https://raw.githubusercontent.com/RUCAIBox/CIKM2020-S3Rec/2a81540ae18615d88ef88227b0c066e5b74781e5/data"
SNAP_2014 = "http://snap.stanford.edu/data/amazon/productGraph/categoryFiles"

AMAZON_LICENSE = (
    "Amazon review data (J. McAuley, UCSD), released for research use; the S3-Rec repository adds no licence. "
    "Research only; do not redistribute."
)
AMAZON_CITATION = (
    "Julian McAuley, Christopher Targett, Qinfeng Shi and Anton van den Hengel. 2015. Image-based recommendations "
    "on styles and substitutes. SIGIR 2015. Ruining He and Julian McAuley. 2016. Ups and downs: Modeling the "
    "visual evolution of fashion trends with one-class collaborative filtering. WWW 2016."
)
S3REC_CITATION = (
    "Kun Zhou, Hui Wang, Wayne Xin Zhao, Yutao Zhu, Sirui Wang, Fuzheng Zhang, Zhongyuan Wang and Ji-Rong Wen. "
    "2020. S3-Rec: Self-Supervised Learning for Sequential Recommendation with Mutual Information Maximization. "
    "CIKM 2020. "
)
YELP_LICENSE = "Yelp Dataset Terms of Use (academic, non-commercial use; no redistribution). Research only."


def s3rec_parser(category: str):
    def parse(folder: Path) -> pd.DataFrame:
        return read_sequences(folder / f"{category}.txt", sep=" ", numeric=True)

    parse.__name__ = f"parse_s3rec_{category.lower()}"
    return parse


def s3rec_attributes(category: str):
    """Item features: ``attributes``, the list of attribute ids of each item."""

    def read(folder: Path) -> pd.DataFrame | None:
        path = folder / f"{category}_item2attributes.json"
        if not path.is_file():
            return None
        try:
            mapping = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise RecbenchError(f"{path}: not valid JSON ({exc}); the file is truncated or not the original") from None
        if not isinstance(mapping, dict) or not all(
            str(k).isdigit() and isinstance(v, list) and all(isinstance(a, int) for a in v) for k, v in mapping.items()
        ):
            raise RecbenchError(f"{path}: expected an object of item id -> list of integer attribute ids")
        frame = pd.DataFrame({"attributes": [list(v) for v in mapping.values()]}, index=pd.Index([int(k) for k in mapping], name="item"))
        return frame.sort_index()

    read.__name__ = f"read_s3rec_{category.lower()}_attributes"
    return read


def parse_5core(folder: Path, name: str) -> pd.DataFrame:
    frame = read_json_lines(
        folder / name, {"reviewerID": "user", "asin": "item", "overall": "rating", "unixReviewTime": "timestamp"}
    )
    frame["rating"] = pd.to_numeric(frame["rating"], errors="raise").astype("float64")
    frame["timestamp"] = pd.to_numeric(frame["timestamp"], errors="raise").astype("int64")
    frame["user"] = frame["user"].astype(str).astype(object)
    frame["item"] = frame["item"].astype(str).astype(object)
    return frame


def _s3rec(name: str, category: str, title: str, counts: dict[str, int], sha256: dict[str, str] | None = None, yelp=False) -> DatasetSpec:
    files = (f"{category}.txt", f"{category}_item2attributes.json")
    return DatasetSpec(
        name=name,
        title=title,
        folder="s3rec",
        files=files[:1],
        optional_files=files[1:],
        parser=s3rec_parser(category),
        item_features=s3rec_attributes(category),
        file_urls={f: f"{S3REC_RAW}/{f}" for f in files},
        file_sha256=sha256 or {},
        homepage="https://github.com/RUCAIBox/CIKM2020-S3Rec",
        license=YELP_LICENSE if yelp else AMAZON_LICENSE,
        license_name="Yelp terms, research-only" if yelp else "Amazon research-only",
        citation=S3REC_CITATION + ("Yelp Open Dataset, https://www.yelp.com/dataset" if yelp else AMAZON_CITATION),
        timestamps="ordinal",
        counts=counts,
        defaults={"duplicates": "keep"},  # sequences may repeat an item; the publisher's sequence is the data
    )


AMAZON_BEAUTY_S3REC = _s3rec(
    "amazon-beauty-s3rec",
    "Beauty",
    "Amazon Beauty, S3-Rec sequences: 198,502 interactions, 22,363 users, 12,101 items",
    {"users": 22_363, "items": 12_101, "interactions": 198_502},
    {
        "Beauty.txt": "226cce9c3105299ca0db9615d7d3fb32b3175e90da43100ae352599f0f0107b8",
        "Beauty_item2attributes.json": "129e40f67486f6877eff0f5318cfa8530ee8ac23d8b0d1de04e1bb7a2ba0b2d4",
    },
)
AMAZON_SPORTS_S3REC = _s3rec(
    "amazon-sports-s3rec",
    "Sports_and_Outdoors",
    "Amazon Sports and Outdoors, S3-Rec sequences: 296,337 interactions, 35,598 users, 18,357 items",
    {"users": 35_598, "items": 18_357, "interactions": 296_337},
)
AMAZON_TOYS_S3REC = _s3rec(
    "amazon-toys-s3rec",
    "Toys_and_Games",
    "Amazon Toys and Games, S3-Rec sequences: 167,597 interactions, 19,412 users, 11,924 items",
    {"users": 19_412, "items": 11_924, "interactions": 167_597},
)
YELP_S3REC = _s3rec(
    "yelp-s3rec",
    "Yelp",
    "Yelp, S3-Rec sequences: 316,354 interactions, 30,431 users, 20,033 businesses",
    {"users": 30_431, "items": 20_033, "interactions": 316_354},
    yelp=True,
)


def _five_core(name: str, category: str, title: str, counts: dict[str, int]) -> DatasetSpec:
    file = f"reviews_{category}_5.json.gz"

    def parse(folder: Path) -> pd.DataFrame:
        return parse_5core(folder, file)

    parse.__name__ = f"parse_{category.lower()}_5core"
    return DatasetSpec(
        name=name,
        title=title,
        folder="amazon-2014",
        files=(file,),
        parser=parse,
        file_urls={file: f"{SNAP_2014}/{file}"},
        homepage="https://jmcauley.ucsd.edu/data/amazon/index_2014.html",
        license=AMAZON_LICENSE,
        license_name="Amazon research-only",
        citation=AMAZON_CITATION,
        counts=counts,
    )


AMAZON_BEAUTY = _five_core(
    "amazon-beauty",
    "Beauty",
    "Amazon Beauty 5-core reviews (2014 dump): 198,502 ratings, 22,363 users, 12,101 items",
    {"users": 22_363, "items": 12_101, "interactions": 198_502},
)
AMAZON_SPORTS = _five_core(
    "amazon-sports",
    "Sports_and_Outdoors",
    "Amazon Sports and Outdoors 5-core reviews (2014 dump): 296,337 ratings, 35,598 users, 18,357 items",
    {"users": 35_598, "items": 18_357, "interactions": 296_337},
)
AMAZON_TOYS = _five_core(
    "amazon-toys",
    "Toys_and_Games",
    "Amazon Toys and Games 5-core reviews (2014 dump): 167,597 ratings, 19,412 users, 11,924 items",
    {"users": 19_412, "items": 11_924, "interactions": 167_597},
)
