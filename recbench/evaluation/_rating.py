"""Platform-owned rating evaluation: predictions of held-out pairs -> clipped -> RMSE and MAE."""

from __future__ import annotations

import numpy as np
import pytorch_lightning as pl
import torch
from torch import Tensor

from recbench.errors import RecbenchError
from recbench.evaluation._callback import _gather
from recbench.metrics import compute_rating_metrics

STAGES = ("valid", "test")


class RatingEvaluator:
    """Held-out ratings of one split, and the metrics of predictions made for them.

    Predictions are clipped to the rating scale seen in training ([min, max] of the
    training ratings) before any error is computed, the same rule for every model, as
    rating-prediction libraries do: a prediction beyond the scale is never a better guess.
    """

    def __init__(self, split, metrics: list):
        train = split.train["rating"].to_numpy(np.float64)
        self.scale = (float(train.min()), float(train.max()))
        self.metrics = list(metrics)
        self.pairs = {stage: _pairs(split.stage(stage)) for stage in STAGES}

    def metric_keys(self) -> list[str]:
        return [m if isinstance(m, str) else m.name for m in self.metrics]

    def evaluate(self, stage: str, positions: Tensor, predictions: Tensor) -> tuple[dict[str, Tensor], dict[str, float]]:
        """Per-user and overall metrics of ``predictions`` [N] for the stage's rows ``positions`` [N].

        Every held-out rating of the stage must be predicted exactly once.
        """
        users, _, targets = self.pairs[stage]
        check_prediction_shape(predictions, positions)
        if not torch.isfinite(predictions).all():
            raise RecbenchError("the model predicted NaN or infinite ratings (training diverged?); lower the learning rate")
        order = torch.argsort(positions)
        positions, predictions = positions[order], predictions[order].double()
        if len(positions) != len(targets) or not torch.equal(positions, torch.arange(len(targets))):
            raise RecbenchError(f"{stage}: {len(positions)} predictions for {len(targets)} held-out ratings; each needs exactly one")
        clipped = predictions.clamp(*self.scale)
        return compute_rating_metrics(clipped, targets, users, self.metrics)


def check_prediction_shape(predictions, positions: Tensor) -> None:
    if not isinstance(predictions, Tensor) or predictions.shape != positions.shape:
        shape = tuple(predictions.shape) if isinstance(predictions, Tensor) else type(predictions).__name__
        raise RecbenchError(
            f"predict returned {shape} for {len(positions)} pairs; a rating model returns one predicted "
            "rating per (user, item) pair, a tensor of shape [N]"
        )


def _pairs(frame) -> tuple[Tensor, Tensor, Tensor]:
    """(users, items, ratings) [N] of a stage table, in its row order (the positions the data module hands out)."""
    if "rating" not in frame:
        raise RecbenchError("this dataset has no ratings; rating protocols need explicit ratings (e.g. MovieLens)")
    return (
        torch.from_numpy(frame["user"].to_numpy(np.int64, copy=True)),
        torch.from_numpy(frame["item"].to_numpy(np.int64, copy=True)),
        torch.from_numpy(frame["rating"].to_numpy(np.float64, copy=True)),
    )


class RatingEvaluation(pl.Callback):
    """Turns the predicted ratings a model returns from ``validation_step``/``test_step`` into metrics.

    Batches are ``{"users", "items", "positions"}`` of held-out pairs; outputs are predicted
    ratings [N]. At the end of each stage, predictions (gathered from every process under
    DDP) are matched to the held-out ratings by position; the overall value of each metric
    is logged as ``valid/<metric>`` or ``test/<metric>`` (what early stopping and
    checkpointing monitor) and kept in ``summaries[stage]`` for the record; per-user values
    (with each user's ``n_ratings``) go to ``results[stage]``.
    """

    def __init__(self, evaluator: RatingEvaluator, logged: list[str] | None = None):
        self.evaluator = evaluator
        self.logged = logged
        self.results: dict[str, dict[str, Tensor]] = {}
        self.summaries: dict[str, dict[str, float]] = {}
        self._parts: list[tuple[Tensor, Tensor]] = []

    def summary(self, stage: str) -> dict[str, float]:
        """Each metric over all held-out ratings of ``stage`` (global RMSE, not a mean over users)."""
        return dict(self.summaries[stage])

    def _collect(self, batch: dict[str, Tensor], predictions: Tensor) -> None:
        check_prediction_shape(predictions, batch["positions"])
        self._parts.append((batch["positions"].cpu(), predictions.detach().cpu()))

    def _finish(self, stage: str, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        positions = torch.cat([p for p, _ in self._parts]) if self._parts else torch.empty(0, dtype=torch.long)
        predictions = torch.cat([v for _, v in self._parts]).float() if self._parts else torch.empty(0)
        self._parts = []
        if trainer.world_size > 1:  # each process predicted a slice of the pairs: gather every slice
            positions, predictions = _gather(pl_module, positions), _gather(pl_module, predictions)
        per_user, overall = self.evaluator.evaluate(stage, positions, predictions)
        self.results[stage] = per_user
        self.summaries[stage] = overall
        logged = {name: v for name, v in overall.items() if self.logged is None or name in self.logged}
        pl_module.log_dict({f"{stage}/{name}": torch.tensor(v, dtype=torch.float32) for name, v in logged.items()}, batch_size=len(positions))

    def on_validation_epoch_start(self, trainer, pl_module):
        self._parts = []

    def on_validation_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0):
        self._collect(batch, outputs)

    def on_validation_epoch_end(self, trainer, pl_module):
        self._finish("valid", trainer, pl_module)

    def on_test_epoch_start(self, trainer, pl_module):
        self._parts = []

    def on_test_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0):
        self._collect(batch, outputs)

    def on_test_epoch_end(self, trainer, pl_module):
        self._finish("test", trainer, pl_module)
