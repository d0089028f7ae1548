"""Wide & Deep (Cheng et al., 2016): a linear model and a perceptron, trained jointly."""

from __future__ import annotations

from typing import Sequence

from torch import Tensor

from recbench.models.ctr import CTRModel, Field, FieldEmbedding, FirstOrder, perceptron


class WideDeep(CTRModel):
    """logit = b + Σ_f w_f[x_f] (wide) + MLP([v_1; ...; v_F]) (deep).

    The wide part sees each field value alone (the paper's hand-made cross features are
    not built: every model here gets the same raw fields); interactions are the deep
    part's to learn. One Adam optimiser trains both (the paper used FTRL for the wide part).
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        fields: Sequence[dict | Field],
        embedding_dim: int = 16,
        hidden_sizes: Sequence[int] = (256, 128),
        dropout: float = 0.2,
        init_std: float = 0.01,
        lr: float = 0.001,
        weight_decay: float = 0.0,
        batch_size: int = 1024,
    ):
        super().__init__(n_users, n_items, fields)
        self.save_hyperparameters()
        self.linear = FirstOrder(self.feature_fields)
        self.embedding = FieldEmbedding(self.feature_fields, embedding_dim, init_std=init_std)
        self.deep = perceptron([len(self.feature_fields) * embedding_dim, *hidden_sizes, 1], dropout)

    def logits(self, batch: dict) -> Tensor:
        features = batch["features"]
        vectors = self.embedding(features)
        return self.linear(features) + self.interactions(vectors) + self.deep(vectors.flatten(1)).squeeze(-1)

    def interactions(self, vectors: Tensor) -> Tensor | float:
        """Explicit feature interactions: none here, the deep part learns them (DeepFM adds FM's)."""
        return 0.0
