"""Mult-VAE: a variational autoencoder over training rows with a multinomial likelihood (Liang et al., 2018)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from recbench.models.base import RecommenderModel
from recbench.models.losses import multinomial_nll


def tanh_stack(widths: list[int]) -> nn.Sequential:
    """Linear layers widths[0] -> widths[1] -> ... with tanh between them (none after the last)."""
    layers: list[nn.Module] = []
    for index, (width_in, width_out) in enumerate(zip(widths[:-1], widths[1:])):
        linear = nn.Linear(width_in, width_out)
        nn.init.xavier_uniform_(linear.weight)
        nn.init.normal_(linear.bias, std=0.001)
        layers.append(linear)
        if index < len(widths) - 2:
            layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def kl_weight(step: int, anneal_cap: float, total_anneal_steps: int) -> float:
    """KL weight after ``step`` optimiser steps: step / total_anneal_steps, at most anneal_cap."""
    if total_anneal_steps <= 0:
        return anneal_cap
    return min(anneal_cap, step / total_anneal_steps)


class RowAutoencoder(RecommenderModel):
    """Shared by Mult-VAE and Mult-DAE: input = L2-normalised training row, dropped out while training.

    Subclasses implement ``forward(rows [B, n_items], noisy: bool) -> (logits [B, n_items], kl [])``.
    Scores come from the user's training row only (``history_rows``), never from held-out data.
    """

    def encoder_input(self, rows: Tensor, noisy: bool) -> Tensor:
        normalised = F.normalize(rows, dim=1)  # a user with no training row stays all zeros
        return F.dropout(normalised, p=self.hparams.dropout, training=noisy)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)

    def score_users(self, users: Tensor) -> Tensor:
        logits, _ = self(self.history_rows(users), noisy=False)
        return logits


class MultVAE(RowAutoencoder):
    """Encoder n_items -> hidden_dims -> (mu, log sigma^2) of size latent_dim; decoder mirrors it.

    Loss = multinomial NLL + beta · KL(q(z|x) || N(0, I)), with beta growing linearly by
    1 / total_anneal_steps per optimiser step up to anneal_cap. Scores use z = mu.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        hidden_dims: list[int] = (600,),
        latent_dim: int = 200,
        dropout: float = 0.5,
        anneal_cap: float = 0.2,
        total_anneal_steps: int = 2000,
        lr: float = 0.002,
        weight_decay: float = 0.0,
        batch_size: int = 128,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        hidden = list(hidden_dims)
        self.latent_dim = latent_dim
        self.encoder = tanh_stack([n_items, *hidden, 2 * latent_dim])
        self.decoder = tanh_stack([latent_dim, *reversed(hidden), n_items])

    def forward(self, rows: Tensor, noisy: bool = False) -> tuple[Tensor, Tensor]:
        """rows [B, n_items] -> (logits [B, n_items], KL divergence averaged over users [])."""
        encoded = self.encoder(self.encoder_input(rows, noisy))
        mu, log_variance = encoded[:, : self.latent_dim], encoded[:, self.latent_dim :]
        z = mu
        if noisy:
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * log_variance)
        kl = -0.5 * (1 + log_variance - mu.pow(2) - log_variance.exp()).sum(dim=1).mean()
        return self.decoder(z), kl

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        rows = batch["rows"]
        logits, kl = self(rows, noisy=True)
        beta = kl_weight(self.global_step, self.hparams.anneal_cap, self.hparams.total_anneal_steps)
        loss = multinomial_nll(logits, rows) + beta * kl
        self.log_epoch_mean("train/loss", loss, len(rows))
        self.log_epoch_mean("train/kl_weight", beta, len(rows))
        return loss
