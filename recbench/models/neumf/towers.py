"""Building blocks of the neural collaborative filtering family (He et al., 2017).

A tower maps a user embedding ``u`` [B, 1, d] and item embeddings ``v`` [B or 1, C, d]
to interaction features [B, C, width] by broadcasting, so the same code serves training
(each row's own positive and negatives, ``v`` [B, 1 + n, d]) and full scoring (one shared
chunk of items, ``v`` [1, C, d]). ``NCFModel`` holds the training step (binary
cross-entropy over the sampled negatives) and the chunked scoring over all items.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from recbench.errors import RecbenchError
from recbench.models.base import RecommenderModel
from recbench.models.losses import bce_loss

EMBEDDING_STD = 0.01  # N(0, 0.01) initialisation, as in the NCF paper


def _embedding(count: int, dim: int) -> nn.Embedding:
    embedding = nn.Embedding(count, dim)
    nn.init.normal_(embedding.weight, std=EMBEDDING_STD)
    return embedding


class GMFTower(nn.Module):
    """Generalised matrix factorisation: features = p_u ⊙ q_i, width ``dim``."""

    def __init__(self, n_users: int, n_items: int, dim: int):
        super().__init__()
        self.user_embedding = _embedding(n_users, dim)
        self.item_embedding = _embedding(n_items, dim)
        self.width = dim

    def forward(self, users: Tensor, items: Tensor) -> Tensor:
        """users [B], items [B or 1, C] -> features [B, C, dim]."""
        return self.user_embedding(users).unsqueeze(1) * self.item_embedding(items)


class MLPTower(nn.Module):
    """Multi-layer perceptron over the concatenation [p_u; q_i], ReLU after every layer.

    The first layer is applied to the user and item halves separately,
    W [p; q] + b = W_u p + (W_i q + b), so scoring B users against C items costs
    one first-layer product per user and per item instead of one per pair.
    """

    def __init__(self, n_users: int, n_items: int, dim: int, layers: list[int], dropout: float = 0.0):
        super().__init__()
        if not layers:
            raise RecbenchError("mlp_layers=[] leaves the MLP tower without a hidden layer; give at least one size, e.g. mlp_layers=[64,32,16]")
        self.user_embedding = _embedding(n_users, dim)
        self.item_embedding = _embedding(n_items, dim)
        self.first_user = nn.Linear(dim, layers[0], bias=False)
        self.first_item = nn.Linear(dim, layers[0])
        hidden: list[nn.Module] = []
        for width_in, width_out in zip(layers[:-1], layers[1:]):
            hidden += [nn.Dropout(dropout), nn.Linear(width_in, width_out), nn.ReLU()]
        self.dropout = nn.Dropout(dropout)
        self.hidden = nn.Sequential(*hidden)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
        self.width = layers[-1]
        self.max_width = max(layers)

    def forward(self, users: Tensor, items: Tensor) -> Tensor:
        """users [B], items [B or 1, C] -> features [B, C, layers[-1]]."""
        user_part = self.first_user(self.dropout(self.user_embedding(users))).unsqueeze(1)  # [B, 1, h]
        item_part = self.first_item(self.dropout(self.item_embedding(items)))  # [B or 1, C, h]
        return self.hidden(torch.relu(user_part + item_part))


class NCFModel(RecommenderModel):
    """Shared training and scoring: subclasses implement ``logits(users [B], items [B or 1, C]) -> [B, C]``.

    Training scores each observed pair against its sampled negatives with ``pair_loss``
    (binary cross-entropy, as NCF trains; ConvNCF sets BPR).

    ``feature_width`` (the widest per-pair activation) bounds memory in ``score_users``:
    items are scored in chunks of at most ``score_chunk_elements / (B * feature_width)``.
    """

    # Floats per scoring chunk (8 MiB). Smaller chunks keep every temporary in glibc's heap
    # instead of returning it to the kernel and faulting it back in: on ML-1M, NeuMF scores a
    # batch of users in 1.1 s with 2**21 against 2.0 s (and 4 s once preallocated) with 2**23.
    score_chunk_elements = 2**21
    feature_width = 1
    pair_loss = staticmethod(bce_loss)  # (positive logits [B], negative logits [B, n]) -> loss

    def logits(self, users: Tensor, items: Tensor) -> Tensor:
        raise NotImplementedError

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        items = torch.cat([batch["positives"].unsqueeze(1), batch["negatives"]], dim=1)  # [B, 1 + n]
        logits = self.logits(batch["users"], items)
        loss = self.pair_loss(logits[:, 0], logits[:, 1:])
        self.log_epoch_mean("train/loss", loss, len(items))
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)

    def score_users(self, users: Tensor, chunk_items: int | None = None) -> Tensor:
        """users [B] -> logits [B, n_items], computed over item chunks so memory stays bounded."""
        if chunk_items is None:
            chunk_items = max(1, self.score_chunk_elements // max(1, len(users) * self.feature_width))
        all_items = torch.arange(self.n_items, device=self.device)
        # Written into one preallocated tensor: kept chunk results, allocated between each chunk's
        # temporaries, would split the freed heap, and the process's memory would grow by about
        # a GB over the chunks of one ML-1M batch (NeuMF's peak: 2.2 GB instead of 0.9 GB).
        scores = torch.empty(len(users), self.n_items, device=self.device)
        for start in range(0, self.n_items, chunk_items):
            scores[:, start : start + chunk_items] = self.logits(users, all_items[start : start + chunk_items].unsqueeze(0))
        return scores
