"""Deep Interest Network (Zhou et al., 2018): the user's earlier items, weighed by their relevance to the candidate."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn

from recbench.models.ctr import CTRModel, Field, FieldEmbedding, perceptron


class DIN(CTRModel):
    """logit = MLP([v_1; ...; v_F; Σ_l a(h_l, q) h_l]).

    q is the candidate item's vector (its item fields' embeddings concatenated: id, year,
    pooled genres), h_l the same vector of the l-th item in the user's training history
    before the impression (at most ``max_history``, the most recent). The activation unit
    a(h, q) = MLP([h; q; h - q; h ⊙ q]) with PReLU; its weights are not normalised by a
    softmax, as in the paper, so the sum keeps how strong the interest is. Embeddings are
    shared by the candidate, the history and the other fields.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        fields: Sequence[dict | Field],
        embedding_dim: int = 16,
        attention_sizes: Sequence[int] = (64, 16),
        hidden_sizes: Sequence[int] = (200, 80),
        dropout: float = 0.2,
        max_history: int = 50,
        init_std: float = 0.01,
        lr: float = 0.001,
        weight_decay: float = 0.0,
        batch_size: int = 1024,
    ):
        super().__init__(n_users, n_items, fields)
        self.save_hyperparameters()
        self.embedding = FieldEmbedding(self.feature_fields, embedding_dim, init_std=init_std)
        self.item_fields = self.embedding.names("item")
        width = len(self.item_fields) * embedding_dim
        self.attention = perceptron([4 * width, *attention_sizes, 1], activation=nn.PReLU)
        self.deep = perceptron([len(self.feature_fields) * embedding_dim + width, *hidden_sizes, 1], dropout, activation=nn.PReLU)

    def interest(self, query: Tensor, history: Tensor, lengths: Tensor) -> Tensor:
        """Σ_l a(h_l, q) h_l over the real positions of ``history`` [B, L, w], ``query`` [B, w] -> [B, w]."""
        keys = query.unsqueeze(1).expand_as(history)
        weights = self.attention(torch.cat([history, keys, history - keys, history * keys], -1)).squeeze(-1)
        real = torch.arange(history.shape[1], device=history.device) < lengths.unsqueeze(1)
        return (weights.masked_fill(~real, 0.0).unsqueeze(-1) * history).sum(1)

    def logits(self, batch: dict) -> Tensor:
        features = batch["features"]
        query = self.embedding(features, self.item_fields).flatten(-2)
        history = self.embedding(batch["history"], self.item_fields).flatten(-2)
        interest = self.interest(query, history, batch["history_lengths"])
        return self.deep(torch.cat([self.embedding(features).flatten(1), interest], -1)).squeeze(-1)
