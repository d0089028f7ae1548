"""top_k_items: the k best items per row, equal scores ranked by lower item index first."""

from __future__ import annotations

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from recbench.evaluation import top_k_items

INF = math.inf


def _top(rows, k):
    return top_k_items(torch.tensor(rows, dtype=torch.float32), k).tolist()


def test_distinct_scores_are_ranked_descending():
    assert _top([[0.1, 0.9, 0.5, 0.7]], 3) == [[1, 3, 2]]


def test_ties_inside_the_top_k_rank_lower_index_first():
    assert _top([[1.0, 5.0, 3.0, 5.0, 5.0, 0.0]], 4) == [[1, 3, 4, 2]]


def test_ties_straddling_the_cutoff_keep_the_lowest_indices():
    # items 1, 2, 4, 5 share the k-th score; only the two lowest indices make the top 3
    assert _top([[9.0, 2.0, 2.0, 0.0, 2.0, 2.0]], 3) == [[0, 1, 2]]
    assert _top([[2.0, 2.0, 2.0, 2.0, 9.0, 2.0]], 2) == [[4, 0]]


def test_all_equal_row_returns_the_first_k_indices():
    assert _top([[3.0] * 7, [0.0] * 7], 4) == [[0, 1, 2, 3], [0, 1, 2, 3]]


def test_masked_minus_inf_items_rank_last_and_tie_by_index():
    assert _top([[-INF, 1.0, -INF, 2.0, -INF]], 4) == [[3, 1, 0, 2]]
    assert _top([[-INF] * 4], 2) == [[0, 1]]


def test_k_larger_than_the_catalogue_returns_every_item():
    assert _top([[0.2, 0.5, 0.2]], 10) == [[1, 0, 2]]


def test_rows_are_ranked_independently():
    assert _top([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 2.0, 1.0]], 2) == [[0, 1], [1, 2], [1, 2]]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n_rows: st.integers(1, 30).flatmap(
            lambda n_items: st.tuples(
                st.lists(
                    st.lists(st.integers(-3, 3), min_size=n_items, max_size=n_items), min_size=n_rows, max_size=n_rows
                ),
                st.integers(1, n_items + 3),
                st.lists(st.booleans(), min_size=n_items, max_size=n_items),
            )
        )
    )
)
def test_agrees_with_a_full_stable_sort_on_scores_with_many_ties(case):
    rows, k, masked = case
    scores = torch.tensor(rows, dtype=torch.float32)
    scores[:, torch.tensor(masked)] = -INF
    expected = [sorted(range(len(r)), key=lambda i: (-r[i], i))[:k] for r in scores.tolist()]
    assert top_k_items(scores, k).tolist() == expected
