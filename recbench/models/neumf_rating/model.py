"""NeuMF (He et al., 2017) with a regression head: the NCF towers trained on squared rating error."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from recbench.models.neumf.towers import GMFTower, MLPTower
from recbench.models.rating import RatingModel


class NeuMFRating(RatingModel):
    """r̂(u, i) = μ + h^T [p_u ⊙ q_i ; MLP([p'_u ; q'_i])] + b, separate embeddings per tower.

    The towers are NeuMF's own; the output layer starts at zero, so training starts from
    the global mean μ and learns deviations from it (a sigmoid output, as for clicks, would
    squash the rating scale for no gain). Loss: mean squared error; L2 through Adam.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        embedding_dim: int = 32,
        mlp_embedding_dim: int = 32,
        mlp_layers: list[int] = (64, 32, 16),
        dropout: float = 0.0,
        lr: float = 0.001,
        weight_decay: float = 1e-5,
        batch_size: int = 256,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        self.gmf = GMFTower(n_users, n_items, embedding_dim)
        self.mlp = MLPTower(n_users, n_items, mlp_embedding_dim, list(mlp_layers), dropout)
        self.output = nn.Linear(self.gmf.width + self.mlp.width, 1)
        nn.init.zeros_(self.output.weight)
        nn.init.zeros_(self.output.bias)

    def predict(self, users: Tensor, items: Tensor) -> Tensor:
        pairs = items.unsqueeze(1)  # [N, 1]: each user against its own item
        features = torch.cat([self.gmf(users, pairs), self.mlp(users, pairs)], dim=-1)  # [N, 1, width]
        return self.global_mean + self.output(features).reshape(-1)

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        loss = (self.predict(batch["users"], batch["items"]) - batch["ratings"]).pow(2).mean()
        self.log_epoch_mean("train/loss", loss, len(batch["users"]))
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)
