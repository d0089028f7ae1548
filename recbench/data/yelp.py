"""The Yelp Open Dataset's reviews (https://www.yelp.com/dataset), from a local copy only.

Yelp's terms require each user to accept them and download the data themselves, so there
is no URL to fetch: put ``yelp_academic_dataset_review.json`` (JSON lines with ``user_id``,
``business_id``, ``stars``, ``date``) in ``$RECBENCH_DATA_DIR/yelp/``, or import it with
``recbench data fetch yelp --from DIR``. Ids are Yelp's strings, remapped like any id;
``date`` ("2016-03-09 00:44:42") becomes unix seconds.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from recbench.data._jsonlines import read_json_lines
from recbench.data._spec import DatasetSpec
from recbench.errors import RecbenchError

REVIEWS = "yelp_academic_dataset_review.json"


def parse_yelp(folder: Path) -> pd.DataFrame:
    path = folder / REVIEWS
    frame = read_json_lines(path, {"user_id": "user", "business_id": "item", "stars": "rating", "date": "timestamp"})
    when = pd.to_datetime(frame["timestamp"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    if when.isna().any():
        row = int(when.isna().to_numpy().nonzero()[0][0])
        raise RecbenchError(f"{path}: record {row + 1} has the date {frame['timestamp'].iloc[row]!r}; expected 'YYYY-MM-DD HH:MM:SS'")
    frame["timestamp"] = (when.astype("datetime64[s]").astype("int64")).to_numpy()
    frame["rating"] = pd.to_numeric(frame["rating"], errors="raise").astype("float64")
    frame["user"] = frame["user"].astype(str).astype(object)
    frame["item"] = frame["item"].astype(str).astype(object)
    return frame


YELP = DatasetSpec(
    name="yelp",
    title="Yelp Open Dataset reviews (local copy): user-business star ratings with dates",
    folder="yelp",
    files=(REVIEWS,),
    parser=parse_yelp,
    homepage="https://www.yelp.com/dataset",
    manual_download=(
        "Yelp's licence requires you to accept its terms and download the data yourself at "
        "https://www.yelp.com/dataset; unpack it and place yelp_academic_dataset_review.json in a folder named yelp/"
    ),
    license="Yelp Dataset Terms of Use: academic, non-commercial use; no redistribution.",
    license_name="Yelp terms (manual download)",
    citation="Yelp Open Dataset, https://www.yelp.com/dataset",
)
