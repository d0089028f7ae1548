"""What a table must know about each metric: which way is better, and what a record's value means.

A record's protocol section says what its protocol evaluates (``task``) and which of its
metrics are better when lower (``lower_is_better``); records without them are ranking
runs. Ranking metrics (``ndcg@10``) are means over users of values in [0, 1], so a
record's value must equal the mean of its per-user file. Rating errors (RMSE, MAE) and
click metrics (AUC, GAUC, LogLoss) are computed over all held-out ratings or impressions,
so the record's value is not the mean of the per-user values beside it; those values
still pair users for the significance test. A user without a value (the AUC of a user
who only clicked, or never did) is left out of that test.
"""

from __future__ import annotations

from dataclasses import dataclass

TASKS = ("ranking", "rating", "ctr")


@dataclass(frozen=True)
class MetricRules:
    higher_is_better: bool
    per_user_mean: bool  # the record's value is the mean of the per-user values, each in [0, 1]

    def oriented(self, value: float) -> float:
        """``value`` on a scale where larger is better, for sorting and Pareto fronts."""
        return value if self.higher_is_better else -value


def metric_rules(protocol: dict, name: str) -> MetricRules:
    """The rules of metric ``name`` (``ndcg@10``, ``rmse``, ``auc``) in a record's (or table's) ``protocol`` section."""
    lower = protocol.get("lower_is_better") or []
    return MetricRules(
        higher_is_better=name.partition("@")[0] not in lower,
        per_user_mean=protocol.get("task", "ranking") == "ranking",
    )
