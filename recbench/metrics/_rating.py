"""Rating-prediction metrics: errors between predicted and true ratings, per user and over all ratings.

A rating metric is the mean of a per-rating error, then a final transform: RMSE is
sqrt(mean squared error), MAE is the mean absolute error. Both states (the error sum and
the rating count) are additive, so a metric over any grouping of ratings — each user, the
whole test set, the union of several processes' shares — is exact.

The record's value is the metric over all ratings of the split (global RMSE, which weighs
every rating equally); the per-user values feed paired tests between models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor

from recbench.errors import RecbenchError

# Bump when any definition below changes: leaderboards never mix metric versions.
RATING_METRICS_VERSION = 1


def squared_error(predictions: Tensor, targets: Tensor) -> Tensor:
    """(prediction - target)^2 per rating, float64 [N]."""
    return (predictions.double() - targets.double()) ** 2


def absolute_error(predictions: Tensor, targets: Tensor) -> Tensor:
    """|prediction - target| per rating, float64 [N]."""
    return (predictions.double() - targets.double()).abs()


def _identity(mean_error: Tensor) -> Tensor:
    return mean_error


@dataclass(frozen=True)
class RatingMetric:
    """What a rating metric plugin declares (entry-point group ``recbench.metrics``).

    ``function(predictions [N], targets [N]) -> [N]`` float64 error of each rating;
    ``finish`` turns a mean error into the metric (``torch.sqrt`` for RMSE). Lower is
    better for every error metric. ``version``: bump when the definition changes.
    """

    name: str
    function: Callable[[Tensor, Tensor], Tensor]
    finish: Callable[[Tensor], Tensor] = _identity
    higher_is_better: bool = False
    # Error sums and rating counts are summed across processes: exact under DDP.
    reduction: str = "mean_over_ratings"
    version: int = RATING_METRICS_VERSION


RMSE = RatingMetric("rmse", squared_error, torch.sqrt)
MAE = RatingMetric("mae", absolute_error)

RATING_METRICS: dict[str, RatingMetric] = {m.name: m for m in (RMSE, MAE)}


def root_mean_squared_error(predictions: Tensor, targets: Tensor) -> float:
    """sqrt(mean((prediction - target)^2)) over every rating: the reference the tests check against."""
    return float(squared_error(predictions, targets).mean().sqrt())


def mean_absolute_error(predictions: Tensor, targets: Tensor) -> float:
    """mean(|prediction - target|) over every rating."""
    return float(absolute_error(predictions, targets).mean())


def _resolve(metrics: list[str | RatingMetric]) -> list[RatingMetric]:
    return [RATING_METRICS[m] if isinstance(m, str) else m for m in metrics]


def _errors(metric: RatingMetric, predictions: Tensor, targets: Tensor) -> Tensor:
    errors = metric.function(predictions, targets)
    if not isinstance(errors, Tensor) or errors.shape != predictions.shape:
        shape = tuple(errors.shape) if isinstance(errors, Tensor) else type(errors).__name__
        raise RecbenchError(
            f"metric '{metric.name}' returned {shape} for {len(predictions)} ratings; "
            "a rating metric's function must return one error per rating, a tensor of shape [N]"
        )
    return errors.double()


def compute_rating_metrics(
    predictions: Tensor, targets: Tensor, users: Tensor, metrics: list[str | RatingMetric]
) -> tuple[dict[str, Tensor], dict[str, float]]:
    """Per-user and overall values of each metric, from predictions and targets [N] of ``users`` [N].

    Returns ``per_user`` — ``user`` (sorted ids with at least one rating), ``n_ratings`` and
    one float64 tensor per metric — and ``overall``: each metric over all N ratings.
    Vectorised: one scatter per metric, no loop over users.
    """
    if not (predictions.shape == targets.shape == users.shape) or predictions.dim() != 1:
        raise RecbenchError(
            f"predictions {tuple(predictions.shape)}, targets {tuple(targets.shape)} and users {tuple(users.shape)} "
            "must be three vectors of one length"
        )
    unique, index = torch.unique(users, return_inverse=True)
    counts = torch.zeros(len(unique), dtype=torch.float64, device=users.device).index_add_(0, index, torch.ones_like(index, dtype=torch.float64))
    per_user: dict[str, Tensor] = {"user": unique, "n_ratings": counts.long()}
    overall: dict[str, float] = {}
    for metric in _resolve(metrics):
        errors = _errors(metric, predictions, targets)
        sums = torch.zeros(len(unique), dtype=torch.float64, device=users.device).index_add_(0, index, errors)
        per_user[metric.name] = metric.finish(sums / counts).double()
        overall[metric.name] = float(metric.finish(errors.sum() / max(len(errors), 1)))
    return per_user, overall
