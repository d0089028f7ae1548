"""SASRec: a causal Transformer over the item history (Kang and McAuley, ICDM 2018)."""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from recbench.models.base import SequentialRecommenderModel, check_choice, check_heads, dot_scores

LOSSES = ("ce", "bce")


class SASRec(SequentialRecommenderModel):
    """Item + learned position embeddings -> ``num_blocks`` pre-norm self-attention blocks with a
    causal mask -> final layer norm. The output at position t scores the item at t + 1 by a dot
    product with the (shared) input item embeddings.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        max_length: int = 50,
        embedding_dim: int = 64,
        num_blocks: int = 2,
        num_heads: int = 1,
        dropout: float = 0.2,
        loss: str = "ce",
        num_negatives: int = 1,
        lr: float = 0.001,
        weight_decay: float = 0.0,
        batch_size: int = 128,
    ):
        super().__init__(n_users, n_items, max_length)
        check_choice("sasrec", "loss", loss, LOSSES)
        check_heads("sasrec", embedding_dim, num_heads)
        self.save_hyperparameters()
        self.item_embedding = nn.Embedding(n_items + 1, embedding_dim, padding_idx=n_items)
        self.position_embedding = nn.Embedding(max_length, embedding_dim)
        self.embedding_dropout = nn.Dropout(dropout)
        block = nn.TransformerEncoderLayer(
            embedding_dim, num_heads, dim_feedforward=embedding_dim, dropout=dropout, batch_first=True, norm_first=True
        )
        self.blocks = nn.TransformerEncoder(block, num_blocks, norm=nn.LayerNorm(embedding_dim), enable_nested_tensor=False)
        nn.init.xavier_normal_(self.item_embedding.weight)
        nn.init.xavier_normal_(self.position_embedding.weight)
        with torch.no_grad():
            self.item_embedding.weight[n_items].zero_()

    def encode(self, users: Tensor, sequences: Tensor) -> Tensor:
        width = sequences.shape[1]
        positions = torch.arange(width, device=sequences.device)
        x = self.item_embedding(sequences) * math.sqrt(self.hparams.embedding_dim) + self.position_embedding(positions)
        x = self.embedding_dropout(x) * (sequences != self.padding_index).unsqueeze(-1)
        causal = nn.Transformer.generate_square_subsequent_mask(width, device=sequences.device)
        return self.blocks(x, mask=causal, is_causal=True)

    def item_logits(self, hidden: Tensor, items: Tensor | None = None) -> Tensor:
        return dot_scores(hidden, self.item_embedding.weight[: self.n_items], items)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, betas=(0.9, 0.98), weight_decay=self.hparams.weight_decay)
