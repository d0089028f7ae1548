"""A run's peak memory is its own, not the high-water mark of earlier runs in the same process."""

from __future__ import annotations

import subprocess
import sys

import pytest

from recbench.training import _memory


def test_a_later_run_does_not_inherit_an_earlier_runs_peak():
    # In a fresh interpreter: memory that earlier tests left resident in this process can
    # absorb the 100 MB and hide the peak this test looks for.
    probe = """
import numpy as np
from recbench.training import _memory
if _memory.start_peak_memory() != "run":
    print("skip")
else:
    big = np.ones(100_000_000 // 8)  # 100 MB, touched
    big_run = _memory.peak_memory_mb()
    del big
    _memory.start_peak_memory()
    print(big_run - _memory.peak_memory_mb())
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    if out == "skip":
        pytest.skip("this kernel does not let a process reset its resident-set peak")
    assert float(out) > 80


def test_without_proc_the_peak_is_the_process_high_water_mark(monkeypatch, tmp_path):
    monkeypatch.setattr(_memory, "CLEAR_REFS", tmp_path / "missing" / "clear_refs")
    monkeypatch.setattr(_memory, "STATUS", tmp_path / "missing" / "status")
    assert _memory.start_peak_memory() == "process"
    assert _memory.peak_memory_mb() > 0
