"""Rating metrics: hand-computed values, per-user against a plain loop, overall is over ratings not users."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from recbench.errors import RecbenchError
from recbench.metrics import RATING_METRICS, RatingMetric, compute_rating_metrics, mean_absolute_error, root_mean_squared_error


def test_hand_computed_rmse_and_mae():
    predictions = torch.tensor([3.5, 2.0, 4.0, 1.0])
    targets = torch.tensor([4.0, 2.0, 3.0, 3.0])
    # errors 0.5, 0, 1, 2
    assert root_mean_squared_error(predictions, targets) == pytest.approx(math.sqrt((0.25 + 0 + 1 + 4) / 4), abs=1e-12)
    assert mean_absolute_error(predictions, targets) == pytest.approx((0.5 + 0 + 1 + 2) / 4, abs=1e-12)


def test_per_user_values_and_overall_over_all_ratings():
    users = torch.tensor([7, 2, 7, 7])
    predictions = torch.tensor([3.5, 2.0, 4.0, 1.0])
    targets = torch.tensor([4.0, 2.0, 3.0, 3.0])
    per_user, overall = compute_rating_metrics(predictions, targets, users, ["rmse", "mae"])
    assert per_user["user"].tolist() == [2, 7]
    assert per_user["n_ratings"].tolist() == [1, 3]
    assert per_user["rmse"].tolist() == pytest.approx([0.0, math.sqrt((0.25 + 1 + 4) / 3)], abs=1e-12)
    assert per_user["mae"].tolist() == pytest.approx([0.0, 3.5 / 3], abs=1e-12)
    # Overall RMSE weighs every rating equally: not the mean of the two users' RMSEs.
    assert overall["rmse"] == pytest.approx(math.sqrt(5.25 / 4), abs=1e-12)
    assert overall["rmse"] != pytest.approx(float(per_user["rmse"].mean()))
    assert overall["mae"] == pytest.approx(3.5 / 4, abs=1e-12)


def test_overall_follows_from_per_user_values_and_counts():
    rng = np.random.default_rng(0)
    users = torch.from_numpy(rng.integers(0, 50, 2000))
    predictions = torch.from_numpy(rng.uniform(1, 5, 2000))
    targets = torch.from_numpy(rng.integers(1, 6, 2000).astype(np.float64))
    per_user, overall = compute_rating_metrics(predictions, targets, users, ["rmse", "mae"])
    n = per_user["n_ratings"].double()
    assert overall["rmse"] == pytest.approx(float(((per_user["rmse"] ** 2 * n).sum() / n.sum()).sqrt()), abs=1e-12)
    assert overall["mae"] == pytest.approx(float((per_user["mae"] * n).sum() / n.sum()), abs=1e-12)


def test_per_user_values_match_a_loop_over_users():
    rng = np.random.default_rng(1)
    users = torch.from_numpy(rng.integers(0, 30, 500))
    predictions = torch.from_numpy(rng.normal(3, 1, 500)).float()
    targets = torch.from_numpy(rng.integers(1, 6, 500).astype(np.float32))
    per_user, _ = compute_rating_metrics(predictions, targets, users, ["rmse", "mae"])
    for position, user in enumerate(per_user["user"].tolist()):
        mine = users == user
        assert per_user["rmse"][position] == pytest.approx(root_mean_squared_error(predictions[mine], targets[mine]), abs=1e-12)
        assert per_user["mae"][position] == pytest.approx(mean_absolute_error(predictions[mine], targets[mine]), abs=1e-12)
    assert per_user["rmse"].dtype == torch.float64


def test_metrics_declare_direction_and_reduction():
    for metric in RATING_METRICS.values():
        assert metric.higher_is_better is False
        assert metric.reduction == "mean_over_ratings"


def test_a_metric_of_the_wrong_shape_is_named():
    broken = RatingMetric("broken", lambda predictions, targets: (predictions - targets).sum())
    with pytest.raises(RecbenchError, match="metric 'broken' returned"):
        compute_rating_metrics(torch.ones(3), torch.ones(3), torch.arange(3), [broken])


def test_mismatched_lengths_are_refused():
    with pytest.raises(RecbenchError, match="must be three vectors of one length"):
        compute_rating_metrics(torch.ones(3), torch.ones(2), torch.arange(3), ["rmse"])
