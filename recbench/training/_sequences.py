"""The sequential task: each user's history in time order, the next item as the target.

Batches follow ``recbench.models.base.SequentialRecommenderModel``'s convention: item
sequences [B, W] (int64), oldest item first, right-padded with the padding index
``n_items``, with their lengths [B]. Every batch is cut from one flat tensor of items in
bulk; nothing loops over users in Python.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd
import torch
from omegaconf import DictConfig
from torch import Tensor

from recbench.errors import RecbenchError
from recbench.evaluation import RankingEvaluation, RankingEvaluator
from recbench.plugins import ModelSpec, get_registry
from recbench.sampling import PositiveSet, uniform_negatives
from recbench.splitting import Split
from recbench.training._datamodule import CPUBatchesDataModule, _Batches, shard

DEFAULT_MAX_LENGTH = 50
DEFAULT_BATCH_SIZE = 128
POOL_BATCHES = 50  # batches whose users are sorted by length together (see _epoch_order)


class UserSequences:
    """Every user's items in time order, stored flat: ``items[starts[u]:starts[u + 1]]`` is user u's.

    Rows are ordered by (user, timestamp, position in ``frames``): equal timestamps keep the
    order of the tables given and, within one table, the publisher's file order, which is
    the order the leave-one-out split used to pick the held-out items.
    """

    def __init__(self, frames: Sequence[pd.DataFrame], n_users: int, padding_index: int):
        frame = pd.concat([f[["user", "item", "timestamp"]] for f in frames], ignore_index=True)
        users = frame["user"].to_numpy().astype(np.int64)
        order = np.lexsort((np.arange(len(frame)), frame["timestamp"].to_numpy(), users))
        self.items = torch.from_numpy(frame["item"].to_numpy().astype(np.int64)[order])
        counts = np.bincount(users, minlength=n_users)
        self.starts = torch.from_numpy(np.concatenate(([0], np.cumsum(counts))).astype(np.int64))
        self.padding_index = padding_index

    def counts(self, users: Tensor) -> Tensor:
        return self.starts[users + 1] - self.starts[users]

    def owners(self) -> Tensor:
        """The user of each entry of ``items``."""
        return torch.repeat_interleave(torch.arange(len(self.starts) - 1), self.starts.diff())

    def last(self, users: Tensor, length: int) -> tuple[Tensor, Tensor]:
        """(sequences [B, W], lengths [B]): each user's last ``length`` items, right-padded.

        ``W`` is the longest kept history in the batch (at least 1), so short histories cost
        no padding beyond it.
        """
        lengths = self.counts(users).clamp(max=length)
        width = max(int(lengths.max()) if len(users) else 0, 1)
        first = self.starts[users + 1] - lengths
        offsets = torch.arange(width)
        index = first.unsqueeze(1) + offsets
        real = offsets < lengths.unsqueeze(1)
        gathered = self.items[index.clamp(max=max(len(self.items) - 1, 0))] if len(self.items) else torch.zeros_like(index)
        return torch.where(real, gathered, torch.full_like(index, self.padding_index)), lengths


class SequenceDataModule(CPUBatchesDataModule):
    """Training, validation and test batches of the sequential task, from one split.

    Training: users with at least two training items, shuffled once per epoch with a seeded
    generator and grouped into batches of similar history length (see ``_epoch_order``); each batch is ``{"users" [B], "sequences" [B, W], "lengths" [B]}`` with the
    user's last ``max_length + 1`` training items, so that the first ``W - 1`` positions each
    have a next item. With ``num_negatives`` > 0 it adds ``"negatives"`` [B, W - 1, n]: items
    drawn uniformly among those the user has no training interaction with, one draw per
    target position ``sequences[:, 1:]`` (pad positions too; the model ignores them).

    Validation and test: ``{"users", "sequences", "lengths"}`` for the evaluated users, the
    history being the last ``max_length`` items of what the evaluator masks as seen for that
    stage (``split.seen_before``), in time order: training items for validation; training
    items plus the validation item for test. The held-out target is never in a history.
    """

    def __init__(
        self,
        split: Split,
        max_length: int = DEFAULT_MAX_LENGTH,
        batch_size: int = DEFAULT_BATCH_SIZE,
        num_negatives: int = 0,
        eval_batch_users: int = 2048,
        seed: int = 0,
    ):
        super().__init__()
        check_time_order(split)
        if max_length < 1:
            raise RecbenchError(f"max_length={max_length}: a history needs at least one item; set model.max_length >= 1")
        self.n_items = split.n_items
        self.max_length, self.batch_size, self.num_negatives = max_length, batch_size, num_negatives
        self.eval_batch_users = eval_batch_users
        self.generator = torch.Generator().manual_seed(seed)
        self.train_sequences = UserSequences([split.train], split.n_users, split.n_items)
        self.histories = {stage: UserSequences(split.seen_before(stage), split.n_users, split.n_items) for stage in ("valid", "test")}
        self.eval_users = {stage: torch.from_numpy(split.users(stage)) for stage in ("valid", "test")}
        everyone = torch.arange(split.n_users)
        self.training_users = everyone[self.train_sequences.counts(everyone) >= 2]
        self._positives: PositiveSet | None = None  # built on first use, for negatives only

    def _epoch_order(self) -> tuple[Tensor, Tensor]:
        """(users in epoch order, start of each batch in it, in the order batches are served).

        Users are shuffled, then sorted by history length within pools of ``POOL_BATCHES``
        batches, and the batches shuffled: a batch holds histories of similar length, so it is
        padded to little more than its own longest one (several times fewer positions on
        short-history data such as Amazon), while every epoch still mixes users at random.
        """
        users = self.training_users[torch.randperm(len(self.training_users), generator=self.generator)]
        lengths = self.train_sequences.counts(users).clamp(max=self.max_length + 1)
        pool = torch.arange(len(users)) // (self.batch_size * POOL_BATCHES)
        users = users[torch.sort(pool * (self.max_length + 2) + lengths, stable=True).indices]
        starts = torch.arange(0, len(users), self.batch_size)
        return users, starts[torch.randperm(len(starts), generator=self.generator)]

    def _training_batches(self) -> Iterator[dict[str, Tensor]]:
        users, starts = self._epoch_order()
        rank, world = shard(self.trainer)
        for start in starts.tolist():
            chunk = users[start : start + self.batch_size].tensor_split(world)[rank]
            sequences, lengths = self.train_sequences.last(chunk, self.max_length + 1)
            batch = {"users": chunk, "sequences": sequences, "lengths": lengths}
            if self.num_negatives > 0:
                batch["negatives"] = self._negatives(chunk, sequences.shape[1] - 1)
            yield batch

    def _negatives(self, users: Tensor, targets_per_user: int) -> Tensor:
        if self._positives is None:
            self._positives = PositiveSet(self.train_sequences.owners(), self.train_sequences.items, self.n_items)
        repeated = users.repeat_interleave(max(targets_per_user, 0))
        drawn = uniform_negatives(repeated, self.num_negatives, self._positives, self.generator)
        return drawn.reshape(len(users), max(targets_per_user, 0), self.num_negatives)

    def _history_batches(self, stage: str) -> _Batches:
        rank, world = shard(self.trainer)
        users = self.eval_users[stage].tensor_split(world)[rank]
        history = self.histories[stage]

        def epoch() -> Iterator[dict[str, Tensor]]:
            for chunk in torch.split(users, self.eval_batch_users):
                sequences, lengths = history.last(chunk, self.max_length)
                yield {"users": chunk, "sequences": sequences, "lengths": lengths}

        return _Batches(epoch, len(users), self.eval_batch_users)

    def history_batch(self, stage: str, users: Tensor) -> dict[str, Tensor]:
        """The evaluation batch of ``users`` for ``stage`` (what ``validation_step``/``test_step`` receive)."""
        sequences, lengths = self.histories[stage].last(users, self.max_length)
        return {"users": users, "sequences": sequences, "lengths": lengths}

    def train_dataloader(self):
        return _Batches(self._training_batches, len(self.training_users), self.batch_size)

    def val_dataloader(self):
        return self._history_batches("valid")

    def test_dataloader(self):
        return self._history_batches("test")


def check_time_order(split: Split) -> None:
    if any("timestamp" not in split.stage(stage) for stage in ("train", "valid", "test")):
        raise RecbenchError(
            "sequential models read each user's history in time order, and this dataset has no timestamps; "
            "use a dataset with timestamps (or an order within each user, such as the S3-Rec files)"
        )


# Split kinds whose held-out items come after the user's history, as next-item prediction needs.
NEXT_ITEM_SPLITS = {"loo": {"order": "time"}, "temporal": {}}


def check_next_item_protocol(protocol: DictConfig) -> None:
    """Refuse a protocol whose held-out items may precede the history a model reads."""
    split = protocol.split
    required = NEXT_ITEM_SPLITS.get(split.kind)
    if required is None or any(split.get(key) != value for key, value in required.items()):
        raise RecbenchError(
            f"protocol '{protocol.id}' splits with kind={split.kind}"
            + (f", order={split.get('order')}" if split.kind == "loo" else "")
            + ": its held-out items are not the latest, so a history could hold later items than the one predicted. "
            "Sequential models need a time-respecting split: use protocol=loo-time-full (or loo-time-99neg, "
            "temporal-811-full)"
        )


def sequence_datamodule(split: Split, spec: ModelSpec, hyperparameters: dict[str, Any], seed: int, eval_batch_users: int = 2048) -> SequenceDataModule:
    """The data module a sequential model's hyperparameters ask for.

    The model class says how many negatives its loss needs (``training_negatives``); a model
    that does not say gets none.
    """
    model_class = spec.load_class()
    negatives = getattr(model_class, "training_negatives", lambda _: 0)(hyperparameters)
    return SequenceDataModule(
        split,
        max_length=int(hyperparameters.get("max_length", DEFAULT_MAX_LENGTH)),
        batch_size=int(hyperparameters.get("batch_size", DEFAULT_BATCH_SIZE)),
        num_negatives=int(negatives),
        eval_batch_users=eval_batch_users,
        seed=seed,
    )


def sequential(split: Split, spec: ModelSpec, hyperparameters: dict[str, Any], cfg: DictConfig):
    """Task ``sequential``: next-item ranking, evaluated like ranking from each user's history."""
    from recbench.training._tasks import TaskParts  # here, not above: _tasks registers this builder

    protocol = cfg.protocol
    check_next_item_protocol(protocol)
    metrics = [get_registry().metric(name) for name in protocol.metrics]
    evaluator = RankingEvaluator(split, metrics, list(protocol.cutoffs))
    datamodule = sequence_datamodule(split, spec, hyperparameters, cfg.seed, cfg.trainer.eval_batch_users)
    return TaskParts(RankingEvaluation(evaluator, logged=[protocol.valid_metric]), datamodule, "max")
