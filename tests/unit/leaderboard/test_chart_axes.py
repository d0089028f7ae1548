"""Axis ticks of the hand-written SVG charts."""

from recbench.leaderboard._svg import nice_ticks


def test_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0.138, 0.326) == [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]
    assert nice_ticks(0.0, 1.0) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_a_single_value_still_gets_an_axis():
    ticks = nice_ticks(0.3, 0.3)
    assert ticks[0] <= 0.3 <= ticks[-1] and len(ticks) >= 2
