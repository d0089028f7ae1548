"""Random scores from an integer hash of (seed, user, item)."""
import torch
from torch import Tensor

from recbench.models.base import RecommenderModel

_MASK = 0xFFFFFFFF


def _hash32(x: Tensor) -> Tensor:
    """A 32-bit integer mix (int64 arithmetic, no overflow: the multiplier is below 2^27)."""
    x = x & _MASK
    x = (((x >> 16) ^ x) * 0x45D9F3B) & _MASK
    x = (((x >> 16) ^ x) * 0x45D9F3B) & _MASK
    return (x >> 16) ^ x


class Random(RecommenderModel):
    """score(u, i) = hash(hash(hash(seed) ^ u) ^ i) / 2^32, uniform in [0, 1).

    A pure function of the pair, so scores depend neither on the batch nor on the device.
    """

    def __init__(self, n_users: int, n_items: int, seed: int = 0):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()

    def score_users(self, users: Tensor) -> Tensor:
        key = _hash32(torch.tensor(self.hparams.seed, dtype=torch.int64, device=users.device))
        users = _hash32(users.to(torch.int64).unsqueeze(1) ^ key)  # [B, 1]
        items = torch.arange(self.n_items, dtype=torch.int64, device=users.device).unsqueeze(0)
        return _hash32(users ^ items).to(torch.float64).div(2.0**32).to(torch.float32)
