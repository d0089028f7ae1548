"""A run's peak memory is its own, not the high-water mark of earlier runs in the same process."""

from __future__ import annotations

import numpy as np
import pytest

from recbench.training import _memory


def test_a_later_run_does_not_inherit_an_earlier_runs_peak():
    if _memory.start_peak_memory() != "run":
        pytest.skip("this kernel does not let a process reset its resident-set peak")
    big = np.ones(100_000_000 // 8)  # 100 MB, touched
    big_run = _memory.peak_memory_mb()
    del big
    _memory.start_peak_memory()
    small_run = _memory.peak_memory_mb()
    assert big_run - small_run > 80


def test_without_proc_the_peak_is_the_process_high_water_mark(monkeypatch, tmp_path):
    monkeypatch.setattr(_memory, "CLEAR_REFS", tmp_path / "missing" / "clear_refs")
    monkeypatch.setattr(_memory, "STATUS", tmp_path / "missing" / "status")
    assert _memory.start_peak_memory() == "process"
    assert _memory.peak_memory_mb() > 0
