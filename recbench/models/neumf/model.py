"""NeuMF: fused GMF and MLP towers under one output layer (He et al., 2017)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from recbench.models.losses import bce_loss
from recbench.models.neumf.towers import GMFTower, MLPTower, NCFModel


def _output_layer(width: int) -> nn.Linear:
    layer = nn.Linear(width, 1)
    nn.init.kaiming_uniform_(layer.weight, a=1, nonlinearity="sigmoid")
    nn.init.zeros_(layer.bias)
    return layer


class NeuMF(NCFModel):
    """logit(u, i) = h^T [p_u ⊙ q_i ; MLP([p'_u ; q'_i])] + b, separate embeddings per tower.

    With ``pretrain``, the first ``pretrain_epochs`` epochs train GMF and MLP as two separate
    models, each with its own output layer and loss (the paper's pre-training, done inside
    the same run); then ``h`` is initialised as [½ h_GMF ; ½ h_MLP] (the paper's α = ½) and
    the fused model trains on. While pre-training, scores are what that fused layer would
    give, ½ (GMF logit + MLP logit), so validation and checkpoints stay meaningful; the
    phase is a buffer, so a checkpoint from either phase scores the same after loading.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        embedding_dim: int = 32,
        mlp_embedding_dim: int = 32,
        mlp_layers: list[int] = (64, 32, 16),
        dropout: float = 0.0,
        lr: float = 0.003,
        weight_decay: float = 0.0,
        batch_size: int = 1024,
        num_negatives: int = 4,
        pretrain: bool = False,
        pretrain_epochs: int = 5,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        mlp_layers = list(mlp_layers)
        self.gmf = GMFTower(n_users, n_items, embedding_dim)
        self.mlp = MLPTower(n_users, n_items, mlp_embedding_dim, mlp_layers, dropout)
        self.output = _output_layer(self.gmf.width + self.mlp.width)
        if pretrain:
            self.gmf_output = _output_layer(self.gmf.width)
            self.mlp_output = _output_layer(self.mlp.width)
        self.register_buffer("fused", torch.tensor(not pretrain))
        self.feature_width = embedding_dim + max(mlp_layers)

    def logits(self, users: Tensor, items: Tensor) -> Tensor:
        gmf, mlp = self.gmf(users, items), self.mlp(users, items)  # [B, C, d], [B, C, h]
        if bool(self.fused):
            return self.output(torch.cat([gmf, mlp], dim=-1)).squeeze(-1)
        return 0.5 * (self.gmf_output(gmf) + self.mlp_output(mlp)).squeeze(-1)

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        if bool(self.fused):
            return super().training_step(batch, batch_idx)
        users = batch["users"]
        items = torch.cat([batch["positives"].unsqueeze(1), batch["negatives"]], dim=1)  # [B, 1 + n]
        gmf = self.gmf_output(self.gmf(users, items)).squeeze(-1)
        mlp = self.mlp_output(self.mlp(users, items)).squeeze(-1)
        loss = bce_loss(gmf[:, 0], gmf[:, 1:]) + bce_loss(mlp[:, 0], mlp[:, 1:])
        self.log_epoch_mean("train/loss", loss, len(users))
        return loss

    def on_train_epoch_start(self) -> None:
        if not bool(self.fused) and self.current_epoch >= self.hparams.pretrain_epochs:
            self.fuse()

    @torch.no_grad()
    def fuse(self) -> None:
        """End pre-training: h = [½ h_GMF ; ½ h_MLP], b = ½ (b_GMF + b_MLP); logits are unchanged."""
        self.output.weight.copy_(0.5 * torch.cat([self.gmf_output.weight, self.mlp_output.weight], dim=1))
        self.output.bias.copy_(0.5 * (self.gmf_output.bias + self.mlp_output.bias))
        self.fused.fill_(True)
