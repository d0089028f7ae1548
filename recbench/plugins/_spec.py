from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass, field
from typing import Any, Mapping

TASKS = ("ranking", "rating", "sequential", "ctr")

# What the training data module hands to `training_step` (see recbench.models.base).
INPUT_KINDS = {
    "none": "no batches: the model fits from the training matrix in `fit_matrix` (closed form, counting)",
    "triples": "dict(users, positives, negatives): one observed pair and uniform negatives [B, num_negatives]",
    "user_rows": "dict(users, rows): users [B] and their dense training rows [B, n_items]",
    "sequences": (
        "dict(users, sequences, lengths[, negatives]): each user's last max_length + 1 training items in time order, "
        "right-padded with n_items [B, W], their lengths [B], and sampled negatives [B, W - 1, n] when the loss needs them"
    ),
    # Rating models (task "rating"): ratings are float32; "observed" marks the rated entries of a dense row.
    "ratings": "dict(users, items, ratings): observed training ratings [B], reshuffled every epoch",
    "user_rating_rows": "dict(users, ratings, observed): users [B], their dense training ratings and rated mask [B, n_items]",
    "item_rating_rows": "dict(items, ratings, observed): items [B], their dense training ratings and rated mask [B, n_users]",
    # Click-through models (task "ctr"): field indices are int64, 0 = missing; see recbench.models.ctr.
    "impressions": (
        "dict(users, items, labels, features): training impressions [B] with their 0/1 click labels and one tensor "
        "of field indices per categorical field ([B], or [B, M] for multi-hot fields such as genres), reshuffled every epoch"
    ),
    "impressions_with_history": (
        "impressions plus history (the item fields of each user's earlier training items, oldest first, "
        "right-padded, [B, L] or [B, L, M]) and history_lengths [B]"
    ),
}


@dataclass(frozen=True)
class ModelTags:
    """Capabilities; they decide which protocol, data module and conformance checks apply."""

    task: str = "ranking"
    input_kind: str = "triples"
    supports_ddp: bool = False
    deterministic: bool = True  # same seed, same scores (the conformance kit checks it)
    folds_in: bool = False  # scores a user from their history alone, so users unseen in training can be scored
    # hours per run on a CPU at its defaults: `recbench benchmark` leaves it out of its default
    # suite unless a GPU trains it (it still runs when named in models=[...])
    heavy_on_cpu: bool = False


@dataclass(frozen=True)
class ModelSpec:
    """What a model plugin declares.

    ``model_class`` may be the class itself or an import string ``"package.module:Class"``;
    the string form keeps start-up light (the class is imported only when a run builds it).
    ``config`` is a dataclass whose fields, all with defaults, are the constructor's
    hyperparameters. ``search_space`` maps a config field to an Optuna distribution
    description, e.g. ``{"lr": {"type": "float", "low": 1e-4, "high": 1e-1, "log": True}}``.
    ``kit_hyperparameters`` are config values the conformance kit trains with in place of the
    defaults, for a model whose defaults would cost minutes per check on the kit's tiny data
    (ConvNCF's 64 x 64 interaction maps); every check still runs the model's own code.
    ``bounds`` maps a config field to its allowed range, e.g. ``{"l2": "(0, inf)"}``; fields
    with shared names (``lr``, ``embedding_dim``, ``dropout``, ...) have ranges already, see
    ``recbench.plugins.SHARED_BOUNDS``, which ``bounds`` overrides.
    """

    name: str
    model_class: Any
    config: type
    tags: ModelTags = field(default_factory=ModelTags)
    search_space: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    description: str = ""
    kit_hyperparameters: Mapping[str, Any] = field(default_factory=dict)
    bounds: Mapping[str, str] = field(default_factory=dict)

    def load_class(self) -> type:
        if isinstance(self.model_class, str):
            module_name, _, attr = self.model_class.partition(":")
            return getattr(importlib.import_module(module_name), attr)
        return self.model_class

    def defaults(self) -> dict[str, Any]:
        return {f.name: _default_of(f) for f in dataclasses.fields(self.config)}


def _default_of(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING
