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


def scoring_ms_per_1000_users(model: nn.Module, batches: list[Any], repeats: int = 5) -> float:
    """Median over ``repeats`` of the milliseconds ``model.test_step`` takes on ``batches``, per 1,000 users.

    ``batches`` are what the evaluation feeds the model (``first_users(test_dataloader)``): user
    ids for ranking, histories for sequential models. The time covers scoring only (no
    masking, ranking or metrics); one untimed pass warms caches first.
    """
    device = next(iter([*model.parameters(), *model.buffers()]), torch.empty(0)).device
    batches = [_to(batch, device) for batch in batches]
    users = sum(_rows(batch) for batch in batches)
    if users == 0:
        return 0.0
    training = model.training
    model.eval()
    times = []
    with torch.inference_mode():
        for attempt in range(repeats + 1):
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            started = time.perf_counter()
            for index, batch in enumerate(batches):
                model.test_step(batch, index)
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            if attempt:  # the first pass is a warm-up
                times.append(time.perf_counter() - started)
    model.train(training)
    return round(statistics.median(times) * 1000 * USERS / users, 3)
