"""Row access to sparse CSR tensors (torch's CSR lacks index_select on CPU)."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor


def compressed_rows(rows: np.ndarray, columns: np.ndarray, n_rows: int) -> tuple[Tensor, Tensor]:
    """CSR index (row starts [n_rows + 1], columns sorted by (row, column)) of (row, column) pairs."""
    order = np.lexsort((columns, rows))
    starts = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n_rows))))
    return torch.from_numpy(starts.astype(np.int64)), torch.from_numpy(np.asarray(columns)[order].astype(np.int64))


def row_entries(crow: Tensor, col: Tensor, rows: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(position in ``rows``, column, flat index into ``col``) of every stored entry of ``rows``."""
    starts = crow[rows]
    lengths = crow[rows + 1] - starts
    position = torch.repeat_interleave(torch.arange(len(rows), device=rows.device), lengths)
    first = torch.repeat_interleave(starts - (torch.cumsum(lengths, 0) - lengths), lengths)
    flat = first + torch.arange(len(position), device=rows.device)
    return position, col[flat], flat


def rows_dense(matrix: Tensor, rows: Tensor) -> Tensor:
    """Dense copy [len(rows), n_columns] of the given rows of a sparse CSR ``matrix``."""
    crow, col = matrix.crow_indices(), matrix.col_indices()
    rows = rows.to(crow.device)
    position, column, flat = row_entries(crow, col, rows)
    dense = torch.zeros(len(rows), matrix.shape[1], dtype=matrix.dtype, device=matrix.device)
    dense[position, column] = matrix.values()[flat]
    return dense


def column_gram(matrix: Tensor, chunk: int = 4096) -> Tensor:
    """XᵀX [n_columns, n_columns], in float64, of a sparse CSR X, accumulated over blocks of rows.

    The blocks are multiplied in float32 when that is exact: integer entries whose largest
    possible sum, n_rows · max|x|², stays below 2**24, so that every partial sum is an integer
    float32 holds exactly. The result is the same as float64's, about 1.5 times as fast (EASE's
    and PureSVD's Gram matrix of ML-1M); other entries are multiplied in float64.
    """
    n_rows, n_columns = matrix.shape
    values = matrix.values()
    largest = float(values.abs().max()) if values.numel() else 0.0
    exact_in_float32 = bool(torch.equal(values, values.round())) and n_rows * largest**2 < 2**24
    dtype = torch.float32 if exact_in_float32 else torch.float64
    gram = torch.zeros(n_columns, n_columns, dtype=dtype)
    for start in range(0, n_rows, chunk):
        rows = rows_dense(matrix, torch.arange(start, min(start + chunk, n_rows))).to(dtype)
        gram.addmm_(rows.T, rows)
    return gram.double()
