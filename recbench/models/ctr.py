"""The base class of click-through models (task ``ctr``), built-in or plugin, and the layers they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from recbench.errors import RecbenchError
from recbench.models.base import RecommenderModel


@dataclass(frozen=True)
class Field:
    """One categorical input: indices 0..cardinality-1, 0 meaning missing (and padding).

    ``owner`` is "user" or "item": whose side feature it is (the id fields ``user`` and
    ``item`` included). A ``multi_hot`` field holds several indices per impression (an
    item's genres), as a trailing dimension padded with 0.
    """

    name: str
    cardinality: int
    owner: str
    multi_hot: bool = False


def as_fields(fields: Sequence[dict | Field]) -> list[Field]:
    """The ``fields`` constructor argument (plain dicts, so checkpoints store it as data) as ``Field``s."""
    return [f if isinstance(f, Field) else Field(**f) for f in fields]


class FieldEmbedding(nn.Module):
    """One table per field, ``dim`` wide. Multi-hot fields are mean-pooled over their non-zero indices.

    ``forward(features, names=None)`` takes ``{field: indices}`` where a single-valued
    field is [*S] and a multi-hot one [*S, M], and returns [*S, F, dim], the fields in
    ``names`` order (all fields by default). A multi-hot field with no index gives zeros.
    """

    def __init__(self, fields: Sequence[Field], dim: int, init_std: float = 0.01):
        super().__init__()
        self.fields = {f.name: f for f in fields}
        self.tables = nn.ModuleDict({f.name: nn.Embedding(f.cardinality, dim) for f in fields})
        for table in self.tables.values():
            nn.init.normal_(table.weight, std=init_std)

    def names(self, owner: str | None = None) -> list[str]:
        return [name for name, f in self.fields.items() if owner is None or f.owner == owner]

    def forward(self, features: dict[str, Tensor], names: Sequence[str] | None = None) -> Tensor:
        columns = []
        for name in names if names is not None else self.names():
            indices = features[name]
            vectors = self.tables[name](indices)
            if self.fields[name].multi_hot:
                present = (indices > 0).unsqueeze(-1).to(vectors.dtype)
                vectors = (vectors * present).sum(-2) / present.sum(-2).clamp(min=1)
            columns.append(vectors)
        return torch.stack(columns, dim=-2)


class FirstOrder(nn.Module):
    """b + Σ_f w_f[x_f]: a global bias and one weight per field value, the linear part of LR, FM and Wide & Deep.

    ``forward(features)`` gives the logit [*S]; a multi-hot field adds the mean weight of its values.
    """

    def __init__(self, fields: Sequence[Field]):
        super().__init__()
        self.weights = FieldEmbedding(fields, 1, init_std=0.0)
        self.bias = nn.Parameter(torch.zeros(()))

    def forward(self, features: dict[str, Tensor]) -> Tensor:
        return self.bias + self.weights(features).sum((-2, -1))


def perceptron(sizes: Sequence[int], dropout: float = 0.0, activation: type[nn.Module] = nn.ReLU) -> nn.Sequential:
    """Linear layers of widths ``sizes`` (input first), each but the last followed by ``activation`` and dropout."""
    layers: list[nn.Module] = []
    for index, (width_in, width_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(width_in, width_out))
        if index < len(sizes) - 2:
            layers += [activation(), nn.Dropout(dropout)]
    return nn.Sequential(*layers)


def pairwise_interactions(embeddings: Tensor) -> Tensor:
    """FM's second-order term Σ_{f<g} <v_f, v_g> of ``embeddings`` [B, F, d], in O(F d): [B]."""
    total = embeddings.sum(1)
    return 0.5 * (total.pow(2) - embeddings.pow(2).sum(1)).sum(-1)


class CTRModel(RecommenderModel):
    """A Lightning module that learns from training impressions and predicts click probabilities.

    Call order, as the platform drives it:

    1. ``__init__(n_users, n_items, fields, **hyperparameters)``; call
       ``self.save_hyperparameters()``. ``fields`` is the dataset's feature facts: a list
       of ``{"name", "cardinality", "owner", "multi_hot"}`` (see ``Field``), always with the
       id fields ``user`` and ``item``. It is saved with the hyperparameters, so a model
       restored from a checkpoint rebuilds the same tables. ``self.feature_fields`` holds
       them as ``Field``s.
    2. ``fit_matrix(train)`` — as for every model; the 0/1 training matrix, which CTR
       models rarely need.
    3. ``Trainer.fit`` with the provided ``training_step`` (binary cross-entropy of
       ``logits(batch)`` against ``batch["labels"]``) on batches of the spec's input kind:
       ``"impressions"``: ``{"users" [B], "items" [B], "labels" [B] float 0/1,
       "features": {field: [B] or [B, M]}}``; ``"impressions_with_history"`` adds
       ``"history": {item field: [B, L] or [B, L, M]}`` (the user's training items before
       the impression, oldest first, right-padded with index 0) and ``"history_lengths"`` [B].
    4. ``validation_step`` / ``test_step`` — provided: the batch holds held-out
       impressions without their labels (plus ``"positions"``) and the step returns
       ``predict(batch)``. The platform computes AUC, GAUC and LogLoss.

    Scoring method (in eval mode): ``predict(batch) -> [B]`` click probabilities in [0, 1],
    by default ``sigmoid(logits(batch))``; implement ``logits(batch) -> [B]``. Users and
    items without training impressions must still get a finite probability.
    ``configure_optimizers`` gives Adam with the hyperparameters ``lr`` and
    ``weight_decay`` (0 when absent).
    """

    def __init__(self, n_users: int, n_items: int, fields: Sequence[dict | Field]):
        super().__init__(n_users, n_items)
        self.feature_fields = as_fields(fields)
        names = {f.name for f in self.feature_fields}
        if not {"user", "item"} <= names:
            raise RecbenchError(f"{type(self).__name__}: fields must include the id fields 'user' and 'item', got {sorted(names)}")

    def logits(self, batch: dict) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement logits(batch) -> [B]")

    def predict(self, batch: dict) -> Tensor:
        return torch.sigmoid(self.logits(batch))

    def training_step(self, batch: dict, batch_idx: int) -> Tensor:
        loss = F.binary_cross_entropy_with_logits(self.logits(batch), batch["labels"].float())
        self.log_epoch_mean("train/loss", loss, len(batch["labels"]))
        return loss

    def validation_step(self, batch: dict, batch_idx: int) -> Tensor:
        return self.predict(batch)

    def test_step(self, batch: dict, batch_idx: int) -> Tensor:
        return self.predict(batch)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.get("weight_decay", 0.0))

    def score_users(self, users: Tensor) -> Tensor:
        raise RecbenchError(
            f"{type(self).__name__} predicts click probabilities of given impressions: call predict(batch); "
            "click-through models run under click-through protocols (e.g. protocol=ctr-811), not ranking ones"
        )
