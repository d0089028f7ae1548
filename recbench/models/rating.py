"""The base class of rating-prediction models (task ``rating``), built-in or plugin."""

from __future__ import annotations

import torch
from torch import Tensor

from recbench.errors import RecbenchError
from recbench.models.base import RecommenderModel
from recbench.sparse import rows_dense


class RatingModel(RecommenderModel):
    """A Lightning module that learns from training ratings and predicts the rating of any (user, item).

    Call order, as the platform drives it:

    1. ``__init__(n_users, n_items, **hyperparameters)``; call ``self.save_hyperparameters()``.
    2. ``fit_matrix(train)`` — always, once, before training. ``train`` is a sparse CSR
       float32 tensor [n_users, n_items] whose values are the training ratings (not 1.0 as
       for ranking models). The base keeps it as ``self.train_matrix`` and stores the mean
       training rating in the buffer ``global_mean`` (checkpointed). Closed-form models
       (``input_kind="none"``) fit here; a model restored from a checkpoint receives the
       matrix again through ``attach_history(train)``.
    3. ``Trainer.fit`` with ``training_step`` on batches of the spec's ``input_kind``:
       ``"ratings"`` gives ``{"users" [B], "items" [B], "ratings" [B]}``;
       ``"user_rating_rows"`` gives ``{"users" [B], "ratings" [B, n_items], "observed" [B, n_items]}``;
       ``"item_rating_rows"`` the same per item, ``{"items" [B], "ratings" [B, n_users], "observed"}``.
    4. ``validation_step`` / ``test_step`` — provided: the batch holds held-out pairs
       ``{"users" [N], "items" [N], "positions" [N]}`` without their ratings, and the step
       returns ``predict(users, items)``. The platform clips predictions to the training
       rating scale and computes RMSE and MAE; a model never sees held-out ratings.

    Scoring method (in eval mode, without gradients): ``predict(users [N], items [N]) -> [N]``
    float predicted ratings. Users and items without training ratings must still get a
    finite prediction (the global mean and biases are the usual fallback).
    """

    def __init__(self, n_users: int, n_items: int):
        super().__init__(n_users, n_items)
        self.register_buffer("global_mean", torch.tensor(0.0))

    def fit_matrix(self, train: Tensor) -> None:
        super().fit_matrix(train)
        values = train.values()
        if len(values):
            self.global_mean.fill_(float(values.double().mean()))

    def predict(self, users: Tensor, items: Tensor) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement predict(users, items) -> [N] ratings")

    def score_users(self, users: Tensor) -> Tensor:
        raise RecbenchError(
            f"{type(self).__name__} predicts ratings of given (user, item) pairs: call predict(users, items); "
            "rating models run under rating protocols, not ranking ones"
        )

    def validation_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        return self.predict(batch["users"], batch["items"])

    def test_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        return self.predict(batch["users"], batch["items"])

    def training_matrix_rows(self, rows: Tensor, by: str = "user") -> tuple[Tensor, Tensor]:
        """Dense training ratings and rated mask [B, n_items] of users ``rows`` (``by="item"``: [B, n_users] of items).

        For models that predict from a user's or an item's observed ratings (AutoRec).
        """
        if self.train_matrix is None:
            raise RuntimeError("fit_matrix(train) must be called before predicting from training ratings")
        matrix = self.train_matrix if by == "user" else self.item_matrix()
        return dense_rows(matrix, rows.to(matrix.device))

    def item_matrix(self) -> Tensor:
        """The training ratings transposed, CSR [n_items, n_users]; built once, on first use, never checkpointed."""
        cached = getattr(self, "_item_matrix", None)
        if cached is None or cached[0] is not self.train_matrix:
            cached = (self.train_matrix, self.train_matrix.to_sparse_coo().t().coalesce().to_sparse_csr())
            self._item_matrix = cached
        return cached[1]


def dense_rows(matrix: Tensor, rows: Tensor) -> tuple[Tensor, Tensor]:
    """(values, observed) [len(rows), n_columns] of the given rows of a CSR ``matrix``: stored entries only.

    ``observed`` comes from the sparsity pattern, not from non-zero values: a rating of 0 is a rating.
    """
    pattern = torch.sparse_csr_tensor(matrix.crow_indices(), matrix.col_indices(), torch.ones_like(matrix.values()), matrix.shape)
    return rows_dense(matrix, rows), rows_dense(pattern, rows) > 0
