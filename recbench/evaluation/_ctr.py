"""Platform-owned click-through evaluation: probabilities of held-out impressions -> AUC, GAUC, LogLoss."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from recbench.errors import RecbenchError
from recbench.evaluation._rating import RatingEvaluation
from recbench.metrics import compute_ctr_metrics

STAGES = ("valid", "test")


class CTREvaluator:
    """Held-out impressions of one split (users and 0/1 labels), and the metrics of probabilities predicted for them."""

    def __init__(self, split, metrics: list):
        self.metrics = list(metrics)
        self.impressions = {stage: _impressions(split.stage(stage)) for stage in STAGES}

    def metric_keys(self) -> list[str]:
        return [m if isinstance(m, str) else m.name for m in self.metrics]

    def evaluate(self, stage: str, positions: Tensor, probabilities: Tensor) -> tuple[dict[str, Tensor], dict[str, float]]:
        """Per-user and overall metrics of ``probabilities`` [N] for the stage's rows ``positions`` [N].

        Every held-out impression of the stage must be predicted exactly once, with a
        probability in [0, 1].
        """
        users, labels = self.impressions[stage]
        check_probability_shape(probabilities, positions)
        if not torch.isfinite(probabilities).all():
            raise RecbenchError("the model predicted NaN or infinite click probabilities (training diverged?); lower the learning rate")
        if len(probabilities) and (probabilities.min() < 0 or probabilities.max() > 1):
            raise RecbenchError(
                f"the model predicted click probabilities in [{float(probabilities.min()):.3g}, {float(probabilities.max()):.3g}]; "
                "a CTR model returns probabilities in [0, 1] (apply a sigmoid to its logits)"
            )
        order = torch.argsort(positions)
        positions, probabilities = positions[order], probabilities[order].double()
        if len(positions) != len(labels) or not torch.equal(positions, torch.arange(len(labels))):
            raise RecbenchError(f"{stage}: {len(positions)} predictions for {len(labels)} held-out impressions; each needs exactly one")
        return compute_ctr_metrics(probabilities, labels, users, self.metrics)


def check_probability_shape(probabilities, positions: Tensor) -> None:
    if not isinstance(probabilities, Tensor) or probabilities.shape != positions.shape:
        shape = tuple(probabilities.shape) if isinstance(probabilities, Tensor) else type(probabilities).__name__
        raise RecbenchError(
            f"predict returned {shape} for {len(positions)} impressions; a CTR model returns one click probability "
            "per impression, a tensor of shape [N]"
        )


def _impressions(frame) -> tuple[Tensor, Tensor]:
    if "label" not in frame:
        raise RecbenchError("these held-out interactions carry no click labels; CTR evaluation needs a click-through protocol (e.g. ctr-811)")
    return torch.from_numpy(frame["user"].to_numpy(np.int64, copy=True)), torch.from_numpy(frame["label"].to_numpy(np.float64, copy=True))


class CTREvaluation(RatingEvaluation):
    """Turns the click probabilities a model returns from ``validation_step``/``test_step`` into metrics.

    Batches hold held-out impressions with their ``positions``; outputs are probabilities
    [N]. At the end of each stage the probabilities of every process are gathered (under
    DDP) before any metric is computed, so AUC ranks all impressions of the stage against
    each other, exactly. Overall values are logged as ``valid/<metric>`` / ``test/<metric>``
    and kept in ``summaries[stage]``; per-user values (with ``n_impressions`` and
    ``n_clicks``) go to ``results[stage]``. The gathering and logging are the rating
    evaluation's; only the evaluator differs.
    """

    def _collect(self, batch: dict, predictions: Tensor) -> None:
        check_probability_shape(predictions, batch["positions"])
        self._parts.append((batch["positions"].cpu(), predictions.detach().cpu()))
