from __future__ import annotations

import torch
from torch import Tensor


# Up to this many (user, item) cells a dense boolean matrix answers membership (64 MB);
# beyond it, a binary search over sorted pair keys keeps memory proportional to the data.
DENSE_LIMIT = 1 << 26


class PositiveSet:
    """Membership test for (user, item) pairs: a dense bitmap when small, sorted keys otherwise."""

    def __init__(self, users: Tensor, items: Tensor, n_items: int):
        self.n_items = n_items
        self.keys = torch.unique(users.long() * n_items + items.long())  # sorted
        n_users = int(users.max()) + 1 if len(users) else 0
        self.dense = None
        if n_users * n_items <= DENSE_LIMIT:
            self.dense = torch.zeros(n_users * n_items + 1, dtype=torch.bool, device=users.device)
            self.dense[self.keys] = True

    def contains(self, users: Tensor, items: Tensor) -> Tensor:
        if self.dense is not None:
            keys = users.long() * self.n_items + items.long()
            # Users beyond the last one with training data have no positives.
            return self.dense[keys.clamp(max=len(self.dense) - 1)] & (keys < len(self.dense) - 1)
        keys = (users.long() * self.n_items + items.long()).reshape(-1)
        # Sorted queries walk the key array in order: several times faster than random ones.
        ordered, order = keys.sort()
        position = torch.searchsorted(self.keys, ordered).clamp(max=len(self.keys) - 1)
        found = torch.empty_like(keys, dtype=torch.bool)
        found[order] = self.keys[position] == ordered
        return found.reshape(users.shape)


def uniform_negatives(
    users: Tensor, num: int, positives: PositiveSet, generator: torch.Generator, max_rounds: int = 20
) -> Tensor:
    """Items [len(users), num] drawn uniformly among items each user has not interacted with.

    Draws everything at once, then redraws only the slots that hit a positive, checking
    only those. Slots still clashing after ``max_rounds`` (users who have seen most of the
    catalogue) draw from their user's explicit list of unseen items; a user who has seen
    every item has no negative and keeps a positive.
    """
    n_items = positives.n_items
    expanded = users.unsqueeze(1).expand(-1, num).reshape(-1)
    negatives = torch.randint(n_items, expanded.shape, generator=generator, device=users.device)
    pending = torch.arange(len(expanded), device=users.device)
    for _ in range(max_rounds):
        clash = positives.contains(expanded[pending], negatives[pending])
        pending = pending[clash]
        if len(pending) == 0:
            return negatives.reshape(-1, num)
        negatives[pending] = torch.randint(n_items, (len(pending),), generator=generator, device=users.device)
    pending = pending[positives.contains(expanded[pending], negatives[pending])]
    for slot in pending.tolist():
        user = expanded[slot]
        unseen = (~positives.contains(user.expand(n_items), torch.arange(n_items, device=users.device))).nonzero()
        if len(unseen):
            pick = torch.randint(len(unseen), (1,), generator=generator, device=users.device)
            negatives[slot] = unseen[pick].squeeze()
    return negatives.reshape(-1, num)
