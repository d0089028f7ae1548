"""DMF (Xue et al., IJCAI 2017): user rows and item columns of the training matrix through two MLP towers, cosine score."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from recbench.models.base import RecommenderModel
from recbench.models.losses import probability_bce_loss
from recbench.sparse import row_entries

MIN_PROBABILITY = 1e-6  # the paper clips the cosine to [mu, 1] so that log stays finite


class MatrixTower(nn.Module):
    """ReLU MLP over a row of a sparse 0/1 matrix: l_1 = W_1 y (no bias), l_k = ReLU(W_k l_{k-1} + b_k).

    W_1 y is computed as a weighted embedding bag over the row's stored entries, which equals
    the dense product and costs only the row's length.
    """

    def __init__(self, n_columns: int, widths: list[int]):
        super().__init__()
        self.first = nn.Embedding(n_columns, widths[0])
        nn.init.xavier_uniform_(self.first.weight)
        layers: list[nn.Module] = []
        for width_in, width_out in zip(widths[:-1], widths[1:]):
            linear = nn.Linear(width_in, width_out)
            nn.init.xavier_uniform_(linear.weight)
            nn.init.zeros_(linear.bias)
            layers += [nn.ReLU(), linear]
        self.rest = nn.Sequential(*layers)

    def forward(self, matrix: Tensor, rows: Tensor) -> Tensor:
        """matrix CSR [n_rows, n_columns], rows [B] -> [B, widths[-1]]."""
        crow = matrix.crow_indices()
        rows = rows.to(crow.device)
        _, columns, flat = row_entries(crow, matrix.col_indices(), rows)
        lengths = crow[rows + 1] - crow[rows]
        offsets = torch.cumsum(lengths, 0) - lengths
        device = self.first.weight.device
        first = F.embedding_bag(
            columns.to(device), self.first.weight, offsets.to(device), mode="sum", per_sample_weights=matrix.values()[flat].to(device)
        )
        return self.rest(first)


class DMF(RecommenderModel):
    """p(u, i) = max(1e-6, cos(MLP_u(Y_u*), MLP_i(Y_*i))), Y the 0/1 training matrix.

    Loss: binary cross-entropy on p with label Y_ui / max(Y) (= 1 for observed pairs, 0 for
    the sampled negatives), the paper's normalised cross-entropy for implicit feedback. The
    towers read the training matrix handed to ``fit_matrix`` only. Scoring encodes every item
    once per evaluation (cached while the model is in eval mode) and takes cosines.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        hidden_dims: list[int] = (256,),
        latent_dim: int = 64,
        lr: float = 0.0005,
        weight_decay: float = 0.0,
        batch_size: int = 256,
        num_negatives: int = 7,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        widths = [*hidden_dims, latent_dim]
        self.user_tower = MatrixTower(n_items, widths)
        self.item_tower = MatrixTower(n_users, widths)
        self._item_matrix: tuple[Tensor, Tensor] | None = None
        self._item_vectors: Tensor | None = None

    def item_matrix(self) -> Tensor:
        """The training matrix transposed, CSR [n_items, n_users]; built on first use, never checkpointed."""
        if self.train_matrix is None:
            raise RuntimeError("fit_matrix(train) must be called before DMF can encode users and items")
        if self._item_matrix is None or self._item_matrix[0] is not self.train_matrix:
            transposed = self.train_matrix.to_sparse_coo().t().coalesce().to_sparse_csr()
            self._item_matrix = (self.train_matrix, transposed)
        return self._item_matrix[1]

    def encode_users(self, users: Tensor) -> Tensor:
        """users [B] -> unit vectors [B, latent_dim]."""
        return F.normalize(self.user_tower(self.train_matrix, users), dim=-1, eps=1e-12)

    def encode_items(self, items: Tensor) -> Tensor:
        """items [N] -> unit vectors [N, latent_dim]."""
        return F.normalize(self.item_tower(self.item_matrix(), items), dim=-1, eps=1e-12)

    def probabilities(self, users: Tensor, items: Tensor) -> Tensor:
        """users [B], items [B, C] -> clipped cosines [B, C]."""
        user = self.encode_users(users)  # [B, d]
        item = self.encode_items(items.reshape(-1)).view(*items.shape, -1)  # [B, C, d]
        return (user.unsqueeze(1) * item).sum(-1).clamp(MIN_PROBABILITY, 1.0)

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        items = torch.cat([batch["positives"].unsqueeze(1), batch["negatives"]], dim=1)  # [B, 1 + n]
        probabilities = self.probabilities(batch["users"], items)
        loss = probability_bce_loss(probabilities[:, 0], probabilities[:, 1:])
        self.log_epoch_mean("train/loss", loss, len(items))
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)

    def train(self, mode: bool = True):
        self._item_vectors = None  # the weights change once training resumes
        return super().train(mode)

    def all_item_vectors(self) -> Tensor:
        """[n_items, latent_dim], encoded once per evaluation."""
        if self.training or self._item_vectors is None:
            vectors = self.encode_items(torch.arange(self.n_items, device=self.device))
            if self.training:
                return vectors
            self._item_vectors = vectors
        return self._item_vectors

    def score_users(self, users: Tensor) -> Tensor:
        return (self.encode_users(users) @ self.all_item_vectors().T).clamp(MIN_PROBABILITY, 1.0)

    def score_candidates(self, users: Tensor, items: Tensor) -> Tensor:
        return self.probabilities(users, items)
