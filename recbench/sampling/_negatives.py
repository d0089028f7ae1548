from __future__ import annotations

import torch
from torch import Tensor


class PositiveSet:
    """Membership test for (user, item) pairs via binary search over sorted pair keys."""

    def __init__(self, users: Tensor, items: Tensor, n_items: int):
        self.n_items = n_items
        self.keys = torch.unique(users.long() * n_items + items.long())  # sorted

    def contains(self, users: Tensor, items: Tensor) -> Tensor:
        keys = users.long() * self.n_items + items.long()
        position = torch.searchsorted(self.keys, keys).clamp(max=len(self.keys) - 1)
        return self.keys[position] == keys


def uniform_negatives(
    users: Tensor, num: int, positives: PositiveSet, generator: torch.Generator, max_rounds: int = 100
) -> Tensor:
    """Items [len(users), num] drawn uniformly among items each user has not interacted with.

    Draws everything at once, then redraws only the collisions; users who have seen
    every item keep their last draw (after ``max_rounds``), which cannot happen in practice.
    """
    n_items = positives.n_items
    expanded = users.unsqueeze(1).expand(-1, num)
    negatives = torch.randint(n_items, expanded.shape, generator=generator, device=users.device)
    for _ in range(max_rounds):
        clash = positives.contains(expanded, negatives)
        count = int(clash.sum())
        if count == 0:
            break
        negatives[clash] = torch.randint(n_items, (count,), generator=generator, device=users.device)
    return negatives
