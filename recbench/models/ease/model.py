"""EASE (Steck, 2019): Embarrassingly Shallow Autoencoders for sparse data."""
import torch
from torch import Tensor

from recbench.models.base import RecommenderModel
from recbench.sparse import rows_dense


def item_gram(train: Tensor, chunk: int = 4096, dtype: torch.dtype = torch.float64) -> Tensor:
    """XᵀX [n_items, n_items] of a sparse CSR X, accumulated over blocks of users."""
    n_users, n_items = train.shape
    gram = torch.zeros(n_items, n_items, dtype=dtype)
    for start in range(0, n_users, chunk):
        rows = rows_dense(train, torch.arange(start, min(start + chunk, n_users))).to(dtype)
        gram.addmm_(rows.T, rows)
    return gram


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
        gram = item_gram(train)
        gram.diagonal().add_(self.hparams.l2)
        precision = torch.cholesky_inverse(torch.linalg.cholesky(gram))
        weights = precision / -precision.diagonal().unsqueeze(0)
        weights.diagonal().zero_()
        self.weights.copy_(weights)

    def score_users(self, users: Tensor) -> Tensor:
        return self.history_rows(users) @ self.weights
