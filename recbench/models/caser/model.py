"""Caser: convolutions over the most recent items, plus a user vector (Tang and Wang, WSDM 2018)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from recbench.models.base import SequentialRecommenderModel, check_choice, dot_scores

LOSSES = ("ce", "bce")


class Caser(SequentialRecommenderModel):
    """For each position t, the ``window`` items ending at t form an L x d image: vertical filters
    (L x 1) and horizontal filters of every height 1..L (max-pooled over time) read it; a
    linear layer with ReLU maps the features to z [d]; the next item's score is
    ``w_i . [z; P_u] + b_i`` with a user vector P_u and output item vectors w_i, b_i.

    The paper predicts the next T items of each window; this predicts the next one at every
    position (T = 1), like the other sequential models here.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        max_length: int = 50,
        window: int = 5,
        embedding_dim: int = 50,
        horizontal_filters: int = 16,
        vertical_filters: int = 4,
        dropout: float = 0.5,
        loss: str = "ce",
        num_negatives: int = 3,
        lr: float = 0.001,
        weight_decay: float = 1e-6,
        batch_size: int = 128,
    ):
        super().__init__(n_users, n_items, max_length)
        check_choice("caser", "loss", loss, LOSSES)
        self.save_hyperparameters()
        d = embedding_dim
        self.item_embedding = nn.Embedding(n_items + 1, d, padding_idx=n_items)
        self.user_embedding = nn.Embedding(n_users, d)
        self.vertical = nn.Conv2d(1, vertical_filters, (window, 1))
        self.horizontal = nn.ModuleList(nn.Conv2d(1, horizontal_filters, (height, d)) for height in range(1, window + 1))
        self.dropout = nn.Dropout(dropout)
        self.features = nn.Linear(vertical_filters * d + horizontal_filters * window, d)
        self.output_embedding = nn.Embedding(n_items, 2 * d)
        self.output_bias = nn.Embedding(n_items, 1)
        for embedding in (self.item_embedding, self.user_embedding):
            nn.init.normal_(embedding.weight, std=1.0 / d)
        nn.init.normal_(self.output_embedding.weight, std=1.0 / (2 * d))
        nn.init.zeros_(self.output_bias.weight)
        with torch.no_grad():
            self.item_embedding.weight[n_items].zero_()

    def encode(self, users: Tensor, sequences: Tensor) -> Tensor:
        window = self.hparams.window
        batch, width = sequences.shape
        # The window ending at position t: pad on the left so early positions have a full window.
        padded = F.pad(sequences, (window - 1, 0), value=self.padding_index)
        images = self.item_embedding(padded.unfold(1, window, 1)).reshape(batch * width, 1, window, -1)
        vertical = self.vertical(images).flatten(1)
        horizontal = [F.relu(conv(images)).squeeze(3).amax(dim=2) for conv in self.horizontal]
        features = self.dropout(torch.cat([vertical, *horizontal], dim=1))
        z = F.relu(self.features(features)).reshape(batch, width, -1)
        user = self.user_embedding(users).unsqueeze(1).expand(-1, width, -1)
        return torch.cat([z, user], dim=2)

    def item_logits(self, hidden: Tensor, items: Tensor | None = None) -> Tensor:
        return dot_scores(hidden, self.output_embedding.weight, items, self.output_bias.weight.squeeze(1))

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)
