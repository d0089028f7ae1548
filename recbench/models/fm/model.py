"""Factorization machine of degree 2 over categorical fields (Rendle, 2010)."""

from __future__ import annotations

from typing import Sequence

from torch import Tensor

from recbench.models.ctr import CTRModel, Field, FieldEmbedding, FirstOrder, pairwise_interactions


class FactorizationMachine(CTRModel):
    """logit = b + Σ_f w_f[x_f] + Σ_{f<g} <v_f[x_f], v_g[x_g]>.

    One weight and one ``embedding_dim`` vector per field value; a multi-hot field (genres)
    enters as the mean of its values' weights and vectors, as one field.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        fields: Sequence[dict | Field],
        embedding_dim: int = 16,
        init_std: float = 0.01,
        lr: float = 0.001,
        weight_decay: float = 0.0,
        batch_size: int = 1024,
    ):
        super().__init__(n_users, n_items, fields)
        self.save_hyperparameters()
        self.linear = FirstOrder(self.feature_fields)
        self.embedding = FieldEmbedding(self.feature_fields, embedding_dim, init_std=init_std)

    def logits(self, batch: dict) -> Tensor:
        features = batch["features"]
        return self.linear(features) + pairwise_interactions(self.embedding(features))
