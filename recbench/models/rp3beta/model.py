"""RP3beta (Paudel et al., 2017), as evaluated by Dacrema et al. (2019)."""
import torch
from torch import Tensor

from recbench.models.base import RecommenderModel
from recbench.sparse import rows_dense


class RP3beta(RecommenderModel):
    """P_ui = X row-normalised (user → item), P_iu = Xᵀ row-normalised (item → user), both
    raised elementwise to ``alpha``; W = (P_iu P_ui) with column j divided by
    popularity(j)^beta and a zero diagonal; each item i keeps its ``neighbours`` largest
    W_ij (optionally rescaled to sum to one); score(u, j) = Σ_{i ∈ history(u)} W_ij.

    Kept weights are buffers ``neighbour_ids`` / ``neighbour_weights`` [n_items, k].
    """

    def __init__(
        self, n_users: int, n_items: int, alpha: float = 1.0, beta: float = 0.6, neighbours: int = 100, normalize: bool = True
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        k = max(0, min(neighbours, n_items - 1))
        self.register_buffer("neighbour_ids", torch.zeros(n_items, k, dtype=torch.int64))
        self.register_buffer("neighbour_weights", torch.zeros(n_items, k))

    def fit_matrix(self, train: Tensor, chunk: int = 1024) -> None:
        super().fit_matrix(train)
        k = self.neighbour_ids.shape[1]
        if k == 0:
            return
        alpha, beta = self.hparams.alpha, self.hparams.beta
        crow = train.crow_indices()
        user_degree = (crow[1:] - crow[:-1]).to(torch.float64)
        item_degree = torch.zeros(self.n_items, dtype=torch.float64).index_add_(0, train.col_indices(), train.values().double())
        users = torch.repeat_interleave(torch.arange(self.n_users), crow[1:] - crow[:-1])
        items = train.col_indices()
        # P_ui^alpha, transposed: rows are items, as sparse CSR [n_items, n_users].
        p_ui_t = torch.sparse_coo_tensor(
            torch.stack([items, users]), (1.0 / user_degree[users]) ** alpha, (self.n_items, self.n_users)
        ).coalesce().to_sparse_csr()
        # P_iu^alpha, also as [n_items, n_users]: entry (i, u) = (1 / degree(i))^alpha.
        p_iu = torch.sparse_coo_tensor(
            torch.stack([items, users]), (1.0 / item_degree[items]) ** alpha, (self.n_items, self.n_users)
        ).coalesce().to_sparse_csr()
        penalty = torch.where(item_degree > 0, item_degree.clamp_min(1.0) ** -beta, torch.zeros_like(item_degree))
        for start in range(0, self.n_items, chunk):
            stop = min(start + chunk, self.n_items)
            sources = torch.arange(start, stop)
            block = p_ui_t @ rows_dense(p_iu, sources).T  # [n_items (target j), chunk (source i)]
            block *= penalty.unsqueeze(1)
            block[sources, torch.arange(stop - start)] = 0.0  # an item is not its own neighbour
            values, targets = torch.topk(block, k, dim=0)
            if self.hparams.normalize:
                values = values / values.sum(0, keepdim=True).clamp_min(1e-12)
            self.neighbour_ids[start:stop] = targets.T
            self.neighbour_weights[start:stop] = values.T.to(self.neighbour_weights.dtype)

    def weights(self) -> Tensor:
        """Wᵀ as a sparse CSR [n_items (target), n_items (source)], built lazily from the buffers."""
        ids, values = self.neighbour_ids, self.neighbour_weights
        key = (values.device, values.data_ptr(), values._version, ids.data_ptr(), ids._version)
        if getattr(self, "_weights_key", None) != key:
            sources = torch.arange(self.n_items, device=ids.device).repeat_interleave(ids.shape[1])
            matrix = torch.sparse_coo_tensor(torch.stack([ids.reshape(-1), sources]), values.reshape(-1), (self.n_items, self.n_items))
            self._weights_t = matrix.coalesce().to_sparse_csr()
            self._weights_key = key
        return self._weights_t

    def score_users(self, users: Tensor) -> Tensor:
        if self.neighbour_ids.shape[1] == 0:
            return torch.zeros(len(users), self.n_items, device=self.neighbour_weights.device)
        return (self.weights() @ self.history_rows(users).T.contiguous()).T
