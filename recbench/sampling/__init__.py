"""Negative sampling, in bulk on the device: no Python loop per sample."""

from recbench.sampling._negatives import PositiveSet, uniform_negatives

__all__ = ["PositiveSet", "uniform_negatives"]
