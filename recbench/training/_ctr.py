"""Task ``ctr``: click-through prediction from user and item side features, scored by AUC, GAUC and LogLoss.

Every rating is an impression; a rating of 4 or more is a click (label 1), 1 and 2 are
non-clicks, and a 3 is dropped or counted as a non-click as the protocol's
``ctr.rating_3`` says. The split is the protocol's ordinary split of the ratings,
labelled afterwards, so the same users hold out the same ratings whatever ``rating_3``.

Features are categorical fields, index 0 meaning missing:

- user side: ``user`` (id), ``age`` (ML-1M's age groups; ML-100K's ages binned the same
  way), ``gender``, ``occupation``, ``zip`` (its first ``ZIP_PREFIX`` characters);
- item side: ``item`` (id), ``year`` (from the title), ``genres`` (multi-hot).

Fields whose column a dataset lacks are left out; a dataset without user or item side
files is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
import pandas as pd
import torch
from omegaconf import DictConfig
from torch import Tensor

from recbench.data import Interactions
from recbench.errors import RecbenchError
from recbench.evaluation import CTREvaluation, CTREvaluator
from recbench.plugins import ModelSpec, get_registry
from recbench.splitting import Split
from recbench.training._datamodule import CPUBatchesDataModule, _Batches, shard

# Bump when the labelling or the encoding below changes meaning: it enters the split fingerprint.
FEATURE_ENCODING_VERSION = 1
CLICK_RATING = 4  # rating >= this is a click
RATING_3_POLICIES = ("drop", "negative")
# ML-1M's age groups (1: under 18, 18: 18-24, ..., 56: 56+); ML-100K's exact ages fall into the same bins.
AGE_BINS = (18, 25, 35, 45, 50, 56)
ZIP_PREFIX = 3  # US three-digit ZIP prefix: a sectional centre, ~900 areas
USER_FIELDS = ("age", "gender", "occupation", "zip")
EVAL_BATCH_IMPRESSIONS = 16384


@dataclass
class FeatureTables:
    """Encoded side features: each field's indices per user and per item.

    ``fields`` are the model's feature facts (``recbench.models.ctr.Field`` as dicts).
    ``user[name]`` is [n_users] (or [n_users, M] multi-hot); ``item[name]`` is
    [n_items + 1] (or [n_items + 1, M]), the extra last row all zeros: history padding.
    """

    fields: list[dict]
    user: dict[str, Tensor]
    item: dict[str, Tensor]

    @property
    def padding_item(self) -> int:
        return len(next(iter(self.item.values()))) - 1

    def of(self, users: Tensor, items: Tensor) -> dict[str, Tensor]:
        """Field indices of impressions (``users``, ``items``) [B]: {field: [B] or [B, M]}."""
        return {**{name: table[users] for name, table in self.user.items()}, **{name: table[items] for name, table in self.item.items()}}


@dataclass
class CTRSplit(Split):
    """A split whose stages carry a 0/1 ``label`` column, plus the encoded side features."""

    features: FeatureTables | None = None


def _categories(values: pd.Series) -> tuple[np.ndarray, int]:
    """(indices 1..K by sorted value, 0 where missing; cardinality K + 1)."""
    present = values.notna().to_numpy()
    text = values.astype(str).to_numpy()
    vocabulary = np.unique(text[present])
    indices = np.zeros(len(values), dtype=np.int64)
    indices[present] = np.searchsorted(vocabulary, text[present]) + 1
    return indices, len(vocabulary) + 1


def _age_groups(values: pd.Series) -> tuple[np.ndarray, int]:
    ages = pd.to_numeric(values, errors="coerce").to_numpy(np.float64)
    indices = np.where(np.isnan(ages), 0, np.digitize(np.nan_to_num(ages), AGE_BINS) + 1)
    return indices.astype(np.int64), len(AGE_BINS) + 2


def _zip_prefixes(values: pd.Series) -> tuple[np.ndarray, int]:
    prefixes = values.where(values.isna(), values.astype(str).str.strip().str[:ZIP_PREFIX].str.upper())
    return _categories(prefixes.replace("", None))


def _genres(table: pd.DataFrame) -> tuple[np.ndarray, int] | None:
    """[n, M] genre indices (1-based column positions) of each row, right-padded with 0; None without genre columns."""
    columns = [c for c in table.columns if str(c).startswith("genre:")]
    if not columns:
        return None
    flags = table[columns].fillna(0).to_numpy(np.int64) > 0
    indices = np.where(flags, np.arange(1, len(columns) + 1), 0)
    width = max(int(flags.sum(1).max(initial=0)), 1)
    return -np.sort(-indices, axis=1)[:, :width], len(columns) + 1


def encode_features(user_features: pd.DataFrame | None, item_features: pd.DataFrame | None, n_users: int, n_items: int, dataset: str) -> FeatureTables:
    """Categorical field indices of every user and item (rows in dense-id order, as ``Interactions`` holds them)."""
    missing = [kind for kind, table in (("user", user_features), ("item", item_features)) if table is None]
    if missing:
        raise RecbenchError(
            f"dataset '{dataset}' has no {' or '.join(missing)} side features, and click-through models predict from "
            "user and item features; use a dataset that ships them (ml-100k with u.user and u.item, ml-1m with users.dat "
            "and movies.dat in its folder)"
        )
    users = user_features.reindex(pd.RangeIndex(n_users))
    items = item_features.reindex(pd.RangeIndex(n_items))
    fields = [{"name": "user", "cardinality": n_users + 1, "owner": "user", "multi_hot": False}]
    user_tables = {"user": torch.arange(1, n_users + 1)}
    encoders = {"age": _age_groups, "gender": _categories, "occupation": _categories, "zip": _zip_prefixes}
    for name in USER_FIELDS:
        if name in users:
            indices, cardinality = encoders[name](users[name])
            fields.append({"name": name, "cardinality": cardinality, "owner": "user", "multi_hot": False})
            user_tables[name] = torch.from_numpy(indices)
    fields.append({"name": "item", "cardinality": n_items + 1, "owner": "item", "multi_hot": False})
    item_tables = {"item": torch.arange(1, n_items + 1)}
    if "year" in items:
        indices, cardinality = _categories(items["year"])
        fields.append({"name": "year", "cardinality": cardinality, "owner": "item", "multi_hot": False})
        item_tables["year"] = torch.from_numpy(indices)
    genres = _genres(items)
    if genres is not None:
        fields.append({"name": "genres", "cardinality": genres[1], "owner": "item", "multi_hot": True})
        item_tables["genres"] = torch.from_numpy(genres[0])
    # one more item row, all zeros (missing in every field): what padded history positions look up
    item_tables = {name: torch.cat([table, torch.zeros_like(table[:1])]) for name, table in item_tables.items()}
    return FeatureTables(fields, user_tables, item_tables)


def label_impressions(frame: pd.DataFrame, rating_3: str) -> pd.DataFrame:
    """``frame`` with a 0/1 ``label`` column: rating >= 4 is 1; a 3 is dropped or 0 as ``rating_3`` says."""
    if rating_3 not in RATING_3_POLICIES:
        raise RecbenchError(f"protocol.ctr.rating_3='{rating_3}' is not a policy; use drop or negative")
    if "rating" not in frame:
        raise RecbenchError("this dataset has no ratings; click-through protocols derive clicks from explicit ratings (e.g. MovieLens)")
    if rating_3 == "drop":
        frame = frame[frame["rating"] != 3]
    frame = frame.reset_index(drop=True)
    return frame.assign(label=(frame["rating"] >= CLICK_RATING).astype(np.float32))


def impressions(split: Split, data: Interactions, options: Any) -> CTRSplit:
    """The labelled split of a click-through protocol, with ``data``'s side features encoded.

    ``options`` is the protocol's ``ctr`` section. The fingerprint covers the split, the
    labelling (``rating_3``), the side files' digests and the encoding version.
    """
    rating_3 = str(options["rating_3"])
    stages = {stage: label_impressions(split.stage(stage), rating_3) for stage in ("train", "valid", "test")}
    features = encode_features(data.user_features, data.item_features, split.n_users, split.n_items, data.name)
    content = {
        "split": split.fingerprint,
        "rating_3": rating_3,
        "click_rating": CLICK_RATING,
        "side_files": dict(sorted(data.feature_sha256.items())),
        "encoding": FEATURE_ENCODING_VERSION,
    }
    fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    dropped = dict(split.dropped)
    if rating_3 == "drop":
        dropped["rating_3"] = sum(len(split.stage(s)) - len(stages[s]) for s in ("valid", "test"))
    return CTRSplit(
        stages["train"],
        stages["valid"],
        stages["test"],
        split.n_users,
        split.n_items,
        fingerprint,
        split.fold_in,
        dict(split.candidates),
        dropped,
        features=features,
    )


def _column(frame: pd.DataFrame, name: str, dtype=np.int64) -> Tensor:
    return torch.from_numpy(frame[name].to_numpy(dtype, copy=True))


@dataclass
class _Histories:
    """Each user's training items in time order, flat, and how to find an impression's earlier ones."""

    items: Tensor  # [T] item ids, by (user, time, row)
    keys: Tensor  # [T] user * stride + rank of the time among the distinct training times
    times: Tensor  # [D] the distinct training times, sorted
    stride: int
    max_length: int
    padding_item: int

    @classmethod
    def of(cls, train: pd.DataFrame, max_length: int, padding_item: int) -> "_Histories":
        if "timestamp" not in train:
            raise RecbenchError("input kind 'impressions_with_history' orders each user's items by time, and this dataset has no timestamps")
        users, times = train["user"].to_numpy(np.int64), train["timestamp"].to_numpy(np.int64)
        order = np.lexsort((np.arange(len(train)), times, users))
        distinct = np.unique(times)
        stride = len(distinct) + 1
        keys = users[order] * stride + np.searchsorted(distinct, times[order])
        items = train["item"].to_numpy(np.int64)[order]
        return cls(torch.from_numpy(items), torch.from_numpy(keys), torch.from_numpy(distinct), stride, max_length, padding_item)

    def before(self, users: Tensor, timestamps: Tensor) -> tuple[Tensor, Tensor]:
        """Item ids [B, W] of each user's last ``max_length`` training items strictly before the timestamp, oldest
        first, right-padded with ``padding_item``; their lengths [B]. W is the batch's longest, at most ``max_length``."""
        rank = torch.searchsorted(self.times, timestamps.contiguous())
        end = torch.searchsorted(self.keys, users * self.stride + rank)
        start = torch.maximum(torch.searchsorted(self.keys, users * self.stride), end - self.max_length)
        lengths = end - start
        width = int(lengths.max()) if len(lengths) else 0
        offsets = torch.arange(width)
        index = (start.unsqueeze(1) + offsets).clamp(max=max(len(self.items) - 1, 0))
        real = offsets < lengths.unsqueeze(1)
        items = self.items[index] if len(self.items) else torch.zeros_like(index)
        return torch.where(real, items, self.padding_item), lengths


class CTRDataModule(CPUBatchesDataModule):
    """Batches of impressions with their field indices; held-out impressions without their labels.

    ``"impressions"``: every training impression once per epoch, in a fresh seeded order,
    as ``{"users", "items", "labels", "features"}``; ``"impressions_with_history"`` adds
    each impression's ``history`` (item fields of the user's training items strictly
    before it in time, at most ``max_history``, oldest first) and ``history_lengths``.
    Validation and test loaders yield the same without ``labels``, plus ``positions`` (rows
    of the stage); the evaluator, not the model, holds the labels. Histories come from
    training impressions only. Under DDP every process draws the same epoch and takes its
    slice of each global batch.
    """

    def __init__(
        self,
        split: CTRSplit,
        input_kind: str,
        batch_size: int = 1024,
        eval_batch_size: int = EVAL_BATCH_IMPRESSIONS,
        max_history: int = 50,
        seed: int = 0,
    ):
        super().__init__()
        if input_kind not in ("impressions", "impressions_with_history"):
            raise RecbenchError(f"input_kind '{input_kind}' has no click-through batches; CTR models use impressions or impressions_with_history")
        self.features = split.features
        self.batch_size = batch_size
        self.eval_batch_size = eval_batch_size
        self.generator = torch.Generator().manual_seed(seed)
        self.histories = _Histories.of(split.train, max_history, self.features.padding_item) if input_kind == "impressions_with_history" else None
        self.stages = {}
        for stage in ("train", "valid", "test"):
            frame = split.stage(stage)
            times = _column(frame, "timestamp") if "timestamp" in frame else torch.zeros(len(frame), dtype=torch.long)
            self.stages[stage] = {"users": _column(frame, "user"), "items": _column(frame, "item"), "timestamps": times}
        self.labels = _column(split.train, "label", np.float32)

    def batch(self, users: Tensor, items: Tensor, timestamps: Tensor | None = None) -> dict[str, Any]:
        """The model's input for impressions (``users``, ``items``, at ``timestamps``) [B]."""
        out: dict[str, Any] = {"users": users, "items": items, "features": self.features.of(users, items)}
        if self.histories is not None:
            history, lengths = self.histories.before(users, timestamps if timestamps is not None else torch.zeros_like(users))
            out["history"] = {name: table[history] for name, table in self.features.item.items()}
            out["history_lengths"] = lengths
        return out

    def _epoch(self) -> Iterator[dict[str, Any]]:
        train = self.stages["train"]
        order = torch.randperm(len(self.labels), generator=self.generator)
        rank, world = shard(self.trainer)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size].tensor_split(world)[rank]
            yield {**self.batch(train["users"][rows], train["items"][rows], train["timestamps"][rows]), "labels": self.labels[rows]}

    def train_dataloader(self):
        return _Batches(self._epoch, len(self.labels), self.batch_size)

    def _held_out(self, stage: str) -> _Batches:
        part = self.stages[stage]
        rank, world = shard(self.trainer)
        positions = torch.arange(len(part["users"])).tensor_split(world)[rank]

        def chunks() -> Iterator[dict[str, Any]]:
            for rows in torch.split(positions, self.eval_batch_size):
                yield {**self.batch(part["users"][rows], part["items"][rows], part["timestamps"][rows]), "positions": rows}

        return _Batches(chunks, len(positions), self.eval_batch_size)

    def val_dataloader(self):
        return self._held_out("valid")

    def test_dataloader(self):
        return self._held_out("test")


def ctr(split: Split, spec: ModelSpec, hyperparameters: dict[str, Any], cfg: DictConfig):
    """Task ``ctr``: the model predicts click probabilities of held-out impressions; selection on the validation AUC."""
    from recbench.training._tasks import TaskParts  # here, not above: _tasks registers this builder

    protocol = cfg.protocol
    if not isinstance(split, CTRSplit):
        raise RecbenchError(f"model '{spec.name}' is a ctr model, and protocol '{protocol.id}' has no click labels; use protocol=ctr-811")
    for stage in ("train", "valid", "test"):
        labels = split.stage(stage)["label"]
        if len(labels) == 0:
            raise RecbenchError(
                f"protocol '{protocol.id}' leaves no {stage} impressions on this dataset; click-through prediction needs "
                "training, validation and test impressions (give the split a validation share)"
            )
    if split.train["label"].nunique() < 2:
        raise RecbenchError(f"protocol '{protocol.id}': every training impression has the same label; a click model needs clicks and non-clicks")
    metrics = [get_registry().metric(name) for name in protocol.metrics]
    selection = next(m for m in metrics if m.name == protocol.valid_metric)
    datamodule = CTRDataModule(
        split,
        spec.tags.input_kind,
        batch_size=int(hyperparameters.get("batch_size", 1024)),
        max_history=int(hyperparameters.get("max_history", 50)),
        seed=cfg.seed,
    )
    evaluation = CTREvaluation(CTREvaluator(split, metrics), logged=[protocol.valid_metric])
    mode = "max" if selection.higher_is_better else "min"
    return TaskParts(evaluation, datamodule, mode, model_facts={"fields": [dict(f) for f in split.features.fields]})


__all__ = ["CTRDataModule", "CTRSplit", "FeatureTables", "ctr", "encode_features", "impressions", "label_impressions"]
