"""ConvNCF (He et al., IJCAI 2018): a CNN over the outer product of the user and item embeddings."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from recbench.errors import RecbenchError
from recbench.models.losses import bpr_loss
from recbench.models.neumf.towers import NCFModel, _embedding


class ConvNCF(NCFModel):
    """logit(u, i) = w^T CNN(p_u q_i^T) + b, the CNN halving a d x d map with kernel-2, stride-2 convolutions down to 1 x 1.

    Trained with BPR against sampled negatives. Scoring all items reuses NCF's chunked
    ``score_users``: one d x d map per (user, item) pair cannot be a single matrix product.
    With ``pretrain_epochs`` > 0 the embeddings are first fitted as MF-BPR on the training
    matrix, as in the paper (40 epochs by default; 0 starts the CNN from N(0, 0.01) embeddings).

    A pair costs about 1.5 M multiply-adds at d = 64 and 32 channels, almost all of it memory
    traffic through the first two layers' maps, so the layout is chosen for the CPU: the
    first layer never builds the d x d map (its 2 x 2 windows are products of two entries of
    p_u and two of q_i, one matrix product away from the 32 x 32 output), and every later layer
    is a convolution on channels-last memory, which oneDNN runs several times faster than on
    NCHW or than a matrix product over re-ordered windows.
    """

    pair_loss = staticmethod(bpr_loss)

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
        pretrain_epochs: int = 40,
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
        # widest per-pair activation: the first layer's (d/2 x d/2) output maps
        self.feature_width = (embedding_dim // 2) ** 2 * channels

    def logits(self, users: Tensor, items: Tensor) -> Tensor:
        """users [B], items [B or 1, C] -> [B, C]."""
        user = self.user_embedding(users).unsqueeze(1)  # [B, 1, d]
        item = self.item_embedding(items)  # [B or 1, C, d]
        shape = torch.broadcast_shapes(user.shape, item.shape)
        p, q = user.expand(shape).reshape(-1, shape[-1]), item.expand(shape).reshape(-1, shape[-1])  # [N, d] per pair
        half = shape[-1] // 2
        # Window (a, b) of the map p q^T holds p[2a + r] * q[2b + c] for r, c in {0, 1}.
        windows = (p.view(-1, half, 1, 2, 1) * q.view(-1, 1, half, 1, 2)).reshape(-1, half, half, 4)
        first = self.convolutions[0]
        maps = F.relu(F.linear(windows, first.weight.reshape(first.out_channels, 4), first.bias))  # [N, d/2, d/2, channels]
        maps = maps.permute(0, 3, 1, 2)  # an NCHW view of channels-last memory, as the convolutions want it
        for convolution in self.convolutions[1:]:
            maps = F.relu(convolution(maps), inplace=True)
        return self.output(maps.flatten(1)).view(shape[:-1])

    def score_candidates(self, users: Tensor, items: Tensor) -> Tensor:
        # only the candidates: the inherited score_users(...).gather would score the whole
        # catalogue, minutes per evaluation here (GMF, MLP and NeuMF keep that path unchanged)
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
