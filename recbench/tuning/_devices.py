"""Which device each worker trains on: its own GPU where CUDA is available, else a share of the CPU."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import torch

from recbench.errors import RecbenchError


@dataclass(frozen=True)
class WorkerSlot:
    index: int
    label: str  # e.g. "cuda:1" or "cpu (4 threads)", shown with each trial
    trainer: dict = field(default_factory=dict)  # trainer keys this worker overrides
    environment: dict = field(default_factory=dict)  # set before the worker process starts


def _visible_gpus() -> list[str]:
    """Physical ids of the GPUs this process may use, honouring CUDA_VISIBLE_DEVICES."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    count = torch.cuda.device_count()
    if visible:
        return [v.strip() for v in visible.split(",") if v.strip()][:count]
    return [str(i) for i in range(count)]


def worker_slots(n_workers: int, devices: list[int] | None, trainer: dict) -> list[WorkerSlot]:
    """One slot per worker. GPUs are dealt round-robin (two workers may share one); on the CPU the
    cores are divided, since torch's default of one thread per core in every worker oversubscribes them."""
    wants_gpu = trainer["accelerator"] in ("auto", "gpu", "cuda")
    if wants_gpu and torch.cuda.is_available():
        visible = _visible_gpus()
        chosen = list(devices) if devices else list(range(len(visible)))
        unknown = [d for d in chosen if not 0 <= d < len(visible)]
        if unknown:
            raise RecbenchError(f"tune.devices={chosen}: GPU {unknown[0]} does not exist; this machine shows {len(visible)} GPU(s)")
        slots = []
        for index in range(n_workers):
            gpu = chosen[index % len(chosen)]
            if n_workers == 1:  # trains in this process, which may already hold a CUDA context
                slots.append(WorkerSlot(index, f"cuda:{gpu}", {"accelerator": "gpu", "devices": [gpu]}))
            else:
                environment = {"CUDA_VISIBLE_DEVICES": visible[gpu]}
                slots.append(WorkerSlot(index, f"cuda:{gpu}", {"accelerator": "gpu", "devices": 1}, environment))
        return slots
    if devices:
        raise RecbenchError(f"tune.devices={list(devices)} names GPUs, but CUDA is not available here; leave it null")
    if n_workers == 1:
        threads = trainer.get("num_threads")
        return [WorkerSlot(0, f"cpu ({threads or 'default'} threads)")]
    threads = trainer.get("num_threads") or max(1, (os.cpu_count() or 1) // n_workers)
    return [
        WorkerSlot(index, f"cpu ({threads} threads)", {"accelerator": "cpu", "devices": 1, "num_threads": threads})
        for index in range(n_workers)
    ]
