"""Each worker gets its own device: a GPU where CUDA is available, else a share of the CPU cores."""

from __future__ import annotations

import os

import pytest
import torch

from recbench.errors import RecbenchError
from recbench.tuning._devices import worker_slots
from recbench.tuning._worker import worker_seed

TRAINER = {"accelerator": "auto", "devices": 1, "num_threads": None}


def test_cpu_workers_divide_the_cores(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    slots = worker_slots(4, None, TRAINER)
    assert [s.trainer for s in slots] == [{"accelerator": "cpu", "devices": 1, "num_threads": 2}] * 4
    assert worker_slots(1, None, TRAINER)[0].trainer == {}  # one worker keeps the user's trainer settings


def test_gpu_workers_are_pinned_round_robin(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    slots = worker_slots(3, None, TRAINER)
    assert [s.environment for s in slots] == [{"CUDA_VISIBLE_DEVICES": v} for v in ("0", "1", "0")]
    assert all(s.trainer == {"accelerator": "gpu", "devices": 1} for s in slots)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "4,6")
    assert [s.environment["CUDA_VISIBLE_DEVICES"] for s in worker_slots(2, [1, 0], TRAINER)] == ["6", "4"]
    assert worker_slots(1, [1], TRAINER)[0].trainer == {"accelerator": "gpu", "devices": [1]}
    with pytest.raises(RecbenchError, match="GPU 5 does not exist"):
        worker_slots(2, [5], TRAINER)


def test_devices_without_cuda_is_an_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RecbenchError, match="CUDA is not available"):
        worker_slots(2, [0, 1], TRAINER)


def test_worker_seeds_differ_by_worker_and_by_resumption():
    seeds = {worker_seed(0, worker, done) for worker in range(3) for done in (0, 5)}
    assert len(seeds) == 6 and worker_seed(0, 1, 5) == worker_seed(0, 1, 5)
