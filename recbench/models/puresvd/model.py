"""PureSVD (Cremonesi et al., 2010): top-k recommendation from a truncated SVD of X."""
import torch
from torch import Tensor

from recbench.models.base import RecommenderModel
from recbench.sparse import column_gram

# Up to this many items the right singular vectors come exactly from an eigendecomposition
# of XᵀX; above it, from a seeded randomized SVD (Halko et al., 2011).
EXACT_MAX_ITEMS = 2048


def randomized_right_vectors(train: Tensor, rank: int, oversample: int = 20, power_iterations: int = 6, seed: int = 0) -> Tensor:
    """The top ``rank`` right singular vectors [n_items, rank] of a sparse CSR X."""
    transposed = train.t().to_sparse_csr()
    generator = torch.Generator().manual_seed(seed)
    basis = torch.randn(train.shape[1], rank + oversample, generator=generator)
    basis = torch.linalg.qr(transposed @ (train @ basis)).Q
    for _ in range(power_iterations):
        basis = torch.linalg.qr(transposed @ (train @ basis)).Q
    projected = train @ basis  # [n_users, r]: X restricted to the subspace
    _, _, vh = torch.linalg.svd(projected, full_matrices=False)
    return basis @ vh[:rank].T


class PureSVD(RecommenderModel):
    """X ≈ U_k S_k V_kᵀ; score(u) = x_u V_k V_kᵀ (the projection of the user's row onto the
    top-k right singular subspace). ``item_factors`` (V_k, [n_items, k]) is a buffer."""

    def __init__(self, n_users: int, n_items: int, factors: int = 20):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        self.register_buffer("item_factors", torch.zeros(n_items, max(0, min(factors, n_items, n_users))))

    def fit_matrix(self, train: Tensor) -> None:
        super().fit_matrix(train)
        rank = self.item_factors.shape[1]
        if rank == 0:
            return
        if self.n_items <= EXACT_MAX_ITEMS:
            _, vectors = torch.linalg.eigh(column_gram(train))  # ascending eigenvalues
            factors = vectors[:, -rank:].flip(1)
        else:
            factors = randomized_right_vectors(train, rank)
        self.item_factors.copy_(factors.to(self.item_factors.dtype))

    def score_users(self, users: Tensor) -> Tensor:
        return (self.history_rows(users) @ self.item_factors) @ self.item_factors.T
