"""Click-through metrics: how well predicted click probabilities separate clicks from non-clicks.

Every metric here needs the whole stage at once: AUC ranks all impressions against each
other, so it is computed from gathered predictions, never averaged over batches or
processes. Each metric gives one value over all impressions (the record's number) and one
value per user (for paired tests).

- ``auc``: the probability that a random click outranks a random non-click (Mann-Whitney
  U / (P N)), ties counted one half, over every impression of the stage.
- ``gauc``: each user's AUC, weighted by the user's number of impressions (Zhu et al.,
  2017, "Optimized Cost per Click in Taobao Display Advertising"); users whose
  impressions are all clicks or all non-clicks have no AUC and are skipped.
- ``logloss``: mean binary cross-entropy, probabilities clipped to [1e-7, 1 - 1e-7].

Per-user values: a user's own AUC (NaN for users with one class only) for ``auc`` and
``gauc``, a user's mean log loss for ``logloss``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import Tensor

from recbench.errors import RecbenchError

# Bump when any definition below changes: leaderboards never mix metric versions.
CTR_METRICS_VERSION = 1
# Keeps log(p) finite for probabilities of exactly 0 or 1; float32 sigmoids reach 1.0 above logit 17.
LOG_LOSS_EPSILON = 1e-7


def grouped_auc(scores: Tensor, labels: Tensor, groups: Tensor, n_groups: int) -> tuple[Tensor, Tensor]:
    """(AUC [G], impressions [G]) of each group 0..G-1, by ranks with ties averaged.

    ``scores`` [N] float, ``labels`` [N] (1 = click), ``groups`` [N] int64 in [0, G).
    AUC_g = (R_g - P_g (P_g + 1) / 2) / (P_g N_g), R_g the sum of the clicks' ranks among
    the group's impressions; NaN where the group has no click or no non-click.
    Vectorised: two stable sorts and a few scatters, no loop over groups.
    """
    scores = scores.double()
    positive = labels.double() > 0.5
    by_score = torch.argsort(scores, stable=True)
    order = by_score[torch.argsort(groups[by_score], stable=True)]  # by group, then by score
    group, score, clicked = groups[order], scores[order], positive[order]
    n = len(order)
    sizes = torch.bincount(groups, minlength=n_groups).double()
    if n == 0:
        return torch.full((n_groups,), float("nan"), dtype=torch.float64), sizes
    index = torch.arange(n, device=scores.device)
    new_run = torch.ones(n, dtype=torch.bool, device=scores.device)
    new_run[1:] = (group[1:] != group[:-1]) | (score[1:] != score[:-1])
    run = torch.cumsum(new_run.long(), 0) - 1
    run_start = index[new_run]
    run_size = torch.bincount(run).double()
    group_start = torch.cumsum(sizes, 0) - sizes  # first sorted position of each group
    # 1-based rank within the group, averaged over the run of equal scores
    rank = (run_start[run] - group_start[group]).double() + (run_size[run] + 1) / 2
    zeros = torch.zeros(n_groups, dtype=torch.float64, device=scores.device)
    rank_sum = zeros.index_add(0, group, torch.where(clicked, rank, 0.0))
    n_positive = zeros.index_add(0, group, clicked.double())
    n_negative = sizes - n_positive
    auc = (rank_sum - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative)
    return torch.where((n_positive > 0) & (n_negative > 0), auc, float("nan")), sizes


def roc_auc(scores: Tensor, labels: Tensor) -> float:
    """AUC over all impressions [N] at once (NaN when every label is the same)."""
    auc, _ = grouped_auc(scores, labels, torch.zeros(len(scores), dtype=torch.long, device=scores.device), 1)
    return float(auc[0])


def group_auc(scores: Tensor, labels: Tensor, users: Tensor) -> float:
    """Σ_u n_u AUC_u / Σ_u n_u over users with both classes (n_u: the user's impressions)."""
    unique, index = torch.unique(users, return_inverse=True)
    auc, sizes = grouped_auc(scores, labels, index, len(unique))
    return _weighted_mean(auc, sizes)


def log_loss(probabilities: Tensor, labels: Tensor) -> float:
    """Mean of -(y log p + (1 - y) log(1 - p)) over all impressions, p clipped to [ε, 1 - ε]."""
    return float(_log_losses(probabilities, labels).mean())


def _log_losses(probabilities: Tensor, labels: Tensor) -> Tensor:
    p = probabilities.double().clamp(LOG_LOSS_EPSILON, 1 - LOG_LOSS_EPSILON)
    y = labels.double()
    return -(y * torch.log(p) + (1 - y) * torch.log1p(-p))


def _weighted_mean(values: Tensor, weights: Tensor) -> float:
    defined = ~torch.isnan(values)
    total = weights[defined].sum()
    return float((values[defined] * weights[defined]).sum() / total) if total > 0 else float("nan")


def _auc(probabilities: Tensor, labels: Tensor, groups: Tensor, n_groups: int) -> tuple[float, Tensor]:
    per_user, _ = grouped_auc(probabilities, labels, groups, n_groups)
    return roc_auc(probabilities, labels), per_user


def _gauc(probabilities: Tensor, labels: Tensor, groups: Tensor, n_groups: int) -> tuple[float, Tensor]:
    per_user, sizes = grouped_auc(probabilities, labels, groups, n_groups)
    return _weighted_mean(per_user, sizes), per_user


def _logloss(probabilities: Tensor, labels: Tensor, groups: Tensor, n_groups: int) -> tuple[float, Tensor]:
    losses = _log_losses(probabilities, labels)
    zeros = torch.zeros(n_groups, dtype=torch.float64, device=losses.device)
    sizes = zeros.index_add(0, groups, torch.ones_like(losses))
    return float(losses.mean()), zeros.index_add(0, groups, losses) / sizes


@dataclass(frozen=True)
class CTRMetric:
    """What a click-through metric plugin declares (entry-point group ``recbench.metrics``).

    ``function(probabilities [N], labels [N], groups [N], n_groups) -> (overall, per_group [G])``:
    the value over all N impressions of a stage, and each user's value (``groups`` are
    dense user indices 0..G-1; NaN where a user has no value). It sees the whole stage at
    once (gathered from every process under DDP), so non-additive metrics such as AUC are
    exact. ``version``: bump when the definition changes.
    """

    name: str
    function: Callable[[Tensor, Tensor, Tensor, int], tuple[float, Tensor]]
    higher_is_better: bool = True
    reduction: str = "gathered"  # computed from every impression of the stage, never averaged over shards
    version: int = CTR_METRICS_VERSION


AUC = CTRMetric("auc", _auc)
GAUC = CTRMetric("gauc", _gauc)
LOGLOSS = CTRMetric("logloss", _logloss, higher_is_better=False)

CTR_METRICS: dict[str, CTRMetric] = {m.name: m for m in (AUC, GAUC, LOGLOSS)}


def compute_ctr_metrics(
    probabilities: Tensor, labels: Tensor, users: Tensor, metrics: list[str | CTRMetric]
) -> tuple[dict[str, Tensor], dict[str, float]]:
    """Per-user and overall values of each metric, from probabilities and labels [N] of ``users`` [N].

    Returns ``per_user`` — ``user`` (sorted ids with at least one impression),
    ``n_impressions``, ``n_clicks`` and one float64 tensor per metric — and ``overall``.
    """
    if not (probabilities.shape == labels.shape == users.shape) or probabilities.dim() != 1:
        raise RecbenchError(
            f"probabilities {tuple(probabilities.shape)}, labels {tuple(labels.shape)} and users {tuple(users.shape)} "
            "must be three vectors of one length"
        )
    unique, index = torch.unique(users, return_inverse=True)
    sizes = torch.bincount(index, minlength=len(unique))
    clicks = torch.zeros(len(unique), dtype=torch.long, device=users.device).index_add_(0, index, (labels > 0.5).long())
    per_user: dict[str, Tensor] = {"user": unique, "n_impressions": sizes, "n_clicks": clicks}
    overall: dict[str, float] = {}
    for metric in (CTR_METRICS[m] if isinstance(m, str) else m for m in metrics):
        value, values = metric.function(probabilities, labels, index, len(unique))
        if not isinstance(values, Tensor) or values.shape != (len(unique),):
            shape = tuple(values.shape) if isinstance(values, Tensor) else type(values).__name__
            raise RecbenchError(
                f"metric '{metric.name}' returned per-user values of shape {shape} for {len(unique)} users; "
                "a CTR metric returns (overall, per_user [n_groups])"
            )
        per_user[metric.name] = values.double()
        overall[metric.name] = float(value)
    return per_user, overall
