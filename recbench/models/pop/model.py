import torch
from torch import Tensor

from recbench.models.base import RecommenderModel


class Pop(RecommenderModel):
    def __init__(self, n_users: int, n_items: int):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        self.register_buffer("popularity", torch.zeros(n_items))

    def fit_matrix(self, train: Tensor) -> None:
        super().fit_matrix(train)
        counts = torch.bincount(train.col_indices(), minlength=self.n_items)
        self.popularity.copy_(counts.to(self.popularity))

    def score_users(self, users: Tensor) -> Tensor:
        return self.popularity.unsqueeze(0).expand(len(users), -1)
