"""Low-rank factorisation of embedding tables: E [n, d] ≈ A [n, r] · B [r, d] by truncated SVD."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def factorise(weight: Tensor, rank: int) -> tuple[Tensor, Tensor]:
    """The best rank-``rank`` factors of ``weight`` in Frobenius norm (Eckart–Young).

    ``A = U_r · diag(S_r)``, ``B = V_r^T``; the error ``||E - A B||_F`` is the norm of the
    singular values left out.
    """
    u, s, vh = torch.linalg.svd(weight.detach().float(), full_matrices=False)
    return (u[:, :rank] * s[:rank]).contiguous(), vh[:rank].contiguous()


class LowRankEmbedding(nn.Module):
    """An ``nn.Embedding`` held as two factors; ``forward(ids)`` looks up rows of A and multiplies by B."""

    def __init__(self, embedding: nn.Embedding, rank: int):
        super().__init__()
        left, right = factorise(embedding.weight, rank)
        self.left = nn.Parameter(left, requires_grad=False)  # [n, r]
        self.right = nn.Parameter(right, requires_grad=False)  # [r, d]
        self.padding_idx = embedding.padding_idx
        self.num_embeddings, self.embedding_dim = embedding.weight.shape
        self.rank = left.shape[1]

    @property
    def weight(self) -> Tensor:
        return self.left @ self.right

    def forward(self, ids: Tensor) -> Tensor:
        return F.embedding(ids, self.left) @ self.right

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}, rank={self.rank}"


def factorise_embeddings(model: nn.Module, rank: int) -> nn.Module:
    """Swap every ``nn.Embedding`` of ``model`` (in place) for a ``LowRankEmbedding`` of ``rank``
    (at most the table's smaller side)."""
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.Embedding):
                setattr(parent, name, LowRankEmbedding(child, min(rank, *child.weight.shape)))
    return model
