import torch
from torch import Tensor

from recbench.models import RecommenderModel

SIMILARITIES = ("jaccard", "lift", "cooccurrence")


class SAR(RecommenderModel):
    """C = XᵀX counts users who have both items; jaccard = C_ij / (C_ii + C_jj − C_ij),
    lift = C_ij / (C_ii · C_jj); score(u) = x_u · S with S's diagonal kept, as in SAR."""

    def __init__(self, n_users: int, n_items: int, similarity: str = "jaccard", support_threshold: int = 1):
        super().__init__(n_users, n_items)
        if similarity not in SIMILARITIES:
            raise ValueError(f"similarity must be one of {SIMILARITIES}, got '{similarity}'")
        self.save_hyperparameters()
        self.register_buffer("item_similarity", torch.zeros(n_items, n_items))

    def fit_matrix(self, train: Tensor) -> None:
        super().fit_matrix(train)
        rows = train.to_dense()
        counts = rows.T @ rows
        counts[counts < self.hparams.support_threshold] = 0.0
        occurrences = counts.diagonal().clone()
        if self.hparams.similarity == "jaccard":
            union = occurrences.unsqueeze(0) + occurrences.unsqueeze(1) - counts
            similarity = counts / union.clamp(min=1e-12)
        elif self.hparams.similarity == "lift":
            similarity = counts / (occurrences.unsqueeze(0) * occurrences.unsqueeze(1)).clamp(min=1e-12)
        else:
            similarity = counts
        self.item_similarity.copy_(similarity)

    def score_users(self, users: Tensor) -> Tensor:
        return self.history_rows(users) @ self.item_similarity
