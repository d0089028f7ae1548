"""Top-k ranking metrics: tensors in, per-user values out. Metrics know nothing of models or data.

Every metric takes ``hits`` ([users, K] bool: is the item at rank r relevant, ranks 1..K)
and ``n_relevant`` ([users]: relevant items of each user, at least 1) and returns a float64
tensor of per-user values for cutoff ``k <= K``. Users without relevant items are not
evaluated (the evaluator drops them).
"""

from recbench.metrics._ranking import RANKING_METRICS, RankingMetric, compute_ranking_metrics, metric_key

__all__ = ["RANKING_METRICS", "RankingMetric", "compute_ranking_metrics", "metric_key"]
