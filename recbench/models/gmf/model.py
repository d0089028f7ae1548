"""GMF: generalised matrix factorisation, the linear tower of NCF (He et al., 2017)."""

from __future__ import annotations

from torch import Tensor, nn

from recbench.models.neumf.towers import GMFTower, NCFModel


class GMF(NCFModel):
    """logit(u, i) = h^T (p_u ⊙ q_i) + b."""

    def __init__(
        self,
        n_users: int,
        n_items: int,
        embedding_dim: int = 32,
        lr: float = 0.005,
        weight_decay: float = 0.0,
        batch_size: int = 2048,
        num_negatives: int = 4,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        self.gmf = GMFTower(n_users, n_items, embedding_dim)
        self.output = nn.Linear(embedding_dim, 1)
        nn.init.kaiming_uniform_(self.output.weight, a=1, nonlinearity="sigmoid")
        nn.init.zeros_(self.output.bias)
        self.feature_width = embedding_dim

    def logits(self, users: Tensor, items: Tensor) -> Tensor:
        return self.output(self.gmf(users, items)).squeeze(-1)
