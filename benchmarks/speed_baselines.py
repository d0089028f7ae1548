"""iALS per-iteration time: recbench's torch implementation against `implicit` (Frederickson).

Builds a synthetic implicit-feedback matrix (uniform users, Zipf-like item popularity, no
repeated pairs) and times one alternating pass (all users, then all items) of:

- recbench ``ials`` with ``solver=exact`` (batched Cholesky) and ``solver=cg`` (3 CG steps);
- ``implicit.cpu.als.AlternatingLeastSquares`` with ``use_cg=False`` and ``use_cg=True``,
  when ``implicit`` is installed (it is not a recbench dependency: ``pip install implicit``);
- otherwise, a plain-torch exact ALS reference (one ``torch.linalg.solve`` per user, Python loop)
  on the first ``--plain-rows`` rows, extrapolated.

Run (the full size of the issue: 138,000 x 20,000, 10M nonzeros, 64 factors)::

    .venv/bin/python benchmarks/speed_baselines.py
    .venv/bin/python benchmarks/speed_baselines.py --users 34500 --items 5000 --nnz 2500000 --threads 2

Times are the median over ``--iterations`` passes after one warm-up pass; setup (grouping
rows into padded batches, converting to scipy) is excluded and reported separately.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch


def synthetic(n_users: int, n_items: int, nnz: int, seed: int = 0) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    popularity = 1.0 / (np.arange(n_items) + 10.0) ** 0.8
    popularity /= popularity.sum()
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < nnz:
        draw = int((nnz - len(keys)) * 1.3) + 1000
        users = rng.integers(0, n_users, draw)
        items = rng.choice(n_items, draw, p=popularity)
        keys = np.unique(np.concatenate([keys, users.astype(np.int64) * n_items + items]))
    keys = rng.permutation(keys)[:nnz]
    keys.sort()
    indices = torch.from_numpy(np.stack([keys // n_items, keys % n_items]))
    matrix = torch.sparse_coo_tensor(indices, torch.ones(len(keys)), (n_users, n_items)).coalesce()
    return matrix.to_sparse_csr()


def time_recbench(train: torch.Tensor, factors: int, solver: str, iterations: int) -> tuple[float, float]:
    from recbench.models.ials.model import IALS

    torch.manual_seed(0)
    model = IALS(train.shape[0], train.shape[1], factors=factors, regularization=1.0, alpha=1.0, solver=solver)
    started = time.perf_counter()
    by_user, by_item = model.sides(train)
    setup = time.perf_counter() - started
    times = []
    for _ in range(iterations + 1):
        started = time.perf_counter()
        model.solve(model.user_factors, model.item_factors, by_user)
        model.solve(model.item_factors, model.user_factors, by_item)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:]), setup


def time_implicit(train: torch.Tensor, factors: int, use_cg: bool, iterations: int, threads: int) -> float | None:
    try:
        import scipy.sparse
        from implicit.cpu.als import AlternatingLeastSquares
    except ImportError:
        return None
    matrix = scipy.sparse.csr_matrix(
        (train.values().numpy(), train.col_indices().numpy(), train.crow_indices().numpy()), shape=tuple(train.shape)
    )
    model = AlternatingLeastSquares(
        factors=factors, regularization=1.0, alpha=1.0, iterations=1, use_cg=use_cg, num_threads=threads, random_state=0
    )
    model.fit(matrix, show_progress=False)  # warm-up (and factor initialisation)
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        model.fit(matrix, show_progress=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_plain(train: torch.Tensor, factors: int, rows: int) -> float:
    """Plain exact ALS: one dense solve per user, in a Python loop; the user half-pass, extrapolated x2."""
    torch.manual_seed(0)
    items = torch.randn(train.shape[1], factors) * 0.01
    crow, col = train.crow_indices(), train.col_indices()
    rows = min(rows, train.shape[0])
    started = time.perf_counter()
    gram = items.T @ items + torch.eye(factors)
    for user in range(rows):
        mine = items[col[crow[user] : crow[user + 1]]]
        system = gram + mine.T @ mine
        torch.linalg.solve(system, 2.0 * mine.sum(0))
    per_row = (time.perf_counter() - started) / rows
    return per_row * (train.shape[0] + train.shape[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=138_000)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--nnz", type=int, default=10_000_000)
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--plain-rows", type=int, default=5000)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    train = synthetic(args.users, args.items, args.nnz)
    print(f"matrix {args.users} x {args.items}, {train.values().numel()} nonzeros, {args.factors} factors, "
          f"{args.threads} threads (built in {time.perf_counter() - started:.1f} s)")
    for solver in ("exact", "cg"):
        seconds, setup = time_recbench(train, args.factors, solver, args.iterations)
        print(f"recbench ials solver={solver:5s}  {seconds:7.2f} s/iteration  (setup {setup:.2f} s)", flush=True)
    for use_cg in (False, True):
        seconds = time_implicit(train, args.factors, use_cg, args.iterations, args.threads)
        if seconds is None:
            print(f"implicit: not installed; plain torch exact ALS reference {time_plain(train, args.factors, args.plain_rows):7.2f} s/iteration (extrapolated)")
            break
        print(f"implicit use_cg={use_cg!s:5s}      {seconds:7.2f} s/iteration", flush=True)


if __name__ == "__main__":
    main()
