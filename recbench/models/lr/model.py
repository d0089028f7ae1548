"""Logistic regression: one weight per field value."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn

from recbench.models.ctr import CTRModel, Field, FieldEmbedding


class LogisticRegression(CTRModel):
    """logit = b + Σ_f w_f[x_f]; a multi-hot field contributes the mean weight of its values.

    The first-order part that FM, DeepFM and Wide & Deep build on; it learns no interaction
    between fields (a user's taste for a genre), only each value's own click rate.
    """

    def __init__(self, n_users: int, n_items: int, fields: Sequence[dict | Field], lr: float = 0.01, weight_decay: float = 0.0, batch_size: int = 1024):
        super().__init__(n_users, n_items, fields)
        self.save_hyperparameters()
        self.weights = FieldEmbedding(self.feature_fields, 1, init_std=0.0)
        self.bias = nn.Parameter(torch.zeros(()))

    def logits(self, batch: dict) -> Tensor:
        return self.bias + self.weights(batch["features"]).sum((-2, -1))
