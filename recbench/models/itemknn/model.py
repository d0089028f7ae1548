import torch
from torch import Tensor

from recbench.models.base import RecommenderModel
from recbench.sparse import gram_columns


class ItemKNN(RecommenderModel):
    """similarity(i, j) = |U_i ∩ U_j| / (|U_i|^½ |U_j|^½ + shrink); each item keeps its
    ``neighbours`` most similar items; score(u, j) = Σ_{i ∈ history(u)} similarity(i, j)."""

    def __init__(self, n_users: int, n_items: int, neighbours: int = 100, shrink: float = 0.0):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        self.register_buffer("similarity", torch.zeros(n_items, n_items))

    def fit_matrix(self, train: Tensor, chunk: int = 2048) -> None:
        super().fit_matrix(train)
        norms = torch.zeros(self.n_items).index_add_(0, train.col_indices(), train.values()).sqrt()
        transposed = train.t().to_sparse_csr()
        k = min(self.hparams.neighbours, self.n_items - 1)
        # Column blocks keep memory at n_items x chunk; only the kept neighbours are stored.
        for start in range(0, self.n_items, chunk):
            stop = min(start + chunk, self.n_items)
            targets = torch.arange(start, stop)
            block = gram_columns(transposed, targets) / (norms.unsqueeze(1) * norms[targets].unsqueeze(0) + self.hparams.shrink + 1e-12)
            block[targets, torch.arange(stop - start)] = 0.0  # an item is not its own neighbour
            values, rows = torch.topk(block, k, dim=0)
            pruned = torch.zeros_like(block).scatter_(0, rows, values)
            self.similarity[:, start:stop] = pruned

    def score_users(self, users: Tensor) -> Tensor:
        return self.history_times(users, self.similarity)
