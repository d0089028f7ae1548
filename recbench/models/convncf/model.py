"""ConvNCF (He et al., IJCAI 2018): a CNN over the outer product of the user and item embeddings."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from recbench.errors import RecbenchError
from recbench.models.losses import bpr_loss
from recbench.models.neumf.towers import NCFModel, _embedding


def stride_two_convolution(maps: Tensor, convolution: nn.Conv2d) -> Tensor:
    """A kernel-2, stride-2 ``convolution`` of channels-last ``maps`` [..., H, W, C_in] -> [..., H/2, W/2, C_out].

    The 2 x 2 windows do not overlap, so the convolution is one matrix product over the
    flattened windows; on CPU this is several times faster than ``conv2d`` with few channels.
    """
    *leading, height, width, channels = maps.shape
    windows = maps.reshape(*leading, height // 2, 2, width // 2, 2, channels)
    lead = len(leading)
    windows = windows.permute(*range(lead), lead, lead + 2, lead + 4, lead + 1, lead + 3)  # [..., H/2, W/2, C_in, 2 (row), 2 (column)]
    weight = convolution.weight.reshape(convolution.out_channels, -1)  # [C_out, C_in * 4], same (C_in, row, column) order
    return torch.nn.functional.linear(windows.reshape(*leading, height // 2, width // 2, -1), weight, convolution.bias)


class ConvNCF(NCFModel):
    """logit(u, i) = w^T CNN(p_u q_i^T) + b, the CNN halving a d x d map with kernel-2, stride-2 convolutions down to 1 x 1.

    Trained with BPR against sampled negatives. Scoring all items reuses NCF's chunked
    ``score_users``: one d x d map per (user, item) pair cannot be a single matrix product.
    With ``pretrain_epochs`` > 0 the embeddings are first fitted as MF-BPR on the training
    matrix, as in the paper; the default starts from N(0, 0.01).
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        embedding_dim: int = 64,
        channels: int = 32,
        lr: float = 0.001,
        weight_decay: float = 1e-6,
        batch_size: int = 512,
        num_negatives: int = 1,
        pretrain_epochs: int = 0,
    ):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        if embedding_dim < 2 or embedding_dim & (embedding_dim - 1):
            raise RecbenchError(f"convncf: embedding_dim={embedding_dim} must be a power of two >= 2 (each convolution halves the map)")
        self.user_embedding = _embedding(n_users, embedding_dim)
        self.item_embedding = _embedding(n_items, embedding_dim)
        self.convolutions = nn.ModuleList(
            nn.Conv2d(1 if index == 0 else channels, channels, kernel_size=2, stride=2) for index in range(embedding_dim.bit_length() - 1)
        )
        self.output = nn.Linear(channels, 1)
        # widest per-pair activation: the interaction map plus the first layer's output
        self.feature_width = embedding_dim * embedding_dim * (1 + channels // 4)

    def logits(self, users: Tensor, items: Tensor) -> Tensor:
        """users [B], items [B or 1, C] -> [B, C]."""
        user = self.user_embedding(users).unsqueeze(1)  # [B, 1, d]
        item = self.item_embedding(items)  # [B or 1, C, d]
        maps = (user.unsqueeze(-1) * item.unsqueeze(-2)).unsqueeze(-1)  # [B, C, d, d, 1], channels last
        for convolution in self.convolutions:
            maps = torch.relu(stride_two_convolution(maps, convolution))
        return self.output(maps.flatten(-3)).squeeze(-1)  # [B, C, 1, 1, channels] -> [B, C]

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        items = torch.cat([batch["positives"].unsqueeze(1), batch["negatives"]], dim=1)  # [B, 1 + n]
        logits = self.logits(batch["users"], items)
        loss = bpr_loss(logits[:, 0], logits[:, 1:])
        self.log("train/loss", loss, on_step=False, on_epoch=True, batch_size=len(items))
        return loss

    def score_candidates(self, users: Tensor, items: Tensor) -> Tensor:
        return self.logits(users, items)

    def on_fit_start(self) -> None:
        if self.hparams.pretrain_epochs > 0:
            self.pretrain_embeddings(self.hparams.pretrain_epochs)

    @torch.enable_grad()
    def pretrain_embeddings(self, epochs: int) -> None:
        """MF-BPR on the training matrix only: s(u, i) = p_u . q_i, one uniform negative per pair."""
        if self.train_matrix is None:
            raise RuntimeError("fit_matrix(train) must be called before pre-training")
        matrix = self.train_matrix.to_sparse_coo().coalesce()
        users, positives = (index.to(self.device) for index in matrix.indices())
        parameters = [self.user_embedding.weight, self.item_embedding.weight]
        optimiser = torch.optim.Adam(parameters, lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)
        for _ in range(epochs):
            order = torch.randperm(len(users), device=self.device)
            for batch in torch.split(order, self.hparams.batch_size * 4):
                user = self.user_embedding(users[batch])
                negatives = torch.randint(self.n_items, (len(batch), 1), device=self.device)
                positive = (user * self.item_embedding(positives[batch])).sum(-1)
                negative = (user.unsqueeze(1) * self.item_embedding(negatives)).sum(-1)
                loss = bpr_loss(positive, negative)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
