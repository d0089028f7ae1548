"""Statistics of a table: spread over seeds, paired tests on users, Holm's correction.

Over seeds: the mean, the sample standard deviation (n - 1) and a two-sided confidence
interval from Student's t with n - 1 degrees of freedom. With one seed there is no
spread to measure, and std and interval are None.

Against the best row: each row's per-user values are first averaged over its seeds, so
one user is one pair; the pairs are the users both rows evaluated. The paired t-test is
the default (it keeps its error rate on IR metrics, Urbano et al., SIGIR 2019); the
Wilcoxon signed-rank test is the alternative. Holm's step-down correction then controls
the family-wise error over all rows compared with the best one.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np

TESTS = {"t": "paired t-test", "wilcoxon": "Wilcoxon signed-rank test"}


@dataclass(frozen=True)
class SeedSummary:
    n: int
    mean: float
    std: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def half_width(self) -> float | None:
        return None if self.ci_high is None else (self.ci_high - self.ci_low) / 2


def seed_summary(values: Sequence[float], confidence: float = 0.95) -> SeedSummary:
    """Mean, sample std and t-interval of one metric over a row's seeds."""
    from scipy import stats

    n = len(values)
    if n == 0:
        raise ValueError("no values to summarise")
    mean = math.fsum(values) / n
    if n == 1:
        return SeedSummary(n, mean, None, None, None)
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * std / math.sqrt(n)
    return SeedSummary(n, mean, std, mean - half, mean + half)


def one_run_interval(n: int, mean: float, std: float | None, confidence: float = 0.95) -> tuple[float, float] | None:
    """Where one more run of a row is expected: mean ± t · std · sqrt(1 + 1/n) (a prediction interval).

    Wider than the mean's interval (± t · std / sqrt(n)): a single run carries a seed's whole
    spread, not the spread of an average. None with one seed (no spread measured).
    """
    from scipy import stats

    if n < 2 or std is None:
        return None
    half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * std * math.sqrt(1 + 1 / n)
    return mean - half, mean + half


def paired_p_value(best: np.ndarray, other: np.ndarray, test: str = "t") -> float:
    """Two-sided p-value that two rows' per-user values have equal means (t) or a symmetric difference (Wilcoxon).

    ``best`` and ``other`` are aligned arrays, one entry per user. Identical values give
    1.0: there is no evidence of a difference, though the tests themselves are undefined.
    """
    from scipy import stats

    if test not in TESTS:
        raise ValueError(f"unknown test {test!r}; choose one of {sorted(TESTS)}")
    differences = best - other
    if len(differences) < 2 or not np.any(differences):
        return 1.0
    if test == "t" and np.all(differences == differences[0]):
        return 0.0  # the same non-zero difference for every user: t is infinite
    with warnings.catch_warnings():
        # scipy warns of precision loss when differences are nearly constant; the p-value is then ~0 and right.
        warnings.simplefilter("ignore", RuntimeWarning)
        if test == "t":
            p_value = stats.ttest_rel(best, other).pvalue
        else:
            p_value = stats.wilcoxon(best, other, zero_method="wilcox").pvalue
    return 1.0 if math.isnan(p_value) else float(p_value)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values, in the input order: reject where the adjusted value is below alpha."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: (p_values[i], i))
    adjusted = [0.0] * m
    running = 0.0
    for step, index in enumerate(order):
        running = max(running, min(1.0, (m - step) * p_values[index]))
        adjusted[index] = running
    return adjusted
