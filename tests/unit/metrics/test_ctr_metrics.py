"""AUC, GAUC and LogLoss against plain references: a brute-force count over every (click, non-click) pair."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from recbench.errors import RecbenchError
from recbench.evaluation import CTREvaluator
from recbench.metrics import compute_ctr_metrics, group_auc, log_loss, roc_auc
from recbench.metrics._ctr import grouped_auc


def pairwise_auc(scores, labels) -> float:
    """Share of (click, non-click) pairs where the click scores higher, ties counting one half."""
    clicks = [s for s, y in zip(scores, labels) if y == 1]
    others = [s for s, y in zip(scores, labels) if y == 0]
    if not clicks or not others:
        return math.nan
    wins = sum(1.0 if c > o else 0.5 if c == o else 0.0 for c in clicks for o in others)
    return wins / (len(clicks) * len(others))


def sample(seed: int, n: int = 60, levels: int = 6):
    """Scores on a coarse grid, so many ties; labels correlated with the scores."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, levels, n) / levels
    labels = (rng.random(n) < 0.3 + 0.5 * scores).astype(np.int64)
    users = rng.integers(0, 7, n)
    return scores, labels, users


@pytest.mark.parametrize("seed", range(5))
def test_auc_is_the_pairwise_count_with_ties_counted_half(seed):
    scores, labels, _ = sample(seed)
    assert roc_auc(torch.tensor(scores), torch.tensor(labels)) == pytest.approx(pairwise_auc(scores, labels), abs=1e-12)


def test_auc_on_a_hand_made_case():
    # clicks 0.9, 0.5, 0.5 against non-clicks 0.5, 0.1: (1 + 1) + (0.5 + 1) + (0.5 + 1) = 5 of 6 pairs
    scores, labels = torch.tensor([0.9, 0.5, 0.5, 0.5, 0.1]), torch.tensor([1, 1, 1, 0, 0])
    assert roc_auc(scores, labels) == pytest.approx(5 / 6)
    assert roc_auc(torch.tensor([0.2, 0.2]), torch.tensor([1, 0])) == 0.5
    assert math.isnan(roc_auc(torch.tensor([0.3, 0.7]), torch.tensor([1, 1])))


@pytest.mark.parametrize("seed", range(3))
def test_per_user_auc_and_gauc_weigh_users_by_impressions_and_skip_single_class_users(seed):
    scores, labels, users = sample(seed, n=80)
    labels[users == 6] = 1  # user 6 clicked everything: no AUC, skipped
    per_user, sizes = grouped_auc(torch.tensor(scores), torch.tensor(labels), torch.tensor(users), 7)
    expected, weights = [], []
    for user in range(7):
        mine = users == user
        reference = pairwise_auc(scores[mine], labels[mine])
        value = float(per_user[user])
        assert (math.isnan(value) and math.isnan(reference)) or value == pytest.approx(reference, abs=1e-12)
        assert sizes[user] == mine.sum()
        if not math.isnan(reference):
            expected.append(reference)
            weights.append(mine.sum())
    assert math.isnan(float(per_user[6]))
    gauc = group_auc(torch.tensor(scores), torch.tensor(labels), torch.tensor(users))
    assert gauc == pytest.approx(np.average(expected, weights=weights), abs=1e-12)


def test_log_loss_is_mean_binary_cross_entropy_and_finite_at_zero_and_one():
    p, y = torch.tensor([0.9, 0.2, 0.6, 0.5], dtype=torch.float64), torch.tensor([1, 0, 0, 1])
    expected = -np.mean([math.log(0.9), math.log(0.8), math.log(0.4), math.log(0.5)])
    assert log_loss(p, y) == pytest.approx(expected, abs=1e-12)
    extreme = log_loss(torch.tensor([1.0, 0.0]), torch.tensor([0, 1]))
    assert math.isfinite(extreme) and extreme == pytest.approx(-math.log(1e-7), rel=1e-6)


def test_compute_ctr_metrics_gives_per_user_columns_and_overall_values():
    scores, labels, users = sample(7, n=50)
    per_user, overall = compute_ctr_metrics(torch.tensor(scores), torch.tensor(labels), torch.tensor(users + 10), ["auc", "gauc", "logloss"])
    assert per_user["user"].tolist() == sorted(set((users + 10).tolist()))
    assert int(per_user["n_impressions"].sum()) == 50 and int(per_user["n_clicks"].sum()) == int(labels.sum())
    assert overall["auc"] == pytest.approx(pairwise_auc(scores, labels), abs=1e-12)
    assert overall["logloss"] == pytest.approx(log_loss(torch.tensor(scores), torch.tensor(labels)), abs=1e-12)
    n = per_user["n_impressions"].double()
    assert overall["logloss"] == pytest.approx(float((per_user["logloss"] * n).sum() / n.sum()), abs=1e-12)
    defined = ~torch.isnan(per_user["gauc"])
    assert overall["gauc"] == pytest.approx(float((per_user["gauc"][defined] * n[defined]).sum() / n[defined].sum()), abs=1e-12)


class _Split:
    def __init__(self, frames):
        self.frames = frames

    def stage(self, name):
        return self.frames[name]


def test_the_evaluator_computes_auc_over_the_whole_stage_not_per_batch():
    import pandas as pd

    scores, labels, users = sample(11, n=40)
    frame = pd.DataFrame({"user": users, "item": np.arange(40), "label": labels.astype(np.float32)})
    evaluator = CTREvaluator(_Split({"valid": frame, "test": frame}), ["auc"])
    order = torch.randperm(40, generator=torch.Generator().manual_seed(0))  # predictions arrive in any order
    _, overall = evaluator.evaluate("test", order, torch.tensor(scores, dtype=torch.float32)[order])
    assert overall["auc"] == pytest.approx(pairwise_auc(scores, labels), abs=1e-6)
    halves = [pairwise_auc(scores[:20], labels[:20]), pairwise_auc(scores[20:], labels[20:])]
    assert overall["auc"] != pytest.approx(np.mean(halves), abs=1e-6)  # a mean over batches is not the AUC


@pytest.mark.parametrize(
    "probabilities, message",
    [(torch.tensor([0.5, 1.5, 0.2]), r"in \[0, 1\].*sigmoid"), (torch.tensor([0.5, float("nan"), 0.2]), "NaN"), (torch.tensor([0.5, 0.2]), "shape")],
)
def test_the_evaluator_refuses_what_is_not_one_probability_per_impression(probabilities, message):
    import pandas as pd

    frame = pd.DataFrame({"user": [0, 0, 1], "item": [0, 1, 2], "label": [1.0, 0.0, 1.0]})
    evaluator = CTREvaluator(_Split({"valid": frame, "test": frame}), ["auc"])
    with pytest.raises(RecbenchError, match=message):
        evaluator.evaluate("test", torch.arange(3), probabilities)
