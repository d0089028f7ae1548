"""Post-training int8 quantisation: per-row symmetric scales, dequantised on the fly in forward."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def quantize_rows(weight: Tensor) -> tuple[Tensor, Tensor]:
    """int8 values [n, d] and float32 scales [n, 1] with ``values * scales ≈ weight``.

    Symmetric per row: ``scale = max |row| / 127``, values rounded to the nearest step, so
    the error of each entry is at most half a step (``scale / 2``). An all-zero row gets scale 1.
    """
    weight = weight.detach().float()
    scale = weight.abs().amax(dim=1, keepdim=True) / 127.0
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    values = torch.round(weight / scale).clamp_(-127, 127).to(torch.int8)
    return values, scale


class QuantizedEmbedding(nn.Module):
    """An ``nn.Embedding`` stored as int8 rows plus one float32 scale per row.

    ``forward(ids [...]) -> [..., d]`` dequantises only the looked-up rows; ``weight`` gives
    the whole dequantised table [n, d] for models that score against every item.
    """

    def __init__(self, embedding: nn.Embedding):
        super().__init__()
        values, scale = quantize_rows(embedding.weight)
        self.register_buffer("weight_int8", values)
        self.register_buffer("scale", scale)
        self.padding_idx = embedding.padding_idx
        self.num_embeddings, self.embedding_dim = values.shape

    @property
    def weight(self) -> Tensor:
        return self.weight_int8.float() * self.scale

    def forward(self, ids: Tensor) -> Tensor:
        return F.embedding(ids, self.weight_int8).float() * F.embedding(ids, self.scale)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}, int8"


class QuantizedLinear(nn.Module):
    """An ``nn.Linear`` whose weight [out, in] is int8 with one scale per output row; the bias stays float."""

    def __init__(self, linear: nn.Linear):
        super().__init__()
        values, scale = quantize_rows(linear.weight)
        self.register_buffer("weight_int8", values)
        self.register_buffer("scale", scale)
        self.register_buffer("bias", None if linear.bias is None else linear.bias.detach().float().clone())
        self.out_features, self.in_features = values.shape

    @property
    def weight(self) -> Tensor:
        return self.weight_int8.float() * self.scale

    def forward(self, inputs: Tensor) -> Tensor:
        return F.linear(inputs, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, int8"


def quantize_int8(model: nn.Module) -> nn.Module:
    """Swap every ``nn.Embedding`` and ``nn.Linear`` of ``model`` (in place) for its int8 twin."""
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.Embedding):
                setattr(parent, name, QuantizedEmbedding(child))
            elif isinstance(child, nn.Linear):
                setattr(parent, name, QuantizedLinear(child))
    return model
