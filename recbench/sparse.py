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
