"""Sparse products: rows of a CSR matrix times a dense one, and XᵀX in float32 only where exact."""

from __future__ import annotations

import torch

from recbench.sparse import column_gram, csr_times, gram_columns, rows_times


def csr(dense: torch.Tensor) -> torch.Tensor:
    return dense.to_sparse_csr()


def reference(dense: torch.Tensor) -> torch.Tensor:
    return dense.double().T @ dense.double()


def test_binary_rows_give_the_float64_gram_exactly_across_chunks():
    generator = torch.Generator().manual_seed(0)
    dense = (torch.rand(300, 40, generator=generator) < 0.2).float()
    gram = column_gram(csr(dense), chunk=64)
    assert gram.dtype == torch.float64
    assert torch.equal(gram, reference(dense))


def test_non_integer_entries_are_multiplied_in_float64():
    generator = torch.Generator().manual_seed(1)
    dense = torch.rand(50, 30, generator=generator, dtype=torch.float64) * (torch.rand(50, 30, generator=generator) < 0.3)
    dense = dense + 1e-9 * (dense > 0)  # digits float32 would drop
    gram = column_gram(csr(dense))
    torch.testing.assert_close(gram, reference(dense), rtol=1e-14, atol=0)


def test_counts_too_large_for_float32_are_multiplied_in_float64():
    dense = torch.zeros(3, 2, dtype=torch.float64)
    dense[:, 0] = 4097.0  # 3 · 4097² > 2**24: float32 cannot hold the sum exactly
    dense[:, 1] = 1.0
    assert torch.equal(column_gram(csr(dense)), reference(dense))


def test_rows_times_equals_the_dense_product_of_the_chosen_rows():
    generator = torch.Generator().manual_seed(2)
    dense = torch.rand(30, 20, generator=generator) * (torch.rand(30, 20, generator=generator) < 0.3)
    dense[4] = 0.0  # a user with no history scores zero everywhere
    weights = torch.randn(20, 7, generator=generator)
    rows = torch.tensor([5, 4, 0, 5, 29])  # any order, repeats allowed
    product = rows_times(csr(dense), rows, weights)
    torch.testing.assert_close(product, dense[rows] @ weights)
    assert torch.equal(product[1], torch.zeros(7))


def test_rows_times_gives_each_row_the_same_scores_in_any_batch():
    generator = torch.Generator().manual_seed(3)
    matrix = csr((torch.rand(40, 50, generator=generator) < 0.4).float())
    weights = torch.randn(50, 50, generator=generator)
    alone = torch.cat([rows_times(matrix, torch.tensor([row]), weights) for row in range(40)])
    assert torch.equal(alone, rows_times(matrix, torch.arange(40), weights))


def test_gram_columns_are_the_chosen_columns_of_the_gram_matrix():
    generator = torch.Generator().manual_seed(4)
    dense = (torch.rand(60, 25, generator=generator) < 0.3).float()
    columns = torch.tensor([3, 0, 24])
    block = gram_columns(dense.T.contiguous().to_sparse_csr(), columns)
    assert torch.equal(block, (dense.T @ dense)[:, columns])


def test_csr_times_weights_each_stored_entry_by_the_values_given():
    generator = torch.Generator().manual_seed(5)
    matrix = csr((torch.rand(12, 9, generator=generator) < 0.4).float())
    weights = torch.randn(len(matrix.col_indices()), generator=generator)  # any values on the same pattern
    dense = torch.randn(9, 4, generator=generator)
    weighted = torch.sparse_csr_tensor(matrix.crow_indices(), matrix.col_indices(), weights, matrix.shape).to_dense()
    torch.testing.assert_close(csr_times(matrix.crow_indices(), matrix.col_indices(), weights, dense), weighted @ dense)
