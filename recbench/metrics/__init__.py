"""Metrics: tensors in, per-user values out. Metrics know nothing of models or data.

Ranking metrics take ``hits`` ([users, K] bool: is the item at rank r relevant, ranks 1..K)
and ``n_relevant`` ([users]: relevant items of each user, at least 1) and return a float64
tensor of per-user values for cutoff ``k <= K``. Users without relevant items are not
evaluated (the evaluator drops them).

Rating metrics (RMSE, MAE) take predicted and true ratings and give per-user values and
one value over all ratings; see ``_rating``.

Click-through metrics (AUC, GAUC, LogLoss) take predicted click probabilities and labels
of a whole stage at once and give per-user values and one value over all impressions; see ``_ctr``.
"""

from recbench.metrics._ctr import CTR_METRICS, CTRMetric, compute_ctr_metrics, group_auc, log_loss, roc_auc
from recbench.metrics._ranking import RANKING_METRICS, RankingMetric, compute_ranking_metrics, metric_key
from recbench.metrics._rating import (
    RATING_METRICS,
    RatingMetric,
    compute_rating_metrics,
    mean_absolute_error,
    root_mean_squared_error,
)

# Spec types a `recbench.metrics` entry point may yield.
METRIC_TYPES: tuple[type, ...] = (RankingMetric, RatingMetric, CTRMetric)

__all__ = [
    "CTR_METRICS",
    "CTRMetric",
    "METRIC_TYPES",
    "RANKING_METRICS",
    "RATING_METRICS",
    "RankingMetric",
    "RatingMetric",
    "compute_ctr_metrics",
    "compute_ranking_metrics",
    "compute_rating_metrics",
    "group_auc",
    "log_loss",
    "mean_absolute_error",
    "metric_key",
    "roc_auc",
    "root_mean_squared_error",
]
