"""How many bytes a model's weights take: what compression is measured against."""

from __future__ import annotations

from torch import nn


def model_size_bytes(model: nn.Module) -> int:
    """Bytes of every parameter and buffer, each tensor counted once (shared weights are not doubled).

    The size in memory of the stored weights as they are held: int8 tables count one byte
    per value plus their float scales; a pruned dense table still counts its zeros.
    """
    seen: set[int] = set()
    total = 0
    for tensor in [*model.parameters(), *model.buffers()]:
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        total += tensor.numel() * tensor.element_size()
    return int(total)
