from __future__ import annotations

from typing import Iterator

import numpy as np
import pytorch_lightning as pl
import torch
from torch import Tensor

from recbench.errors import RecbenchError
from recbench.sampling import PositiveSet, uniform_negatives
from recbench.sparse import rows_dense
from recbench.splitting import Split


def training_matrix(split: Split) -> Tensor:
    """Sparse CSR [n_users, n_items] with 1.0 at each training interaction (no duplicates)."""
    return interaction_matrix(split.train, split.n_users, split.n_items)


def interaction_matrix(train, n_users: int, n_items: int) -> Tensor:
    """Sparse CSR [n_users, n_items] with 1.0 at each (user, item) row of ``train`` (no duplicates)."""
    indices = torch.from_numpy(np.stack([train["user"].to_numpy(), train["item"].to_numpy()]).astype(np.int64))
    values = torch.ones(indices.shape[1])
    matrix = torch.sparse_coo_tensor(indices, values, (n_users, n_items)).coalesce()
    return matrix.to_sparse_csr()


class _Batches:
    """Re-iterable: each pass yields one epoch of batches, drawn from a seeded generator."""

    def __init__(self, make_epoch, n_rows: int, batch_size: int):
        self.make_epoch, self.n_rows, self.batch_size = make_epoch, n_rows, batch_size

    def __len__(self) -> int:
        return (self.n_rows + self.batch_size - 1) // self.batch_size

    def __iter__(self) -> Iterator:
        return self.make_epoch()


class CPUBatchesDataModule(pl.LightningDataModule):
    """Base of recbench's data modules, whose batches are tensors built on the CPU."""

    def transfer_batch_to_device(self, batch, device: torch.device, dataloader_idx: int):
        # On the CPU there is nothing to move, yet Lightning's generic walk over the batch
        # would visit every tensor of every step: about 0.2 ms of a 2.5 ms BPR step on ML-100K.
        if device.type == "cpu":
            return batch
        return super().transfer_batch_to_device(batch, device, dataloader_idx)


def shard(trainer) -> tuple[int, int]:
    """(rank, number of processes) of the trainer running this module; (0, 1) outside one."""
    if trainer is None:
        return 0, 1
    return trainer.global_rank, trainer.world_size


class InteractionDataModule(CPUBatchesDataModule):
    """Batches in the form the model's spec declares, built from the training split only.

    Validation and test loaders yield chunks of user ids; the evaluator, not the model,
    reads the held-out interactions, which this module does not keep. Batches are slices
    of tensors shuffled and sampled once per epoch in bulk: no per-sample collation.

    Under DDP every process draws the same epoch (same seed) and trains on its own slice
    of each global batch, so ``batch_size`` keeps its meaning and N processes average the
    same gradient one process would compute. Evaluation users are divided among processes
    and their per-user results gathered (see RankingEvaluation).
    """

    def __init__(
        self,
        split: Split,
        input_kind: str,
        batch_size: int = 2048,
        num_negatives: int = 1,
        eval_batch_users: int = 2048,
        seed: int = 0,
    ):
        super().__init__()
        self.n_users, self.n_items = split.n_users, split.n_items
        self.train = split.train
        self.eval_users = {stage: torch.from_numpy(split.users(stage)) for stage in ("valid", "test")}
        self.input_kind = input_kind
        self.batch_size = batch_size
        self.num_negatives = num_negatives
        self.eval_batch_users = eval_batch_users
        self.generator = torch.Generator().manual_seed(seed)
        self.users = torch.from_numpy(self.train["user"].to_numpy().astype(np.int64))
        self.items = torch.from_numpy(self.train["item"].to_numpy().astype(np.int64))
        self.positives = PositiveSet(self.users, self.items, split.n_items)
        self.training_users = torch.from_numpy(split.users("train"))
        self._matrix: Tensor | None = None  # built on first use, once, for user_rows batches

    def _triples(self) -> Iterator[dict[str, Tensor]]:
        order = torch.randperm(len(self.users), generator=self.generator)
        users, items = self.users[order], self.items[order]
        negatives = uniform_negatives(users, self.num_negatives, self.positives, self.generator)
        rank, world = shard(self.trainer)
        for start in range(0, len(users), self.batch_size):
            batch = {"users": users, "positives": items, "negatives": negatives}
            yield {k: v[start : start + self.batch_size].tensor_split(world)[rank] for k, v in batch.items()}

    def _user_rows(self) -> Iterator[dict[str, Tensor]]:
        if self._matrix is None:
            self._matrix = interaction_matrix(self.train, self.n_users, self.n_items)
        matrix = self._matrix
        users = self.training_users[torch.randperm(len(self.training_users), generator=self.generator)]
        rank, world = shard(self.trainer)
        for start in range(0, len(users), self.batch_size):
            chunk = users[start : start + self.batch_size].tensor_split(world)[rank]
            yield {"users": chunk, "rows": rows_dense(matrix, chunk)}

    def train_dataloader(self):
        if self.input_kind == "triples":
            return _Batches(self._triples, len(self.users), self.batch_size)
        if self.input_kind == "user_rows":
            return _Batches(self._user_rows, len(self.training_users), self.batch_size)
        raise RecbenchError(f"input_kind '{self.input_kind}' has no training batches")

    def _user_chunks(self, stage: str) -> _Batches:
        # Wrapped, not a list: Lightning would read a list as several dataloaders.
        rank, world = shard(self.trainer)
        users = self.eval_users[stage].tensor_split(world)[rank]
        return _Batches(lambda: iter(torch.split(users, self.eval_batch_users)), len(users), self.eval_batch_users)

    def val_dataloader(self):
        return self._user_chunks("valid")

    def test_dataloader(self):
        return self._user_chunks("test")
