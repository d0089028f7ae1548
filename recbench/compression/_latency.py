"""Scoring latency: milliseconds to score 1,000 users through the model's own test path."""

from __future__ import annotations

import statistics
import time
from typing import Any, Iterable

import torch
from torch import Tensor, nn

USERS = 1000


def _rows(batch: Any) -> int:
    if isinstance(batch, Tensor):
        return batch.shape[0]
    if isinstance(batch, dict):
        return _rows(batch["users"] if "users" in batch else next(iter(batch.values())))
    return _rows(batch[0])


def _head(batch: Any, count: int) -> Any:
    """The first ``count`` rows of every tensor in ``batch``."""
    if isinstance(batch, Tensor):
        return batch[:count]
    if isinstance(batch, dict):
        return {key: _head(value, count) for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(_head(value, count) for value in batch)
    return batch


def _to(batch: Any, device: torch.device) -> Any:
    if isinstance(batch, Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return {key: _to(value, device) for key, value in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch)(_to(value, device) for value in batch)
    return batch


def first_users(batches: Iterable[Any], count: int = USERS) -> list[Any]:
    """Batches of the test loader cut to the first ``count`` users (fewer if the loader has fewer)."""
    taken, users = [], 0
    for batch in batches:
        rows = min(_rows(batch), count - users)
        taken.append(_head(batch, rows))
        users += rows
        if users >= count:
            break
    return taken


def scoring_ms_per_1000_users(model: nn.Module, batches: list[Any], repeats: int = 5, budget_seconds: float = 1.0) -> float:
    """Median of the milliseconds ``model.test_step`` takes on ``batches``, per 1,000 users.

    ``batches`` are what the evaluation feeds the model (``first_users(test_dataloader)``): user
    ids for ranking, histories for sequential models. The time covers scoring only (no
    masking, ranking or metrics). One untimed pass warms caches first, then up to ``repeats``
    timed passes run while the time spent stays within ``budget_seconds``. A model whose single
    pass takes longer than the budget (ConvNCF scores ML-100K's users in minutes on a CPU) is
    timed by that one pass: a warm-up is noise at that length, and five more would cost a run
    several evaluations' time. The one-second budget keeps fast models at five timed passes
    and costs EASE on ML-1M (0.6 s a pass) two passes instead of six.
    """
    device = next(iter([*model.parameters(), *model.buffers()]), torch.empty(0)).device
    batches = [_to(batch, device) for batch in batches]
    users = sum(_rows(batch) for batch in batches)
    if users == 0:
        return 0.0
    training = model.training
    model.eval()
    times: list[float] = []
    spent = 0.0
    with torch.inference_mode():
        for attempt in range(repeats + 1):
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            started = time.perf_counter()
            for index, batch in enumerate(batches):
                model.test_step(batch, index)
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            elapsed = time.perf_counter() - started
            spent += elapsed
            if attempt or elapsed > budget_seconds:  # the first pass is a warm-up unless it alone exceeds the budget
                times.append(elapsed)
            if times and spent > budget_seconds:
                break
    model.train(training)
    return round(statistics.median(times) * 1000 * USERS / users, 3)
