"""LightGCN (He et al., 2020): linear propagation over the user-item graph, layer average, BPR loss."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from recbench.models.base import RecommenderModel
from recbench.models.losses import bpr_loss


def normalised_adjacency(train: Tensor, n_users: int, n_items: int) -> Tensor:
    """D^-1/2 A D^-1/2 of the bipartite graph A = [[0, R], [R^T, 0]], sparse CSR [(U + I), (U + I)].

    ``train`` is the CSR training matrix R [n_users, n_items]; nodes without edges get 0 rows.
    """
    rows = torch.repeat_interleave(torch.arange(n_users), train.crow_indices().diff())
    columns = train.col_indices() + n_users
    source = torch.cat([rows, columns])
    target = torch.cat([columns, rows])
    degree = torch.bincount(source, minlength=n_users + n_items).float()
    inverse_sqrt = degree.pow(-0.5)
    inverse_sqrt[degree == 0] = 0.0
    values = inverse_sqrt[source] * inverse_sqrt[target]
    size = n_users + n_items
    return torch.sparse_coo_tensor(torch.stack([source, target]), values, (size, size)).coalesce().to_sparse_csr()


class _SymmetricSparseMM(torch.autograd.Function):
    """adjacency @ dense for a symmetric sparse adjacency; the gradient reuses it (Âᵀ = Â).

    torch's generic sparse backward transposes the matrix at every step, several times
    slower than the product itself on CPU.
    """

    @staticmethod
    def forward(ctx, adjacency: Tensor, dense: Tensor) -> Tensor:
        ctx.adjacency = adjacency
        return adjacency @ dense

    @staticmethod
    def backward(ctx, gradient: Tensor):
        return None, ctx.adjacency @ gradient


class LightGCN(RecommenderModel):
    """E^(k+1) = Â E^(k); final embeddings are the mean of E^(0..n_layers); score = e_u · e_i.

    The adjacency Â is derived from the training matrix, kept as a plain attribute (not a
    checkpointed buffer) and rebuilt from ``self.train_matrix`` when missing. In eval mode
    the propagated embeddings are cached; the cache is dropped whenever the mode changes
    or the embedding weights change (optimiser step, checkpoint load).
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        embedding_dim: int = 64,
        n_layers: int = 2,
        reg_weight: float = 1e-3,
        lr: float = 0.01,
        batch_size: int = 2048,
        num_negatives: int = 1,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        self.embedding = nn.Embedding(n_users + n_items, embedding_dim)  # users first, then items
        nn.init.xavier_uniform_(self.embedding.weight)
        self._adjacency: Tensor | None = None
        self._cache: tuple[int, Tensor] | None = None

    def fit_matrix(self, train: Tensor) -> None:
        super().fit_matrix(train)
        self._adjacency = None
        self._cache = None

    def adjacency(self) -> Tensor:
        if self._adjacency is None:
            if self.train_matrix is None:
                raise RuntimeError("fit_matrix(train) or attach_history(train) must come before propagation")
            self._adjacency = normalised_adjacency(self.train_matrix.cpu(), self.n_users, self.n_items)
        if self._adjacency.device != self.device:
            self._adjacency = self._adjacency.to(self.device)
        return self._adjacency

    def propagate(self) -> Tensor:
        """Layer-averaged embeddings [n_users + n_items, embedding_dim]."""
        adjacency = self.adjacency()
        layer = self.embedding.weight
        total = layer
        for _ in range(self.hparams.n_layers):
            layer = _SymmetricSparseMM.apply(adjacency, layer)
            total = total + layer
        return total / (self.hparams.n_layers + 1)

    def train(self, mode: bool = True):
        self._cache = None
        return super().train(mode)

    def propagated(self) -> Tensor:
        """Propagated embeddings; cached in eval mode, keyed by the weight's version counter."""
        if self.training:
            return self.propagate()
        version = self.embedding.weight._version
        if self._cache is None or self._cache[0] != version or self._cache[1].device != self.device:
            with torch.no_grad():
                self._cache = (version, self.propagate())
        return self._cache[1]

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        final = self.propagated()
        users = final[batch["users"]]  # [B, d]
        positives = final[self.n_users + batch["positives"]]  # [B, d]
        negatives = final[self.n_users + batch["negatives"]]  # [B, n, d]
        loss = bpr_loss((users * positives).sum(-1), (users.unsqueeze(1) * negatives).sum(-1))
        # L2 on the layer-0 embeddings of the batch, per observed pair, as in the paper.
        ego = self.embedding.weight
        penalty = (
            ego[batch["users"]].pow(2).sum()
            + ego[self.n_users + batch["positives"]].pow(2).sum()
            + ego[self.n_users + batch["negatives"]].pow(2).sum() / batch["negatives"].shape[1]
        ) / (2 * len(batch["users"]))
        loss = loss + self.hparams.reg_weight * penalty
        self.log_epoch_mean("train/loss", loss, len(batch["users"]))
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)

    def score_users(self, users: Tensor) -> Tensor:
        final = self.propagated()
        return final[users] @ final[self.n_users :].T
