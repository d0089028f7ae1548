from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor

from recbench.errors import RecbenchError

# Bump when any definition below changes: leaderboards never mix metric versions.
METRICS_VERSION = 1


def _ranks(k: int, device: torch.device) -> Tensor:
    return torch.arange(1, k + 1, dtype=torch.float64, device=device)


def hit_rate(hits: Tensor, n_relevant: Tensor, k: int) -> Tensor:
    """1 if any relevant item is in the top k."""
    return hits[:, :k].any(dim=1).double()


def precision(hits: Tensor, n_relevant: Tensor, k: int) -> Tensor:
    """Relevant items in the top k, divided by k."""
    return hits[:, :k].sum(dim=1).double() / k


def recall(hits: Tensor, n_relevant: Tensor, k: int) -> Tensor:
    """Relevant items in the top k, divided by all relevant items of the user."""
    return hits[:, :k].sum(dim=1).double() / n_relevant.double()


def ndcg(hits: Tensor, n_relevant: Tensor, k: int) -> Tensor:
    """DCG with gain 1/log2(rank+1), divided by the DCG of min(n_relevant, k) relevant items on top."""
    discounts = 1.0 / torch.log2(_ranks(k, hits.device) + 1.0)
    dcg = (hits[:, :k].double() * discounts).sum(dim=1)
    ideal = torch.cumsum(discounts, dim=0)[(n_relevant.clamp(max=k) - 1).long()]
    return dcg / ideal


def mrr(hits: Tensor, n_relevant: Tensor, k: int) -> Tensor:
    """1 / rank of the first relevant item within the top k; 0 if none."""
    return (hits[:, :k].double() / _ranks(k, hits.device)).max(dim=1).values


def average_precision(hits: Tensor, n_relevant: Tensor, k: int) -> Tensor:
    """Sum over relevant ranks r <= k of precision@r, divided by min(n_relevant, k)."""
    relevant = hits[:, :k].double()
    precision_at_rank = torch.cumsum(relevant, dim=1) / _ranks(k, hits.device)
    return (precision_at_rank * relevant).sum(dim=1) / n_relevant.clamp(max=k).double()


@dataclass(frozen=True)
class RankingMetric:
    """What a metric plugin declares (entry-point group ``recbench.metrics``).

    ``function(hits [B, K] bool, n_relevant [B], k) -> [B] float64`` per-user values.
    ``version``: bump when the definition changes; it enters every record that uses the
    metric, and leaderboards never mix versions.
    """

    name: str
    function: Callable[[Tensor, Tensor, int], Tensor]
    higher_is_better: bool = True
    # Per-user values are summed across processes and divided by the user count: exact under DDP.
    reduction: str = "mean_over_users"
    version: int = METRICS_VERSION


# The built-ins, registered as entry points like any third-party metric.
HIT_RATE = RankingMetric("hr", hit_rate)
PRECISION = RankingMetric("precision", precision)
RECALL = RankingMetric("recall", recall)
NDCG = RankingMetric("ndcg", ndcg)
MRR = RankingMetric("mrr", mrr)
MAP = RankingMetric("map", average_precision)

RANKING_METRICS: dict[str, RankingMetric] = {m.name: m for m in (HIT_RATE, PRECISION, RECALL, NDCG, MRR, MAP)}


def metric_key(name: str, k: int) -> str:
    return f"{name}@{k}"


def compute_ranking_metrics(
    hits: Tensor, n_relevant: Tensor, metrics: list[str | RankingMetric], cutoffs: list[int]
) -> dict[str, Tensor]:
    """Per-user values of every ``name@k``; ``hits`` must have at least max(cutoffs) columns.

    ``metrics`` are metric objects (e.g. from the plugin registry) or names of built-ins.
    """
    resolved = [RANKING_METRICS[m] if isinstance(m, str) else m for m in metrics]
    values = {}
    for metric in resolved:
        for k in cutoffs:
            value = metric.function(hits, n_relevant, k)
            if not isinstance(value, Tensor) or value.shape != (len(hits),):
                shape = tuple(value.shape) if isinstance(value, Tensor) else type(value).__name__
                raise RecbenchError(
                    f"metric '{metric.name}' returned {shape} for {len(hits)} users; "
                    "a ranking metric must return one value per user, a tensor of shape [users]"
                )
            values[metric_key(metric.name, k)] = value.double()
    return values
