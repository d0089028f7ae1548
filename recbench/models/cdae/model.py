"""CDAE (Wu et al., WSDM 2016): a denoising autoencoder over training rows with a per-user input node."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from recbench.models.base import RecommenderModel, check_choice

HIDDEN_ACTIVATIONS = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh, "identity": lambda x: x}
OUTPUT_ACTIVATIONS = ("sigmoid", "identity")


class CDAE(RecommenderModel):
    """z_u = h(W ỹ_u + V_u + b), ŷ_u = f(W' z_u + b'), ỹ_u = dropout(y_u, corruption) scaled by 1 / (1 - corruption).

    ``output_activation="sigmoid"``: logistic (binary cross-entropy) loss on the logits, the
    paper's best setting; ``"identity"``: squared loss. With ``negative_ratio`` r > 0 the loss
    covers the observed items and about r unobserved items per observed one, drawn afresh each
    step (the paper's negative sampling); otherwise the whole row. Scores are the logits of
    the user's training row (corruption off).
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        hidden_dim: int = 200,
        corruption: float = 0.5,
        hidden_activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        negative_ratio: float = 0.0,
        lr: float = 0.005,
        weight_decay: float = 1e-5,
        batch_size: int = 16,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        check_choice("cdae", "hidden_activation", hidden_activation, tuple(HIDDEN_ACTIVATIONS))
        check_choice("cdae", "output_activation", output_activation, OUTPUT_ACTIVATIONS)
        self.user_embedding = nn.Embedding(n_users, hidden_dim)
        self.encoder = nn.Linear(n_items, hidden_dim)
        self.decoder = nn.Linear(hidden_dim, n_items)
        for linear in (self.encoder, self.decoder):
            nn.init.xavier_uniform_(linear.weight)
            nn.init.zeros_(linear.bias)
        nn.init.normal_(self.user_embedding.weight, std=0.01)

    def forward(self, users: Tensor, rows: Tensor, noisy: bool = False) -> Tensor:
        """users [B], rows [B, n_items] -> logits (or outputs, for identity) [B, n_items]."""
        corrupted = F.dropout(rows, p=self.hparams.corruption, training=noisy)
        hidden = HIDDEN_ACTIVATIONS[self.hparams.hidden_activation](self.encoder(corrupted) + self.user_embedding(users))
        return self.decoder(hidden)

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        users, rows = batch["users"], batch["rows"]
        outputs = self(users, rows, noisy=True)
        if self.hparams.output_activation == "sigmoid":
            losses = F.binary_cross_entropy_with_logits(outputs, rows, reduction="none")
        else:
            losses = (outputs - rows) ** 2
        if self.hparams.negative_ratio > 0:
            observed = rows > 0
            unobserved = (~observed).sum(1, keepdim=True).clamp(min=1)
            keep = self.hparams.negative_ratio * observed.sum(1, keepdim=True) / unobserved
            weights = (observed | (torch.rand_like(rows) < keep)).float()
            loss = (losses * weights).sum() / weights.sum().clamp(min=1)
        else:
            loss = losses.sum(1).mean()
        self.log_epoch_mean("train/loss", loss, len(rows))
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)

    def score_users(self, users: Tensor) -> Tensor:
        return self(users.to(self.device), self.history_rows(users), noisy=False)
