"""Magnitude pruning: the smallest weights of all embedding and linear layers together set to zero."""

from __future__ import annotations

from torch import nn
from torch.nn.utils import prune


def prunable_weights(model: nn.Module) -> list[tuple[nn.Module, str]]:
    return [(module, "weight") for module in model.modules() if isinstance(module, (nn.Embedding, nn.Linear))]


def prune_magnitude(model: nn.Module, sparsity: float) -> nn.Module:
    """Zero the ``round(sparsity * total)`` smallest-magnitude weights over every embedding and linear weight.

    Global, not per layer: a layer of small weights loses more. Biases are kept. The mask is
    made permanent (``prune.remove``), so the model holds plain dense tensors with zeros.
    """
    targets = prunable_weights(model)
    prune.global_unstructured(targets, pruning_method=prune.L1Unstructured, amount=float(sparsity))
    for module, name in targets:
        prune.remove(module, name)
    return model


def sparsity_of(model: nn.Module) -> float:
    """Share of zeros over the weights pruning acts on."""
    weights = [module.weight for module, _ in prunable_weights(model)]
    total = sum(w.numel() for w in weights)
    zeros = sum(int((w == 0).sum()) for w in weights)
    return zeros / total if total else 0.0
