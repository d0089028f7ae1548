"""Scoring latency: a fixed number of passes for fast models, a time budget for slow ones."""

from __future__ import annotations

import time

import torch
from torch import nn

from recbench.compression import scoring_ms_per_1000_users


class Scorer(nn.Module):
    def __init__(self, seconds: float):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1))
        self.seconds, self.calls = seconds, 0

    def test_step(self, users, index):
        self.calls += 1
        time.sleep(self.seconds)
        return users.float()


def test_fast_models_get_a_warm_up_and_every_repeat():
    model = Scorer(0.001)
    ms = scoring_ms_per_1000_users(model, [torch.arange(500), torch.arange(500)], repeats=5)
    assert model.calls == 2 * 6  # two batches, one warm-up pass and five timed passes
    assert 2.0 <= ms < 50.0  # about 2 ms per pass of 1,000 users


def test_a_pass_longer_than_the_budget_is_timed_once_without_a_warm_up():
    model = Scorer(0.2)
    ms = scoring_ms_per_1000_users(model, [torch.arange(250)], repeats=5, budget_seconds=0.1)
    assert model.calls == 1
    assert ms >= 4 * 200  # 250 users in 0.2 s: at least 800 ms per 1,000 users


def test_repeats_stop_when_the_budget_is_spent():
    model = Scorer(0.05)
    scoring_ms_per_1000_users(model, [torch.arange(100)], repeats=5, budget_seconds=0.12)
    assert model.calls == 3  # warm-up, then timed passes until more than 0.12 s was spent


def test_a_run_spends_about_a_second_timing_a_model_of_slow_passes():
    model = Scorer(0.3)  # EASE on ML-1M takes about 0.6 s a pass; six passes were 3.6 s of each run
    scoring_ms_per_1000_users(model, [torch.arange(100)])
    assert 2 <= model.calls <= 4  # warm-up and timed passes until more than one second was spent
