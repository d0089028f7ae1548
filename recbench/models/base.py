"""The base class every recbench model derives from, built-in or plugin."""

from __future__ import annotations

import pytorch_lightning as pl
from torch import Tensor

from recbench.sparse import rows_dense


class RecommenderModel(pl.LightningModule):
    """A Lightning module that learns from training interactions and scores items.

    Call order, as the platform drives it:

    1. ``__init__(n_users, n_items, **hyperparameters)`` — the dataset's facts plus the
       fields of the model's config dataclass (its spec's ``config``). Call
       ``self.save_hyperparameters()`` so checkpoints restore.
    2. ``fit_matrix(train)`` — always, once, before training. ``train`` is a sparse CSR
       float tensor [n_users, n_items] with 1.0 at every training interaction. Models
       tagged ``input_kind="none"`` (counting, closed form) compute their parameters here
       and are never passed to ``Trainer.fit``. The matrix is also kept as
       ``self.train_matrix`` for models that score from a user's history; a model
       restored from a checkpoint receives it through ``attach_history(train)``.
    3. ``Trainer.fit`` with the usual ``training_step`` / ``configure_optimizers``, for the
       other input kinds. Batches follow the spec's ``input_kind``
       (see ``recbench.plugins.INPUT_KINDS``): e.g. ``"triples"`` gives
       ``{"users": [B], "positives": [B], "negatives": [B, num_negatives]}`` (int64).
    4. ``validation_step`` / ``test_step`` — provided: the batch is a user-id tensor [B]
       and the step returns ``score_users(users)``. The platform masks seen items,
       ranks and computes metrics; a model never sees validation or test interactions.

    Scoring methods (in eval mode, without gradients):

    - ``score_users(users [B]) -> [B, n_items]`` float scores, higher is better.
    - ``score_candidates(users [B], items [B, C]) -> [B, C]``; by default gathered from
      ``score_users``. Override when scoring all items is wasteful.
    """

    def __init__(self, n_users: int, n_items: int):
        super().__init__()
        self.n_users = n_users
        self.n_items = n_items
        self.train_matrix: Tensor | None = None

    def fit_matrix(self, train: Tensor) -> None:
        """Receive the training matrix; closed-form models override this to fit (call super first)."""
        self.attach_history(train)

    def attach_history(self, train: Tensor) -> None:
        """Hand over the training matrix without fitting, e.g. to a model restored from a checkpoint.

        Anything a model derives from the matrix but does not checkpoint (an adjacency
        matrix, say) must be rebuilt lazily from ``self.train_matrix``.
        """
        self.train_matrix = train

    def score_users(self, users: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement score_users(users) -> [B, n_items]")

    def score_candidates(self, users: Tensor, items: Tensor) -> Tensor:
        return self.score_users(users).gather(1, items)

    def validation_step(self, users: Tensor, batch_idx: int) -> Tensor:
        return self.score_users(users)

    def test_step(self, users: Tensor, batch_idx: int) -> Tensor:
        return self.score_users(users)

    def history_rows(self, users: Tensor) -> Tensor:
        """Dense training rows [B, n_items] of ``users``, for models that score from history."""
        if self.train_matrix is None:
            raise RuntimeError("fit_matrix(train) must be called before scoring from history")
        return rows_dense(self.train_matrix, users).to(self.device)
