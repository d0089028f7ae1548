"""EASE (Steck, 2019): Embarrassingly Shallow Autoencoders for sparse data."""
import torch
from torch import Tensor

from recbench.models.base import RecommenderModel
from recbench.sparse import column_gram


class EASE(RecommenderModel):
    """min_B ‖X − XB‖² + λ‖B‖² s.t. diag(B) = 0, solved in closed form:
    P = (XᵀX + λI)⁻¹, B = I − P diag(1/diag(P)), i.e. B_ij = −P_ij / P_jj (i ≠ j).

    The inverse is taken in float64 (Cholesky); B is kept as a float32 buffer [n_items, n_items].
    """

    def __init__(self, n_users: int, n_items: int, l2: float = 300.0):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        self.register_buffer("weights", torch.zeros(n_items, n_items))

    def fit_matrix(self, train: Tensor) -> None:
        super().fit_matrix(train)
        gram = column_gram(train)
        gram.diagonal().add_(self.hparams.l2)
        precision = torch.cholesky_inverse(torch.linalg.cholesky(gram))
        weights = precision / -precision.diagonal().unsqueeze(0)
        weights.diagonal().zero_()
        self.weights.copy_(weights)

    def score_users(self, users: Tensor) -> Tensor:
        return self.history_times(users, self.weights)
