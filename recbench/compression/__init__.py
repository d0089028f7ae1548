"""Post-training compression of a trained model, measured as its own variant.

``compress(model, cfg)`` changes ``model`` in place (``copy.deepcopy`` it first to keep the
float model) and returns it; ``cfg`` is the ``compress`` config group
(``recbench.config.CompressConfig``). Methods:

- ``int8``: every ``nn.Embedding`` and ``nn.Linear`` stored as int8 with one float scale per
  row, dequantised on the fly (``QuantizedEmbedding``, ``QuantizedLinear``).
- ``prune``: the ``sparsity`` share of smallest-magnitude embedding and linear weights set to
  zero, over all of them together, permanently.
- ``lowrank``: every ``nn.Embedding`` replaced by a rank-``rank`` truncated SVD (``LowRankEmbedding``).
"""

from __future__ import annotations

from typing import Any

from torch import nn

from recbench.compression._latency import first_users, scoring_ms_per_1000_users
from recbench.compression._lowrank import LowRankEmbedding, factorise, factorise_embeddings
from recbench.compression._prune import prune_magnitude, sparsity_of
from recbench.compression._quantize import QuantizedEmbedding, QuantizedLinear, quantize_int8, quantize_rows
from recbench.compression._size import model_size_bytes
from recbench.errors import RecbenchError

METHODS = ("none", "int8", "prune", "lowrank")
# What each method acts on; a model with none of these cannot be compressed by it.
TARGETS: dict[str, tuple[type[nn.Module], ...]] = {
    "int8": (nn.Embedding, nn.Linear),
    "prune": (nn.Embedding, nn.Linear),
    "lowrank": (nn.Embedding,),
}


def _option(cfg: Any, name: str) -> Any:
    return cfg[name] if isinstance(cfg, dict) else getattr(cfg, name)


def parameters_of(cfg: Any) -> dict[str, Any]:
    """The settings of ``cfg``'s method that enter the record (and the leaderboard row): e.g. ``{"sparsity": 0.5}``."""
    method = _option(cfg, "method")
    if method == "prune":
        return {"sparsity": float(_option(cfg, "sparsity"))}
    if method == "lowrank":
        return {"rank": int(_option(cfg, "rank"))}
    return {}


def check_compressible(model: nn.Module, cfg: Any, model_name: str | None = None) -> None:
    """Raise a RecbenchError, before any training, when ``cfg``'s method cannot act on ``model``."""
    method = _option(cfg, "method")
    if method not in METHODS:
        raise RecbenchError(f"compress.method='{method}' is not supported; use one of {', '.join(METHODS)}")
    if method == "none":
        return
    name = model_name or type(model).__name__
    targets = TARGETS[method]
    if not any(isinstance(module, targets) for module in model.modules()):
        kinds = " or ".join(f"nn.{t.__name__}" for t in targets)
        raise RecbenchError(
            f"model '{name}' cannot be compressed with compress={method}: {type(model).__name__} has no {kinds} "
            f"layer, and {method} acts only on {kinds} weights; use compress=none for this model"
        )
    if method == "prune" and not 0.0 <= float(_option(cfg, "sparsity")) < 1.0:
        raise RecbenchError(f"compress.sparsity must lie in [0, 1), got {_option(cfg, 'sparsity')}")
    if method == "lowrank" and int(_option(cfg, "rank")) < 1:
        raise RecbenchError(f"compress.rank must be at least 1, got {_option(cfg, 'rank')}")


def compress(model: nn.Module, cfg: Any) -> nn.Module:
    """Apply ``cfg.method`` to ``model`` in place and return it; ``none`` returns it unchanged."""
    check_compressible(model, cfg)
    method = _option(cfg, "method")
    if method == "int8":
        return quantize_int8(model)
    if method == "prune":
        return prune_magnitude(model, float(_option(cfg, "sparsity")))
    if method == "lowrank":
        return factorise_embeddings(model, int(_option(cfg, "rank")))
    return model


__all__ = [
    "METHODS",
    "LowRankEmbedding",
    "QuantizedEmbedding",
    "QuantizedLinear",
    "check_compressible",
    "compress",
    "factorise",
    "factorise_embeddings",
    "first_users",
    "model_size_bytes",
    "parameters_of",
    "prune_magnitude",
    "quantize_int8",
    "quantize_rows",
    "scoring_ms_per_1000_users",
    "sparsity_of",
]
