"""Biased matrix factorisation, as in Funk's SVD and Koren, Bell and Volinsky (2009), eq. 5."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from recbench.models.rating import RatingModel


def factor_table(count: int, dim: int, std: float) -> nn.Embedding:
    table = nn.Embedding(count, dim)
    nn.init.normal_(table.weight, std=std)
    return table


def bias_table(count: int) -> nn.Embedding:
    table = nn.Embedding(count, 1)
    nn.init.zeros_(table.weight)
    return table


class BiasedMF(RatingModel):
    """r̂(u, i) = μ + b_u + b_i + p_u·q_i, μ the mean training rating.

    Loss per batch: mean over its ratings of (r̂ - r)² + λ (||p_u||² + ||q_i||²) + λ_b (b_u² + b_i²).
    The penalty follows each rating, as in Funk's per-rating SGD: users and items with many
    ratings are held back more often, and parameters no rating touches stay where they
    started (biases at 0, so an unseen item is predicted μ + b_u plus a small factor term).
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        embedding_dim: int = 64,
        regularisation: float = 0.1,
        bias_regularisation: float = 0.1,
        init_std: float = 0.1,
        lr: float = 0.003,
        batch_size: int = 1024,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        self.user_factors = factor_table(n_users, embedding_dim, init_std)
        self.item_factors = factor_table(n_items, embedding_dim, init_std)
        self.user_bias = bias_table(n_users)
        self.item_bias = bias_table(n_items)

    def predict(self, users: Tensor, items: Tensor) -> Tensor:
        interaction = (self.user_factors(users) * self.item_factors(items)).sum(-1)
        return self.global_mean + self.user_bias(users).squeeze(-1) + self.item_bias(items).squeeze(-1) + interaction

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        users, items = batch["users"], batch["items"]
        p, q = self.user_factors(users), self.item_factors(items)
        b_u, b_i = self.user_bias(users).squeeze(-1), self.item_bias(items).squeeze(-1)
        error = self.global_mean + b_u + b_i + (p * q).sum(-1) - batch["ratings"]
        penalty = self.hparams.regularisation * (p.pow(2).sum(-1) + q.pow(2).sum(-1))
        penalty = penalty + self.hparams.bias_regularisation * (b_u.pow(2) + b_i.pow(2))
        loss = (error.pow(2) + penalty).mean()
        self.log_epoch_mean("train/loss", loss, len(users))
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)
