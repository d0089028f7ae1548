import torch
from torch import Tensor, nn

from recbench.models.base import RecommenderModel
from recbench.models.losses import bpr_loss


class BPR(RecommenderModel):
    def __init__(
        self,
        n_users: int,
        n_items: int,
        embedding_dim: int = 64,
        lr: float = 0.001,
        weight_decay: float = 1e-5,
        batch_size: int = 2048,
        num_negatives: int = 1,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        self.user_embedding = nn.Embedding(n_users, embedding_dim)
        self.item_embedding = nn.Embedding(n_items, embedding_dim)
        nn.init.xavier_normal_(self.user_embedding.weight)
        nn.init.xavier_normal_(self.item_embedding.weight)

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        users = self.user_embedding(batch["users"])  # [B, d]
        positives = self.item_embedding(batch["positives"])  # [B, d]
        negatives = self.item_embedding(batch["negatives"])  # [B, n, d]
        return bpr_loss((users * positives).sum(-1), (users.unsqueeze(1) * negatives).sum(-1))

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)

    def score_users(self, users: Tensor) -> Tensor:
        return self.user_embedding(users) @ self.item_embedding.weight.T
