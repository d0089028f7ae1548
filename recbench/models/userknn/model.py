"""User-based k-nearest-neighbours with cosine similarity and shrinkage."""
import torch
from torch import Tensor

from recbench.models.base import RecommenderModel
from recbench.sparse import row_entries, rows_dense

ENTRY_BUDGET = 1 << 24  # neighbour history entries expanded at once when scoring (~0.4 GB)


class UserKNN(RecommenderModel):
    """similarity(u, v) = |I_u ∩ I_v| / (|I_u|^½ |I_v|^½ + shrink); each user keeps its
    ``neighbours`` most similar other users; score(u, i) = Σ_v similarity(u, v) x_vi.

    Only the kept neighbours are stored (``neighbour_ids`` and ``neighbour_weights``,
    [n_users, k]), so memory is O(n_users k) and fitting works in blocks of users.
    """

    def __init__(self, n_users: int, n_items: int, neighbours: int = 50, shrink: float = 10.0):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        k = max(0, min(neighbours, n_users - 1))
        self.register_buffer("neighbour_ids", torch.zeros(n_users, k, dtype=torch.int64))
        self.register_buffer("neighbour_weights", torch.zeros(n_users, k))

    def fit_matrix(self, train: Tensor, chunk: int = 1024) -> None:
        super().fit_matrix(train)
        k = self.neighbour_ids.shape[1]
        if k == 0:
            return
        degrees = (train.crow_indices()[1:] - train.crow_indices()[:-1]).to(torch.float32)
        norms = degrees.sqrt()
        # Column blocks keep memory at n_users x chunk.
        for start in range(0, self.n_users, chunk):
            stop = min(start + chunk, self.n_users)
            targets = torch.arange(start, stop)
            block = train @ rows_dense(train, targets).T  # [n_users, chunk] co-occurrence counts
            block /= norms.unsqueeze(1) * norms[targets].unsqueeze(0) + self.hparams.shrink + 1e-12
            block[targets, torch.arange(stop - start)] = -1.0  # a user is not its own neighbour
            values, rows = torch.topk(block, k, dim=0)  # ties: lower index first is not guaranteed
            self.neighbour_ids[start:stop] = rows.T
            self.neighbour_weights[start:stop] = values.T.clamp_min(0.0)

    def score_users(self, users: Tensor) -> Tensor:
        if self.train_matrix is None:
            raise RuntimeError("fit_matrix(train) must be called before scoring")
        k = self.neighbour_ids.shape[1]
        scores = torch.zeros(len(users), self.n_items, device=self.neighbour_weights.device)
        if k == 0:
            return scores
        crow, col = self._history_index()
        users = users.to(self.neighbour_ids.device)
        # A user's score reads every history entry of its k neighbours. All at once, that is
        # B x k x (mean history) entries: about 2**28 on ML-1M with k = 1000, i.e. gigabytes.
        # Slices of users keep it near ENTRY_BUDGET; each row sums in the same order either way.
        degrees = crow[1:] - crow[:-1]
        per_user = int(degrees[self.neighbour_ids[users]].sum(1).max()) if len(users) else 0
        step = max(1, ENTRY_BUDGET // max(per_user, 1))
        for start in range(0, len(users), step):
            chunk = users[start : start + step]
            neighbours = self.neighbour_ids[chunk].reshape(-1)  # [b k]
            weights = self.neighbour_weights[chunk].reshape(-1)
            position, column, _ = row_entries(crow, col, neighbours)
            scores.index_put_((start + position // k, column), weights[position], accumulate=True)
        return scores

    def _history_index(self) -> tuple[Tensor, Tensor]:
        device = self.neighbour_ids.device
        cached = getattr(self, "_index", None)
        if cached is None or cached[0] is not self.train_matrix or cached[1].device != device:
            crow = self.train_matrix.crow_indices().to(device)
            col = self.train_matrix.col_indices().to(device)
            self._index = (self.train_matrix, crow, col)
            cached = self._index
        return cached[1], cached[2]
