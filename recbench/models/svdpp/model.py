"""SVD++ (Koren, KDD 2008, eq. 15): factors of the items a user rated stand in for part of the user."""

from __future__ import annotations

import torch
from torch import Tensor

from recbench.models.biasedmf.model import BiasedMF, factor_table
from recbench.sparse import row_entries


class SVDpp(BiasedMF):
    """r̂(u, i) = μ + b_u + b_i + q_i·(p_u + |N(u)|^-½ Σ_{j∈N(u)} y_j).

    N(u) is the set of items u rated in training (never held-out ones), read from the
    training matrix, so predicting needs ``fit_matrix``/``attach_history`` first. Each
    rating's penalty adds λ_y times the mean ||y_j||² over N(u), the per-rating share of
    regularising every y_j the prediction used.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        embedding_dim: int = 64,
        regularisation: float = 0.1,
        bias_regularisation: float = 0.1,
        implicit_regularisation: float = 1.0,
        init_std: float = 0.1,
        lr: float = 0.003,
        batch_size: int = 1024,
    ):
        super().__init__(n_users, n_items, embedding_dim, regularisation, bias_regularisation, init_std, lr, batch_size)
        self.save_hyperparameters()
        self.implicit_factors = factor_table(n_items, embedding_dim, init_std)

    def implicit_user(self, users: Tensor) -> tuple[Tensor, Tensor]:
        """(|N(u)|^-½ Σ y_j [B, d], mean ||y_j||² [B]) of each user in ``users`` [B]; zeros for users with no training items."""
        if self.train_matrix is None:
            raise RuntimeError("fit_matrix(train) must be called before SVD++ can read each user's rated items")
        unique, inverse = torch.unique(users, return_inverse=True)
        crow, col = self.train_matrix.crow_indices(), self.train_matrix.col_indices()
        position, items, _ = row_entries(crow, col, unique.to(crow.device))
        position, items = position.to(self.device), items.to(self.device)
        counts = torch.bincount(position, minlength=len(unique)).clamp(min=1).float()
        y = self.implicit_factors(items)  # [nnz, d]
        summed = torch.zeros(len(unique), y.shape[1], device=self.device).index_add(0, position, y)
        squared = torch.zeros(len(unique), device=self.device).index_add(0, position, y.pow(2).sum(-1))
        return (summed / counts.sqrt().unsqueeze(1))[inverse], (squared / counts)[inverse]

    def _parts(self, users: Tensor, items: Tensor):
        p, q = self.user_factors(users), self.item_factors(items)
        implicit, implicit_norm = self.implicit_user(users)
        b_u, b_i = self.user_bias(users).squeeze(-1), self.item_bias(items).squeeze(-1)
        prediction = self.global_mean + b_u + b_i + (q * (p + implicit)).sum(-1)
        return prediction, p, q, b_u, b_i, implicit_norm

    def predict(self, users: Tensor, items: Tensor) -> Tensor:
        return self._parts(users, items)[0]

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        prediction, p, q, b_u, b_i, implicit_norm = self._parts(batch["users"], batch["items"])
        penalty = self.hparams.regularisation * (p.pow(2).sum(-1) + q.pow(2).sum(-1))
        penalty = penalty + self.hparams.bias_regularisation * (b_u.pow(2) + b_i.pow(2))
        penalty = penalty + self.hparams.implicit_regularisation * implicit_norm
        loss = ((prediction - batch["ratings"]).pow(2) + penalty).mean()
        self.log_epoch_mean("train/loss", loss, len(prediction))
        return loss
