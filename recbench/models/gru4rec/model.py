"""GRU4Rec: a GRU reads the history; its state scores the next item (Hidasi et al., ICLR 2016)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from recbench.models.base import SequentialRecommenderModel, check_choice, dot_scores

LOSSES = ("ce", "bpr", "top1")


class GRU4Rec(SequentialRecommenderModel):
    """Item embedding -> dropout -> GRU -> linear map to the embedding size; the output at
    position t scores the item at t + 1 against the shared item embeddings.

    The paper trains with session-parallel mini-batches; here every user's sequence is one
    row of a padded batch, which trains on the same (history, next item) pairs. Gradient
    norms are clipped to ``grad_clip``, as recurrent models need.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        max_length: int = 50,
        embedding_dim: int = 64,
        hidden_dim: int = 128,
        num_layers: int = 1,
        dropout: float = 0.3,
        loss: str = "ce",
        num_negatives: int = 32,
        grad_clip: float = 5.0,
        lr: float = 0.001,
        weight_decay: float = 0.0,
        batch_size: int = 128,
    ):
        super().__init__(n_users, n_items, max_length)
        check_choice("gru4rec", "loss", loss, LOSSES)
        self.save_hyperparameters()
        self.item_embedding = nn.Embedding(n_items + 1, embedding_dim, padding_idx=n_items)
        self.embedding_dropout = nn.Dropout(dropout)
        self.gru = nn.GRU(embedding_dim, hidden_dim, num_layers, batch_first=True)
        self.projection = nn.Linear(hidden_dim, embedding_dim)
        nn.init.xavier_normal_(self.item_embedding.weight)
        with torch.no_grad():
            self.item_embedding.weight[n_items].zero_()

    def encode(self, users: Tensor, sequences: Tensor) -> Tensor:
        # Right padding: the output at a real position depends on earlier positions only.
        states, _ = self.gru(self.embedding_dropout(self.item_embedding(sequences)))
        return self.projection(states)

    def item_logits(self, hidden: Tensor, items: Tensor | None = None) -> Tensor:
        return dot_scores(hidden, self.item_embedding.weight[: self.n_items], items)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)

    def configure_gradient_clipping(self, optimizer, gradient_clip_val=None, gradient_clip_algorithm=None):
        if self.hparams.grad_clip > 0:
            self.clip_gradients(optimizer, gradient_clip_val=self.hparams.grad_clip, gradient_clip_algorithm="norm")
