"""Logistic regression: one weight per field value."""

from __future__ import annotations

from typing import Sequence

from torch import Tensor

from recbench.models.ctr import CTRModel, Field, FirstOrder


class LogisticRegression(CTRModel):
    """logit = b + Σ_f w_f[x_f]; a multi-hot field contributes the mean weight of its values.

    The first-order part that FM, DeepFM and Wide & Deep build on; it learns no interaction
    between fields (a user's taste for a genre), only each value's own click rate.
    """

    def __init__(self, n_users: int, n_items: int, fields: Sequence[dict | Field], lr: float = 0.01, weight_decay: float = 0.0, batch_size: int = 1024):
        super().__init__(n_users, n_items, fields)
        self.save_hyperparameters()
        self.linear = FirstOrder(self.feature_fields)

    def logits(self, batch: dict) -> Tensor:
        return self.linear(batch["features"])
