"""RankingEvaluator on a hand-built split: masking of seen items, evaluated users, input checks."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
import torch

from recbench.errors import RecbenchError
from recbench.evaluation import RankingEvaluator
from recbench.splitting import Split

N_ITEMS = 6


def _frame(pairs):
    return pd.DataFrame(pairs, columns=["user", "item"], dtype="int64")


@pytest.fixture
def split():
    return Split(
        train=_frame([(0, 0), (0, 1), (1, 2), (2, 0)]),
        valid=_frame([(0, 2), (1, 3)]),  # user 2 has nothing to validate
        test=_frame([(0, 3), (1, 0), (2, 5)]),
        n_users=3,
        n_items=N_ITEMS,
        fingerprint="hand-made",
    )


def _scores(n_users):
    """Every user prefers lower item indices: 6, 5, 4, 3, 2, 1."""
    return torch.arange(N_ITEMS, 0, -1, dtype=torch.float32).repeat(n_users, 1)


def test_users_without_relevant_items_are_not_evaluated(split):
    evaluator = RankingEvaluator(split, ["mrr"], [N_ITEMS])
    assert evaluator.users["valid"].tolist() == [0, 1]
    assert evaluator.users["test"].tolist() == [0, 1, 2]


def test_validation_masks_train_items_only(split):
    evaluator = RankingEvaluator(split, ["mrr"], [N_ITEMS])
    out = evaluator.evaluate("valid", torch.tensor([0, 1]), _scores(2))
    # user 0: items 0, 1 masked -> ranking 2, 3, ... ; item 2 is first
    # user 1: item 2 masked -> ranking 0, 1, 3, ... ; item 3 is third
    assert out["mrr@6"].tolist() == pytest.approx([1.0, 1 / 3])


def test_test_stage_masks_train_and_validation_items(split):
    evaluator = RankingEvaluator(split, ["mrr", "hr"], [1, N_ITEMS])
    out = evaluator.evaluate("test", torch.tensor([0, 1, 2]), _scores(3))
    # user 0: items 0, 1 (train) and 2 (valid) masked -> item 3 first
    # user 1: items 2 (train) and 3 (valid) masked -> item 0 first
    # user 2: item 0 masked -> ranking 1, 2, 3, 4, 5 ; item 5 is fifth
    assert out["mrr@6"].tolist() == pytest.approx([1.0, 1.0, 1 / 5])
    assert out["hr@1"].tolist() == [1.0, 1.0, 0.0]
    assert set(out) == {"mrr@1", "mrr@6", "hr@1", "hr@6"}
    assert all(v.dtype == torch.float64 for v in out.values())


def test_masked_items_never_count_even_with_the_highest_scores(split):
    evaluator = RankingEvaluator(split, ["precision"], [3])
    scores = torch.zeros(2, N_ITEMS)
    scores[0, [0, 1, 2]] = 100.0  # user 0's train items 0, 1 and valid item 2
    out = evaluator.evaluate("test", torch.tensor([0, 2]), scores)
    # user 0: 0, 1, 2 masked -> top 3 is 3, 4, 5 (ties by index); item 3 relevant
    # user 2: 0 masked -> top 3 is 1, 2, 3; item 5 not among them
    assert out["precision@3"].tolist() == pytest.approx([1 / 3, 0.0])


def test_user_order_in_the_batch_is_respected(split):
    evaluator = RankingEvaluator(split, ["mrr"], [N_ITEMS])
    out = evaluator.evaluate("test", torch.tensor([2, 0]), _scores(2))
    assert out["mrr@6"].tolist() == pytest.approx([1 / 5, 1.0])


def test_evaluate_does_not_modify_the_callers_scores(split):
    evaluator = RankingEvaluator(split, ["mrr"], [N_ITEMS])
    scores = _scores(2)
    before = scores.clone()
    evaluator.evaluate("test", torch.tensor([0, 1]), scores)
    assert torch.equal(scores, before)


@pytest.mark.parametrize("shape", [(2, N_ITEMS - 1), (3, N_ITEMS), (2, N_ITEMS + 1)])
def test_wrong_score_shape_is_a_recbench_error(split, shape):
    evaluator = RankingEvaluator(split, ["mrr"], [N_ITEMS])
    with pytest.raises(RecbenchError, match="shape"):
        evaluator.evaluate("valid", torch.tensor([0, 1]), torch.zeros(shape))


def test_nan_scores_are_a_recbench_error(split):
    evaluator = RankingEvaluator(split, ["mrr"], [N_ITEMS])
    scores = _scores(2)
    scores[1, 4] = float("nan")
    with pytest.raises(RecbenchError, match="NaN"):
        evaluator.evaluate("valid", torch.tensor([0, 1]), scores)


def test_sampled_mode_ranks_held_out_items_against_their_candidates_only(split):
    split.candidates = {"test": _frame([(0, 4), (0, 5), (1, 4), (1, 1), (2, 3), (2, 4)])}
    evaluator = RankingEvaluator(split, ["mrr"], [N_ITEMS])
    out = evaluator.evaluate("test", torch.tensor([0, 1, 2]), _scores(3))
    # user 0 ranks {3 (held out), 4, 5}: 3 first. user 1 ranks {0 (held out), 1, 4}: 0 first.
    # user 2 ranks {5 (held out), 3, 4}: 5 last of three.
    assert out["mrr@6"].tolist() == pytest.approx([1.0, 1.0, 1 / 3])
    full = RankingEvaluator(dataclasses.replace(split, candidates={}), ["mrr"], [N_ITEMS])
    assert full.evaluate("test", torch.tensor([2]), _scores(1))["mrr@6"].tolist() == pytest.approx([1 / 5])
