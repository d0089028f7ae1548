"""MLP: the multi-layer perceptron tower of NCF on its own (He et al., 2017)."""

from __future__ import annotations

from torch import Tensor, nn

from recbench.models.neumf.towers import MLPTower, NCFModel


class MLP(NCFModel):
    """logit(u, i) = h^T MLP([p_u ; q_i]) + b."""

    def __init__(
        self,
        n_users: int,
        n_items: int,
        embedding_dim: int = 32,
        mlp_layers: list[int] = (64, 32, 16),
        dropout: float = 0.0,
        lr: float = 0.005,
        weight_decay: float = 0.0,
        batch_size: int = 2048,
        num_negatives: int = 4,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        mlp_layers = list(mlp_layers)
        self.mlp = MLPTower(n_users, n_items, embedding_dim, mlp_layers, dropout)
        self.output = nn.Linear(self.mlp.width, 1)
        nn.init.kaiming_uniform_(self.output.weight, a=1, nonlinearity="sigmoid")
        nn.init.zeros_(self.output.bias)
        self.feature_width = max(mlp_layers)

    def logits(self, users: Tensor, items: Tensor) -> Tensor:
        return self.output(self.mlp(users, items)).squeeze(-1)
