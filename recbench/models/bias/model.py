"""Global mean plus user and item biases (Koren, 2010, "Factor in the neighbors", §2.1)."""

from __future__ import annotations

import torch
from torch import Tensor

from recbench.errors import RecbenchError
from recbench.models.rating import RatingModel


class BiasBaseline(RatingModel):
    """r̂(u, i) = μ + b_u + b_i, biases minimising Σ (r_ui - μ - b_u - b_i)² + λ_u Σ b_u² + λ_i Σ b_i².

    Each pass sets every item bias, then every user bias, to its exact minimiser given the
    other side: b_i = Σ_u (r_ui - μ - b_u) / (λ_i + |R(i)|), b_u = Σ_i (r_ui - μ - b_i) / (λ_u + |R(u)|).
    The objective is a convex quadratic, so the passes converge to its minimiser; one pass
    from b_u = 0 is Koren's decoupled estimate. Users and items without training ratings
    keep a bias of 0 and are predicted μ plus the other side's bias.
    """

    def __init__(self, n_users: int, n_items: int, user_regularisation: float = 15.0, item_regularisation: float = 10.0, iterations: int = 10):
        super().__init__(n_users, n_items)
        if iterations < 1:
            raise RecbenchError(f"bias: iterations={iterations}; at least one pass is needed to estimate the biases")
        self.save_hyperparameters()
        self.register_buffer("user_bias", torch.zeros(n_users))
        self.register_buffer("item_bias", torch.zeros(n_items))

    def fit_matrix(self, train: Tensor) -> None:
        super().fit_matrix(train)
        coo = train.to_sparse_coo().coalesce()
        users, items = coo.indices()
        residual = coo.values().double() - float(self.global_mean)
        user_count = torch.bincount(users, minlength=self.n_users).double()
        item_count = torch.bincount(items, minlength=self.n_items).double()
        user_bias = torch.zeros(self.n_users, dtype=torch.float64)
        item_bias = torch.zeros(self.n_items, dtype=torch.float64)
        for _ in range(self.hparams.iterations):
            item_sum = torch.zeros(self.n_items, dtype=torch.float64).index_add_(0, items, residual - user_bias[users])
            item_bias = _shrunk_mean(item_sum, item_count, self.hparams.item_regularisation)
            user_sum = torch.zeros(self.n_users, dtype=torch.float64).index_add_(0, users, residual - item_bias[items])
            user_bias = _shrunk_mean(user_sum, user_count, self.hparams.user_regularisation)
        self.user_bias.copy_(user_bias.float())
        self.item_bias.copy_(item_bias.float())

    def predict(self, users: Tensor, items: Tensor) -> Tensor:
        return self.global_mean + self.user_bias[users] + self.item_bias[items]


def _shrunk_mean(total: Tensor, count: Tensor, regularisation: float) -> Tensor:
    """total / (λ + count); 0 where there is nothing to average (count 0, and λ may be 0 too)."""
    return torch.where(count > 0, total / (regularisation + count).clamp(min=1e-12), torch.zeros_like(total))
