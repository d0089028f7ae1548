"""column_gram: XᵀX of a sparse CSR matrix, in float32 only where that is exact."""

from __future__ import annotations

import torch

from recbench.sparse import column_gram


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
