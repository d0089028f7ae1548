"""Peak memory of one run, also when one process runs many (a Hydra sweep, a tuning worker).

``getrusage``'s ``ru_maxrss`` is the process's high-water mark since it started, so in a
sweep it only grows. Linux resets the resident-set high-water mark (``VmHWM``) when "5" is
written to ``/proc/self/clear_refs``; where that is not possible the record says its peak
covers the whole process.
"""

from __future__ import annotations

import resource
from pathlib import Path

import torch

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def start_peak_memory() -> str:
    """Count the peak from now on; returns what the peak will cover: ``"run"`` or ``"process"``."""
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return "process"
    return "run"


def peak_memory_mb() -> float:
    """The resident-set peak since :func:`start_peak_memory` (or process start), and the GPU's if larger."""
    peak = _high_water_mark_kib()
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    peak_mb = peak / 1024
    if torch.cuda.is_available():
        peak_mb = max(peak_mb, torch.cuda.max_memory_allocated() / 2**20)
    return round(peak_mb, 1)


def _high_water_mark_kib() -> int | None:
    try:
        lines = STATUS.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None
