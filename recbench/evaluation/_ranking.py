from __future__ import annotations

import pandas as pd
import torch
from torch import Tensor

from recbench.errors import RecbenchError
from recbench.metrics import compute_ranking_metrics, metric_key
from recbench.sparse import compressed_rows, row_entries


def top_k_items(scores: Tensor, k: int) -> Tensor:
    """Indices [B, k] of the k best items per row; equal scores rank the lower item index first.

    ``torch.topk`` does not define an order among equal scores. One extra candidate tells
    whether the k-th score is shared beyond the cut-off: such rows fall back to a stable
    sort; the top k of every other row is re-ordered by (score descending, index ascending).
    """
    k = min(k, scores.shape[1])
    extra = min(k + 1, scores.shape[1])
    values, indices = torch.topk(scores, extra, dim=1)
    tied = values[:, k - 1] == values[:, extra - 1] if extra > k else torch.zeros(len(scores), dtype=torch.bool, device=scores.device)
    values, indices = values[:, :k], indices[:, :k]
    indices, order = indices.sort(dim=1)
    values = values.gather(1, order)
    values, order = values.sort(dim=1, descending=True, stable=True)
    indices = indices.gather(1, order)
    if tied.any():
        rows = tied.nonzero(as_tuple=True)[0]
        indices[rows] = torch.sort(scores[rows], dim=1, descending=True, stable=True).indices[:, :k]
    return indices


class _RowIndex:
    """Compressed rows (CSR) of one stage, for gathering the items of a batch of users."""

    def __init__(self, frame: pd.DataFrame, n_users: int):
        self.starts, self.items = compressed_rows(frame["user"].to_numpy(), frame["item"].to_numpy(), n_users)

    def to(self, device: torch.device) -> "_RowIndex":
        if self.items.device != device:
            self.items, self.starts = self.items.to(device), self.starts.to(device)
        return self

    def rows_and_items(self, users: Tensor) -> tuple[Tensor, Tensor]:
        """(row position in ``users``, item) for every stored pair of those users."""
        rows, items, _ = row_entries(self.starts, self.items, users)
        return rows, items

    def counts(self, users: Tensor) -> Tensor:
        return self.starts[users + 1] - self.starts[users]


class RankingEvaluator:
    """Ranking evaluation of one split: masks seen items, ranks, computes per-user metrics.

    Full ranking ranks every item the user has not seen (``split.seen_before``). When the
    split carries sampled candidates, only the user's held-out items and their candidates
    stay in the ranking: every other score becomes -inf, so ranks and ties follow the same
    rule in both modes.
    """

    def __init__(self, split, metrics: list[str], cutoffs: list[int]):
        self.n_items = split.n_items
        self.metrics = list(metrics)
        self.cutoffs = sorted(int(k) for k in cutoffs)
        self.users = {stage: torch.from_numpy(split.users(stage)) for stage in ("valid", "test")}
        self.relevant = {stage: _RowIndex(split.stage(stage), split.n_users) for stage in ("valid", "test")}
        self.seen = {stage: [_RowIndex(f, split.n_users) for f in split.seen_before(stage)] for stage in ("valid", "test")}
        self.candidates = {stage: _RowIndex(frame, split.n_users) for stage, frame in split.candidates.items()}

    def metric_keys(self) -> list[str]:
        return [metric_key(m if isinstance(m, str) else m.name, k) for m in self.metrics for k in self.cutoffs]

    def evaluate(self, stage: str, users: Tensor, scores: Tensor) -> dict[str, Tensor]:
        """Per-user metrics [B] (float64) of ``scores`` [B, n_items] for ``users`` [B]."""
        if scores.shape != (len(users), self.n_items):
            raise RecbenchError(
                f"score_users returned shape {tuple(scores.shape)}, expected {(len(users), self.n_items)} "
                "(one score per item for each user)"
            )
        device = scores.device
        users = users.to(device)
        scores = scores.float().clone()
        relevant_rows, relevant_items = self.relevant[stage].to(device).rows_and_items(users)
        if stage in self.candidates:
            keep = torch.zeros_like(scores, dtype=torch.bool)
            rows, items = self.candidates[stage].to(device).rows_and_items(users)
            keep[rows, items] = True
            keep[relevant_rows, relevant_items] = True
            scores[~keep] = -torch.inf
        for seen in self.seen[stage]:
            rows, items = seen.to(device).rows_and_items(users)
            scores[rows, items] = -torch.inf
        ranked = top_k_items(scores, self.cutoffs[-1])
        # topk ranks NaN above every number, so the top item of a row shows any NaN in it.
        if torch.isnan(scores.gather(1, ranked[:, :1])).any():
            raise RecbenchError("the model returned NaN scores (training diverged?); lower the learning rate")
        relevant = torch.zeros_like(scores, dtype=torch.bool)
        relevant[relevant_rows, relevant_items] = True
        hits = relevant.gather(1, ranked)
        return compute_ranking_metrics(hits, self.relevant[stage].counts(users), self.metrics, self.cutoffs)
