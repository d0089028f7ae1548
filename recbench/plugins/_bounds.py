"""Allowed ranges of hyperparameters: the shared names' here, a model's own in its spec's ``bounds``.

A value out of range (``embedding_dim=0``, ``lr=-1``, ``dropout=1.5``) would otherwise end in a
torch traceback deep inside training, or worse, train a meaningless model without a word.
Ranges are intervals in the usual notation, e.g. ``"[1, inf)"`` or ``"(0, 1)"``; a list
value (layer sizes) is checked element by element.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

from recbench.errors import RecbenchError

COUNTS = (
    "batch_size", "embedding_dim", "mlp_embedding_dim", "factors", "latent_dim", "hidden_dim", "feedforward_dim",
    "channels", "horizontal_filters", "vertical_filters", "num_blocks", "num_heads", "num_layers", "n_layers",
    "max_length", "max_history", "window", "neighbours", "iterations", "cg_steps", "lbfgs_iterations",
    "num_negatives", "hidden_dims", "hidden_sizes", "mlp_layers", "attention_sizes",
)  # fmt: skip
NON_NEGATIVE = (
    "weight_decay", "regularisation", "regularization", "reg_weight", "l2", "user_regularisation",
    "item_regularisation", "bias_regularisation", "implicit_regularisation", "shrink", "alpha", "init_std",
    "grad_clip", "anneal_cap", "total_anneal_steps", "negative_ratio", "pretrain_epochs", "support_threshold",
)  # fmt: skip
SHARED_BOUNDS: dict[str, str] = {
    **dict.fromkeys(COUNTS, "[1, inf)"),
    **dict.fromkeys(NON_NEGATIVE, "[0, inf)"),
    "lr": "(0, inf)",
    "dropout": "[0, 1)",
    "corruption": "[0, 1)",
    "mask_probability": "(0, 1)",
}

_INTERVAL = re.compile(r"^\s*([\[(])\s*([^,\s]+)\s*,\s*([^\])\s]+)\s*([\])])\s*$")


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    low_closed: bool
    high_closed: bool
    text: str

    @classmethod
    def parse(cls, text: str) -> "Interval":
        match = _INTERVAL.match(text) if isinstance(text, str) else None
        try:
            low, high = float(match.group(2)), float(match.group(3))
        except (AttributeError, ValueError):
            raise RecbenchError(f"bound {text!r} is not an interval; write e.g. '[1, inf)' or '(0, 1)'") from None
        return cls(low, high, match.group(1) == "[", match.group(4) == "]", text.strip())

    def __contains__(self, value: float) -> bool:
        above = value >= self.low if self.low_closed else value > self.low
        below = value <= self.high if self.high_closed else value < self.high
        return above and below and not math.isnan(value)


def bounds_of(spec) -> dict[str, Interval]:
    """The ranges that apply to ``spec``'s config fields: shared names' unless the spec gives its own."""
    fields = spec.defaults()
    texts = {name: text for name, text in SHARED_BOUNDS.items() if name in fields} | dict(spec.bounds)
    return {name: Interval.parse(text) for name, text in texts.items()}


def out_of_range(value: Any, interval: Interval) -> Any:
    """The first number in ``value`` (a number or a list of them) outside ``interval``, else None."""
    for number in value if isinstance(value, (list, tuple)) else [value]:
        if isinstance(number, (int, float)) and not isinstance(number, bool) and number not in interval:
            return number
    return None


def check_hyperparameters(spec, values: Mapping[str, Any], where: str = "model") -> None:
    """Refuse the first of ``values`` outside its range, naming the key, the range and the default."""
    defaults = spec.defaults()
    for name, interval in bounds_of(spec).items():
        value = values.get(name)
        if out_of_range(value, interval) is not None:
            each = "each value" if isinstance(value, (list, tuple)) else "a value"
            raise RecbenchError(
                f"{where}.{name}={value} is out of range for {spec.name}: use {each} in {interval.text} (default {defaults[name]})"
            )
