"""Task ``rating``: explicit rating prediction, scored by RMSE and MAE over held-out ratings."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pandas as pd
import torch
from omegaconf import DictConfig
from torch import Tensor

from recbench.errors import RecbenchError
from recbench.evaluation import RatingEvaluation, RatingEvaluator
from recbench.plugins import ModelSpec, get_registry
from recbench.sparse import rows_dense
from recbench.splitting import Split
from recbench.training._datamodule import CPUBatchesDataModule, _Batches, shard

# Held-out pairs per evaluation batch: a prediction is one number per pair, so this is cheap.
EVAL_BATCH_RATINGS = 65536
# batch_size 0 puts an epoch's data in one batch, for full-batch optimisers (L-BFGS).
WHOLE_EPOCH = 2**62


def rating_matrix(frame: pd.DataFrame, n_users: int, n_items: int) -> Tensor:
    """Sparse CSR float32 [n_users, n_items] holding each (user, item) row's rating."""
    if "rating" not in frame:
        raise RecbenchError("this dataset has no ratings; rating protocols need explicit ratings (e.g. MovieLens)")
    frame = frame.drop_duplicates(["user", "item"], keep="last")  # summing repeated ratings would invent new ones
    indices = torch.from_numpy(np.stack([frame["user"].to_numpy(), frame["item"].to_numpy()]).astype(np.int64))
    values = torch.from_numpy(frame["rating"].to_numpy(np.float32))
    return torch.sparse_coo_tensor(indices, values, (n_users, n_items)).coalesce().to_sparse_csr()


def _pattern(matrix: Tensor) -> Tensor:
    """The same sparsity pattern with 1.0 values: marks rated entries, whatever their rating."""
    return torch.sparse_csr_tensor(matrix.crow_indices(), matrix.col_indices(), torch.ones_like(matrix.values()), matrix.shape)


class RatingDataModule(CPUBatchesDataModule):
    """Batches of training ratings in the form the model's spec declares; held-out pairs without ratings.

    ``"ratings"``: every training rating once per epoch, in a fresh seeded order.
    ``"user_rating_rows"`` / ``"item_rating_rows"``: every user (item) with training ratings
    once per epoch, as dense rows of ratings plus a rated mask. ``batch_size`` 0 gives one
    batch per epoch holding everything (full-batch optimisers). Validation and test loaders
    yield ``{"users", "items", "positions"}`` chunks of the stage's pairs; the evaluator,
    not the model, holds their ratings. Under DDP every process draws the same epoch and
    takes its slice of each global batch, as ``InteractionDataModule`` does.
    """

    def __init__(self, split: Split, input_kind: str, batch_size: int = 256, eval_batch_size: int = EVAL_BATCH_RATINGS, seed: int = 0):
        super().__init__()
        self.input_kind = input_kind
        self.batch_size = batch_size if batch_size > 0 else WHOLE_EPOCH
        self.eval_batch_size = eval_batch_size
        self.generator = torch.Generator().manual_seed(seed)
        self.train_matrix = rating_matrix(split.train, split.n_users, split.n_items)
        coo = self.train_matrix.to_sparse_coo()
        self.users, self.items = coo.indices()
        self.ratings = coo.values()
        self.held_out = {stage: _stage_pairs(split.stage(stage)) for stage in ("valid", "test")}
        self._by_item: Tensor | None = None  # item-major copy, built on first use

    def _triples(self) -> Iterator[dict[str, Tensor]]:
        order = torch.randperm(len(self.ratings), generator=self.generator)
        users, items, ratings = self.users[order], self.items[order], self.ratings[order]
        rank, world = shard(self.trainer)
        for start in range(0, len(order), self.batch_size):
            batch = {"users": users, "items": items, "ratings": ratings}
            yield {k: v[start : start + self.batch_size].tensor_split(world)[rank] for k, v in batch.items()}

    def _rows(self, matrix: Tensor, key: str) -> Iterator[dict[str, Tensor]]:
        pattern = _pattern(matrix)
        rated = torch.nonzero(matrix.crow_indices().diff() > 0).reshape(-1)
        rows = rated[torch.randperm(len(rated), generator=self.generator)]
        rank, world = shard(self.trainer)
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start : start + self.batch_size].tensor_split(world)[rank]
            yield {key: chunk, "ratings": rows_dense(matrix, chunk), "observed": rows_dense(pattern, chunk) > 0}

    def _item_matrix(self) -> Tensor:
        if self._by_item is None:
            self._by_item = self.train_matrix.to_sparse_coo().t().coalesce().to_sparse_csr()
        return self._by_item

    def _n_rated(self, matrix: Tensor) -> int:
        return int((matrix.crow_indices().diff() > 0).sum())

    def train_dataloader(self):
        if self.input_kind == "ratings":
            return _Batches(self._triples, len(self.ratings), self.batch_size)
        if self.input_kind == "user_rating_rows":
            return _Batches(lambda: self._rows(self.train_matrix, "users"), self._n_rated(self.train_matrix), self.batch_size)
        if self.input_kind == "item_rating_rows":
            by_item = self._item_matrix()
            return _Batches(lambda: self._rows(by_item, "items"), self._n_rated(by_item), self.batch_size)
        raise RecbenchError(f"input_kind '{self.input_kind}' has no rating batches; rating models use ratings, user_rating_rows or item_rating_rows")

    def _pairs(self, stage: str) -> _Batches:
        users, items = self.held_out[stage]
        rank, world = shard(self.trainer)
        positions = torch.arange(len(users)).tensor_split(world)[rank]

        def chunks() -> Iterator[dict[str, Tensor]]:
            for part in torch.split(positions, self.eval_batch_size):
                yield {"users": users[part], "items": items[part], "positions": part}

        return _Batches(chunks, len(positions), self.eval_batch_size)

    def val_dataloader(self):
        return self._pairs("valid")

    def test_dataloader(self):
        return self._pairs("test")


def _stage_pairs(frame: pd.DataFrame) -> tuple[Tensor, Tensor]:
    return torch.from_numpy(frame["user"].to_numpy(np.int64, copy=True)), torch.from_numpy(frame["item"].to_numpy(np.int64, copy=True))


def rating(split: Split, spec: ModelSpec, hyperparameters: dict[str, Any], cfg: DictConfig):
    """Task ``rating``: the model predicts held-out ratings; selection on the validation RMSE (or the protocol's metric)."""
    from recbench.training._tasks import TaskParts  # here, not above: _tasks registers this builder

    protocol = cfg.protocol
    for stage in ("train", "valid", "test"):
        if len(split.stage(stage)) == 0:
            raise RecbenchError(
                f"protocol '{protocol.id}' leaves no {stage} ratings on this dataset; rating prediction needs "
                "training, validation and test ratings (give the split a validation share)"
            )
    metrics = [get_registry().metric(name) for name in protocol.metrics]
    selection = next(m for m in metrics if m.name == protocol.valid_metric)
    datamodule = RatingDataModule(split, spec.tags.input_kind, batch_size=int(hyperparameters.get("batch_size", 256)), seed=cfg.seed)
    evaluation = RatingEvaluation(RatingEvaluator(split, metrics), logged=[protocol.valid_metric])
    mode = "max" if selection.higher_is_better else "min"
    return TaskParts(evaluation, datamodule, mode, train_matrix=datamodule.train_matrix)
