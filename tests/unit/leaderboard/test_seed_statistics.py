"""Mean, CI, paired tests and Holm's correction, against hand computations and scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from recbench.leaderboard import holm, paired_p_value, seed_summary


def test_seed_summary_matches_a_hand_computation():
    summary = seed_summary([0.1, 0.2, 0.3])
    # mean 0.2; sample std sqrt((0.01 + 0 + 0.01) / 2) = 0.1; t(0.975, 2) = 4.3026527297 (tables)
    half = 4.3026527297 * 0.1 / math.sqrt(3)
    assert summary.n == 3
    assert summary.mean == pytest.approx(0.2, abs=1e-15)
    assert summary.std == pytest.approx(0.1, abs=1e-15)
    assert summary.ci_low == pytest.approx(0.2 - half, abs=1e-10)
    assert summary.ci_high == pytest.approx(0.2 + half, abs=1e-10)
    assert summary.half_width == pytest.approx(half, abs=1e-10)


def test_identical_seeds_have_zero_spread_and_one_seed_has_no_interval():
    same = seed_summary([0.3, 0.3, 0.3])
    assert (same.std, same.ci_low, same.ci_high) == (0.0, 0.3, 0.3)
    single = seed_summary([0.3])
    assert (single.mean, single.std, single.ci_low, single.ci_high, single.half_width) == (0.3, None, None, None, None)


def test_paired_tests_agree_with_scipy():
    rng = np.random.default_rng(0)
    best = rng.random(200)
    other = np.clip(best - 0.05 + rng.normal(0, 0.2, 200), 0, 1)
    assert paired_p_value(best, other, "t") == pytest.approx(stats.ttest_rel(best, other).pvalue, rel=1e-12)
    assert paired_p_value(best, other, "wilcoxon") == pytest.approx(stats.wilcoxon(best, other).pvalue, rel=1e-12)


def test_identical_rows_give_p_one_not_nan():
    values = np.array([0.1, 0.5, 0.0, 1.0])
    assert paired_p_value(values, values.copy(), "t") == 1.0
    assert paired_p_value(values, values.copy(), "wilcoxon") == 1.0


def test_unknown_test_is_refused():
    with pytest.raises(ValueError, match="unknown test"):
        paired_p_value(np.zeros(3), np.ones(3), "sign")


def test_holm_matches_a_hand_computation():
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> max with previous: 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_and_keeps_input_order():
    assert holm([0.6, 0.7]) == pytest.approx([1.0, 1.0])  # 0.6 * 2 capped, then monotone
    assert holm([0.9, 0.2]) == pytest.approx([0.9, 0.4])
    assert holm([]) == []
    assert holm([0.2]) == [0.2]


def test_the_same_difference_for_every_user_is_certain():
    assert paired_p_value(np.array([0.5, 0.6, 0.7]), np.array([0.4, 0.5, 0.6]) + 1e-17, "t") < 1e-10
