"""BERT4Rec: masked-item training of a bidirectional Transformer (Sun et al., CIKM 2019)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from recbench.models.base import SequentialRecommenderModel, check_heads, dot_scores, keep_last


class BERT4Rec(SequentialRecommenderModel):
    """Item + position embeddings -> layer norm -> ``num_blocks`` post-norm Transformer blocks
    (GELU) attending in both directions, pads masked out -> a GELU + layer-norm head whose
    output scores items against the shared item embeddings plus a bias.

    Training replaces each real item with the mask token with probability
    ``mask_probability`` and predicts the replaced items (softmax over every item). Scoring
    appends the mask token after the history (keeping its last ``max_length - 1`` items) and
    reads the prediction there.
    """

    def __init__(
        self,
        n_users: int,
        n_items: int,
        max_length: int = 200,
        embedding_dim: int = 64,
        num_blocks: int = 2,
        num_heads: int = 2,
        feedforward_dim: int = 256,
        dropout: float = 0.1,
        mask_probability: float = 0.2,
        lr: float = 0.001,
        weight_decay: float = 0.0,
        batch_size: int = 128,
    ):
        super().__init__(n_users, n_items, max_length)
        check_heads("bert4rec", embedding_dim, num_heads)
        self.save_hyperparameters()
        self.mask_index = n_items + 1
        self.item_embedding = nn.Embedding(n_items + 2, embedding_dim, padding_idx=n_items)
        self.position_embedding = nn.Embedding(max_length, embedding_dim)
        self.embedding_norm = nn.LayerNorm(embedding_dim)
        self.embedding_dropout = nn.Dropout(dropout)
        block = nn.TransformerEncoderLayer(
            embedding_dim, num_heads, dim_feedforward=feedforward_dim, dropout=dropout, activation="gelu", batch_first=True
        )
        self.blocks = nn.TransformerEncoder(block, num_blocks, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.Linear(embedding_dim, embedding_dim), nn.GELU(), nn.LayerNorm(embedding_dim))
        self.output_bias = nn.Parameter(torch.zeros(n_items))
        for embedding in (self.item_embedding, self.position_embedding):
            nn.init.normal_(embedding.weight, std=0.02)
        with torch.no_grad():
            self.item_embedding.weight[n_items].zero_()

    def encode(self, users: Tensor, sequences: Tensor) -> Tensor:
        """Bidirectional: every real position reads every other real position; pads are ignored."""
        positions = torch.arange(sequences.shape[1], device=sequences.device)
        x = self.embedding_norm(self.item_embedding(sequences) + self.position_embedding(positions))
        return self.blocks(self.embedding_dropout(x), src_key_padding_mask=sequences == self.padding_index)

    def item_logits(self, hidden: Tensor, items: Tensor | None = None) -> Tensor:
        hidden = self.head(hidden)
        return dot_scores(hidden, self.item_embedding.weight[: self.n_items], items, self.output_bias)

    def training_step(self, batch: dict[str, Tensor], batch_idx: int) -> Tensor:
        # The data module hands max_length + 1 items (for next-item models); read max_length.
        sequences, _ = keep_last(batch["sequences"], batch["lengths"], self.max_length, self.padding_index)
        real = sequences != self.padding_index
        masked = real & (torch.rand(sequences.shape, device=sequences.device) < self.hparams.mask_probability)
        inputs = torch.where(masked, torch.full_like(sequences, self.mask_index), sequences)
        hidden = self.encode(batch["users"], inputs)
        loss = F.cross_entropy(self.item_logits(hidden[masked]), sequences[masked]) if masked.any() else hidden.sum() * 0.0
        self.log_epoch_mean("train/loss", loss, max(int(masked.sum()), 1))
        return loss

    def score_sequences(self, users: Tensor, sequences: Tensor, lengths: Tensor) -> Tensor:
        sequences, lengths = keep_last(sequences, lengths, self.max_length - 1, self.padding_index)
        # One more column, then the mask token right after each history.
        widened = F.pad(sequences, (0, 1), value=self.padding_index)
        rows = torch.arange(len(widened), device=widened.device)
        widened[rows, lengths.to(widened.device)] = self.mask_index
        hidden = self.encode(users, widened)
        return self.item_logits(hidden[rows, lengths.to(widened.device)])

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)
