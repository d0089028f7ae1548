"""The Pareto front of quality against cost."""

from __future__ import annotations

from typing import Sequence


def pareto_front(quality: Sequence[float], cost: Sequence[float]) -> list[bool]:
    """For each point, whether no other point is at least as good in both and better in one.

    Higher ``quality`` and lower ``cost`` are better. Points with identical quality and
    cost do not dominate each other, so both stay on the front.
    """
    points = list(zip(quality, cost))
    return [
        not any(q >= mine_q and c <= mine_c and (q > mine_q or c < mine_c) for q, c in points)
        for mine_q, mine_c in points
    ]
