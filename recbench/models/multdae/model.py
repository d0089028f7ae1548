"""Mult-DAE: a denoising autoencoder over training rows with a multinomial likelihood (Liang et al., 2018)."""

from __future__ import annotations

from torch import Tensor

from recbench.models.losses import multinomial_nll
from recbench.models.multvae.model import RowAutoencoder, tanh_stack


class MultDAE(RowAutoencoder):
    """n_items -> hidden_dims -> latent_dim -> reversed(hidden_dims) -> n_items, tanh between layers.

    Loss = multinomial NLL of the training row given its dropped-out copy.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        hidden_dims: list[int] = (600,),
        latent_dim: int = 200,
        dropout: float = 0.5,
        lr: float = 0.001,
        weight_decay: float = 0.0,
        batch_size: int = 64,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        hidden = list(hidden_dims)
        self.network = tanh_stack([n_items, *hidden, latent_dim, *reversed(hidden), n_items])

    def forward(self, rows: Tensor, noisy: bool = False) -> tuple[Tensor, float]:
        """rows [B, n_items] -> (logits [B, n_items], 0.0: no KL term)."""
        return self.network(self.encoder_input(rows, noisy)), 0.0

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        rows = batch["rows"]
        logits, _ = self(rows, noisy=True)
        loss = multinomial_nll(logits, rows)
        self.log_epoch_mean("train/loss", loss, len(rows))
        return loss
