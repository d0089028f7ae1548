"""Why recbench's Pop scores above RecBole's on ML-100K: RecBole 1.2.1 counts per batch.

RecBole's ``Pop.calculate_loss`` does ``item_cnt[item, :] = item_cnt[item, :] + 1`` on a batch
of item ids. With an item repeated in the batch, indexed assignment adds 1 once, so an item's
count is the number of *batches* it appears in, and popular items tie at the number of batches
seen. This script counts both ways on recbench's own split of ML-100K (``ratio-811-full``) and
prints the test NDCG@10 of each, with the tied counts broken by recbench's rule (lower item index
first) and by three random item orders (RecBole numbers items in another order than recbench).

    RECBENCH_DATA_DIR=/path/to/folder .venv/bin/python benchmarks/pop_counting.py
"""

from __future__ import annotations

import numpy as np
import torch

from recbench.data import load_dataset
from recbench.evaluation import RankingEvaluator
from recbench.plugins import get_registry
from recbench.splitting import make_split

BATCH_SIZE = 2048  # RecBole's default train_batch_size
OPTIONS = {"name": "ml-100k", "rating_threshold": None, "user_min": 0, "item_min": 0, "duplicates": "first"}
SPLIT = {"kind": "ratio", "ratios": [0.8, 0.1, 0.1], "seed": 2020}


def main() -> None:
    split = make_split(load_dataset(get_registry().dataset("ml-100k"), OPTIONS, None, None, download=False), SPLIT)
    items = torch.from_numpy(split.train["item"].to_numpy().astype(np.int64))
    users = torch.from_numpy(split.users("test"))
    evaluator = RankingEvaluator(split, ["ndcg"], [10])

    def ndcg(counts: torch.Tensor) -> float:
        scores = counts.double().unsqueeze(0).expand(len(users), -1).contiguous()
        return float(evaluator.evaluate("test", users, scores)["ndcg@10"].double().mean())

    print(f"counted per interaction (recbench): NDCG@10 {ndcg(torch.bincount(items, minlength=split.n_items)):.4f}")
    generator = torch.Generator().manual_seed(0)
    for epochs in (1, 20):
        counts = torch.zeros(split.n_items, dtype=torch.float64)
        for _ in range(epochs):
            shuffled = items[torch.randperm(len(items), generator=generator)]
            for start in range(0, len(shuffled), BATCH_SIZE):
                batch = shuffled[start : start + BATCH_SIZE]
                counts[batch] = counts[batch] + 1  # RecBole's update: one per batch, however often the item occurs
        tied = int((counts == counts.max()).sum())
        orders = []
        for _ in range(3):
            rank = torch.empty(split.n_items, dtype=torch.float64)
            rank[torch.randperm(split.n_items, generator=generator)] = torch.arange(split.n_items, dtype=torch.float64)
            orders.append(ndcg(counts - rank / split.n_items / 2))  # breaks ties only: counts differ by >= 1
        print(
            f"counted per batch, {epochs:2d} epoch(s): {tied} items tied at the top count; NDCG@10 {ndcg(counts):.4f} "
            f"(lower index first), {', '.join(f'{v:.4f}' for v in orders)} (random tie orders)"
        )


if __name__ == "__main__":
    main()
