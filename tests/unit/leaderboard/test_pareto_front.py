"""Pareto front of quality (higher is better) against train time (lower is better)."""

from recbench.leaderboard import pareto_front


def test_dominated_points_are_off_the_front():
    quality = [0.30, 0.32, 0.25, 0.31, 0.10]
    seconds = [1.00, 5.00, 2.00, 0.50, 0.01]
    # 0.25 @ 2 s loses to 0.30 @ 1 s; 0.30 @ 1 s loses to 0.31 @ 0.5 s
    assert pareto_front(quality, seconds) == [False, True, False, True, True]


def test_identical_points_both_stay_on_the_front():
    assert pareto_front([0.3, 0.3], [1.0, 1.0]) == [True, True]


def test_equal_quality_slower_point_is_dominated():
    assert pareto_front([0.3, 0.3], [1.0, 2.0]) == [True, False]
