"""Ranking metrics: hand-computed values, and agreement with independent references on random rankings."""

from __future__ import annotations

import math

import pytest
import torch
from torchmetrics.functional.retrieval import (
    retrieval_hit_rate,
    retrieval_normalized_dcg,
    retrieval_precision,
    retrieval_recall,
    retrieval_reciprocal_rank,
)

from recbench.evaluation import top_k_items
from recbench.metrics import RANKING_METRICS, compute_ranking_metrics, metric_key
from recbench.metrics._ranking import average_precision, hit_rate, mrr, ndcg, precision, recall

ALL = ["hr", "precision", "recall", "ndcg", "mrr", "map"]


def _hits(rows):
    return torch.tensor(rows, dtype=torch.bool)


def _values(hits, n_relevant, k):
    n_relevant = torch.tensor(n_relevant)
    return {name: RANKING_METRICS[name].function(hits, n_relevant, k).tolist() for name in ALL}


def _d(rank: int) -> float:
    """Discount of 1-based rank ``rank``."""
    return 1.0 / math.log2(rank + 1)


# --- hand-computed cases ---------------------------------------------------------------------------


def test_two_hits_among_three_relevant_at_k4():
    values = _values(_hits([[0, 1, 0, 1]]), [3], k=4)
    expected = {
        "hr": 1.0,
        "precision": 2 / 4,
        "recall": 2 / 3,
        "ndcg": (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3) + 1 / math.log2(4)),
        "mrr": 1 / 2,
        # precision@2 = 1/2, precision@4 = 2/4; divided by min(3, 4) = 3
        "map": (1 / 2 + 2 / 4) / 3,
    }
    for name, value in expected.items():
        assert values[name] == [pytest.approx(value, abs=1e-12)], name


def test_user_with_more_relevant_items_than_k_is_normalised_by_k():
    values = _values(_hits([[1, 1, 0]]), [5], k=3)
    expected = {
        "hr": 1.0,
        "precision": 2 / 3,
        "recall": 2 / 5,  # recall divides by all relevant items, not by k
        "ndcg": (_d(1) + _d(2)) / (_d(1) + _d(2) + _d(3)),  # ideal: 3 = min(5, 3) hits on top
        "mrr": 1.0,
        "map": (1 / 1 + 2 / 2) / 3,  # divided by min(5, 3)
    }
    for name, value in expected.items():
        assert values[name] == [pytest.approx(value, abs=1e-12)], name


def test_user_whose_every_top_item_is_relevant_scores_one_on_all_but_recall():
    values = _values(_hits([[1, 1, 1, 1]]), [10], k=4)
    assert values["hr"] == values["precision"] == values["mrr"] == [1.0]
    assert values["ndcg"] == [pytest.approx(1.0, abs=1e-12)]
    assert values["map"] == [pytest.approx(1.0, abs=1e-12)]
    assert values["recall"] == [pytest.approx(0.4, abs=1e-12)]


def test_user_with_no_hits_scores_zero_everywhere():
    values = _values(_hits([[0, 0, 0, 0]]), [2], k=4)
    assert values == {name: [0.0] for name in ALL}


def test_cutoff_below_hits_width_ignores_later_ranks():
    hits = _hits([[0, 0, 1, 1]])
    assert _values(hits, [1], k=2) == {name: [0.0] for name in ALL}
    values = _values(hits, [1], k=3)
    expected = {"hr": 1.0, "precision": 1 / 3, "recall": 1.0, "ndcg": _d(3) / _d(1), "mrr": 1 / 3, "map": (1 / 3) / 1}
    for name, value in expected.items():
        assert values[name] == [pytest.approx(value, abs=1e-12)], name


def test_mrr_uses_the_first_relevant_rank_only():
    assert mrr(_hits([[0, 0, 1, 1, 1]]), torch.tensor([3]), 5).tolist() == [pytest.approx(1 / 3)]


def test_metrics_are_computed_per_user_in_one_batch():
    hits = _hits([[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    n_relevant = torch.tensor([1, 2, 4])
    assert hit_rate(hits, n_relevant, 3).tolist() == [1.0, 1.0, 0.0]
    assert precision(hits, n_relevant, 3).tolist() == pytest.approx([1 / 3, 1 / 3, 0.0], abs=1e-12)
    assert recall(hits, n_relevant, 3).tolist() == pytest.approx([1.0, 0.5, 0.0], abs=1e-12)
    assert ndcg(hits, n_relevant, 3).tolist() == pytest.approx([1.0, _d(3) / (_d(1) + _d(2)), 0.0], abs=1e-12)
    assert mrr(hits, n_relevant, 3).tolist() == pytest.approx([1.0, 1 / 3, 0.0], abs=1e-12)
    assert average_precision(hits, n_relevant, 3).tolist() == pytest.approx([1.0, (1 / 3) / 2, 0.0], abs=1e-12)


def test_compute_ranking_metrics_returns_float64_for_every_name_and_cutoff():
    hits = _hits([[0, 1, 0, 1], [1, 0, 0, 0]])
    out = compute_ranking_metrics(hits, torch.tensor([3, 1]), ["ndcg", "recall"], [2, 4])
    assert set(out) == {"ndcg@2", "ndcg@4", "recall@2", "recall@4"}
    assert all(v.dtype == torch.float64 and v.shape == (2,) for v in out.values())
    assert out["recall@2"].tolist() == pytest.approx([1 / 3, 1.0])
    assert out["recall@4"].tolist() == pytest.approx([2 / 3, 1.0])
    assert metric_key("map", 10) == "map@10"


# --- agreement with independent references on random rankings --------------------------------------

N_USERS, N_ITEMS, CUTOFFS = 200, 50, [1, 3, 5, 10, 20, 50]


@pytest.fixture(scope="module")
def random_rankings():
    """Distinct positive scores (exact in float32, so torchmetrics ranks identically) and random relevance."""
    g = torch.Generator().manual_seed(7)
    scores = torch.rand(N_USERS, N_ITEMS, generator=g, dtype=torch.float32).double() + 0.01
    assert all(len(set(row.tolist())) == N_ITEMS for row in scores), "scores must have no ties"
    density = torch.rand(N_USERS, 1, generator=g, dtype=torch.float64) * 0.5
    relevant = torch.rand(N_USERS, N_ITEMS, generator=g, dtype=torch.float64) < density
    relevant[relevant.sum(dim=1) == 0, torch.randint(N_ITEMS, (1,), generator=g)] = True  # at least one each
    ranked = top_k_items(scores, max(CUTOFFS))
    hits = relevant.gather(1, ranked)
    n_relevant = relevant.sum(dim=1)
    ours = compute_ranking_metrics(hits, n_relevant, ALL, CUTOFFS)
    # the data exercise the interesting regimes
    assert (n_relevant > 10).any() and (n_relevant == 1).any()
    assert (ours["hr@5"] == 0).any() and (ours["hr@5"] == 1).any()
    return scores, relevant, ours


def _plain_reference(scores: list[float], relevant: set[int], k: int) -> dict[str, float]:
    """Definitions written out per user, in float64 Python arithmetic.

    Ranking: score descending, then item index ascending. hr: any hit in the top k.
    precision: hits / k. recall: hits / all relevant. ndcg: sum of 1/log2(rank+1) over hits,
    divided by the same sum over ranks 1..min(|relevant|, k). mrr: 1/rank of the first hit.
    map: sum over hit ranks r of (hits in top r)/r, divided by min(|relevant|, k).
    """
    top = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
    hit_ranks = [r for r, item in enumerate(top, start=1) if item in relevant]
    n_hits = len(hit_ranks)
    return {
        "hr": 1.0 if hit_ranks else 0.0,
        "precision": n_hits / k,
        "recall": n_hits / len(relevant),
        "ndcg": sum(1 / math.log2(r + 1) for r in hit_ranks)
        / sum(1 / math.log2(r + 1) for r in range(1, min(len(relevant), k) + 1)),
        "mrr": 1 / hit_ranks[0] if hit_ranks else 0.0,
        "map": sum((j + 1) / r for j, r in enumerate(hit_ranks)) / min(len(relevant), k),
    }


def test_all_metrics_match_a_plain_python_reference_to_1e_9(random_rankings):
    scores, relevant, ours = random_rankings
    for u in range(N_USERS):
        row = scores[u].tolist()
        relevant_items = set(relevant[u].nonzero().flatten().tolist())
        for k in CUTOFFS:
            reference = _plain_reference(row, relevant_items, k)
            for name in ALL:
                assert abs(ours[metric_key(name, k)][u].item() - reference[name]) <= 1e-9, (u, name, k)


# torchmetrics computes in float32 (it casts preds to float32 and accumulates nDCG in float32), so
# its values agree with our float64 ones to float32 precision only; the 1e-9 check is the plain
# reference above. torchmetrics' average precision divides by the hits found in the top k rather
# than by min(n_relevant, k), a different definition, so MAP is checked against the plain reference only.
TORCHMETRICS = {
    "hr": retrieval_hit_rate,
    "precision": retrieval_precision,
    "recall": retrieval_recall,
    "ndcg": retrieval_normalized_dcg,
    "mrr": retrieval_reciprocal_rank,
}


@pytest.mark.parametrize("name", sorted(TORCHMETRICS))
def test_metric_agrees_with_torchmetrics(random_rankings, name):
    scores, relevant, ours = random_rankings
    function = TORCHMETRICS[name]
    for k in CUTOFFS:
        theirs = torch.stack([function(scores[u], relevant[u], top_k=k) for u in range(N_USERS)]).double()
        torch.testing.assert_close(ours[metric_key(name, k)], theirs, rtol=0, atol=1e-6, msg=f"{name}@{k}")
