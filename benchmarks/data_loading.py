"""Data loading: ML-1M from raw files and from the processed-dataset cache; memory on 20M interactions.

    .venv/bin/python benchmarks/data_loading.py --real-data-dir /path/with/ml-1m --repeats 5
    .venv/bin/python benchmarks/data_loading.py --only large --workdir /tmp/recbench-20m

``ml-1m``: ``load_dataset`` (default options) with an empty cache (parse + preprocess +
write the cache entry), then again with the entry in place; each timed ``--repeats`` times
in this process after one warm-up, median reported. ``make_split`` (ratio 0.8/0.1/0.1) is
timed on top, as a run does it.

``large``: a synthetic ML-20M-style ``ratings.csv`` (header, half-star floats) with
``--rows`` interactions (default 20,000,000; Zipf-like item popularity, some repeated
pairs) is written once under ``--workdir``; a fresh child process then loads it with
``user_min=item_min=5`` (dedupe + iterative k-core + id remap + cache write) and a ratio
split, and reports its wall time and peak resident memory (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SPLIT = {"kind": "ratio", "ratios": [0.8, 0.1, 0.1], "seed": 2020}


def time_ml_1m(real_data_dir: str, repeats: int) -> dict:
    from recbench.data import load_dataset
    from recbench.data.movielens import ML_1M
    from recbench.splitting import make_split

    def once(cache: str, split: bool) -> float:
        started = time.perf_counter()
        data = load_dataset(ML_1M, {}, data_dir=real_data_dir, cache_dir=cache, download=False)
        if split:
            make_split(data, SPLIT)
        return time.perf_counter() - started

    results = {}
    for split in (False, True):
        label = "load+split" if split else "load"
        raw, hit = [], []
        for attempt in range(repeats + 1):
            with tempfile.TemporaryDirectory() as cache:
                cold = once(cache, split)  # empty cache: parse, preprocess, write the entry
                warm = once(cache, split)  # entry in place
            if attempt:  # the first round warms imports and the OS page cache
                raw.append(cold)
                hit.append(warm)
        results[f"{label} from raw"] = {"median_s": statistics.median(raw), "min_s": min(raw), "samples": raw}
        results[f"{label} from cache"] = {"median_s": statistics.median(hit), "min_s": min(hit), "samples": hit}
    return results


def write_large(path: Path, rows: int, seed: int = 0) -> None:
    """ML-20M-style ratings.csv; written in chunks so the generator itself stays small."""
    rng = np.random.default_rng(seed)
    n_users, n_items = max(rows // 100, 10), max(rows // 400, 10)
    item_weights = 1.0 / np.arange(1, n_items + 1) ** 0.9
    item_weights /= item_weights.sum()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with open(partial, "w") as out:
        out.write("userId,movieId,rating,timestamp\n")
        chunk = 2_000_000
        for start in range(0, rows, chunk):
            size = min(chunk, rows - start)
            users = rng.integers(1, n_users + 1, size)
            items = rng.choice(n_items, size, p=item_weights) + 1
            ratings = rng.integers(1, 11, size) / 2
            stamps = rng.integers(789_652_009, 1_427_784_002, size)
            block = np.column_stack([users, items, ratings, stamps])
            np.savetxt(out, block, fmt=["%d", "%d", "%.1f", "%d"], delimiter=",")
    os.replace(partial, path)


def measure_large_child(folder: str, cache: str) -> None:
    """Runs in a fresh process so ru_maxrss is this workload's peak alone."""
    from recbench.data import load_dataset
    from recbench.data.movielens import ML_20M
    from recbench.splitting import make_split

    started = time.perf_counter()
    data = load_dataset(ML_20M, {"user_min": 5, "item_min": 5}, data_dir=folder, cache_dir=cache, download=False)
    loaded = time.perf_counter() - started
    split = make_split(data, SPLIT)
    total = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kib = usage.ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "raw": data.raw_counts,
                "after_k_core": data.counts(),
                "train_rows": len(split.train),
                "load_s": loaded,
                "load_and_split_s": total,
                "peak_rss_gib": peak_kib / 2**20,
                "cpu_s": usage.ru_utime + usage.ru_stime,  # wall time on a shared machine overstates the work
            }
        )
    )


def measure_large(workdir: Path, rows: int) -> dict:
    folder = workdir / "data"
    ratings = folder / "ml-20m" / "ratings.csv"
    if not ratings.is_file():
        started = time.perf_counter()
        write_large(ratings, rows)
        print(f"wrote {ratings} ({ratings.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with tempfile.TemporaryDirectory(dir=workdir) as cache:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(folder), cache], capture_output=True, text=True, check=False
        )
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real-data-dir", default=os.environ.get("RECBENCH_DATA_DIR"), help="folder with ml-1m/")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", nargs="*", choices=["ml-1m", "large"], default=["ml-1m", "large"])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "recbench-data-loading"))
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure_large_child(*args.child)
        return
    import warnings

    warnings.simplefilter("ignore")  # synthetic files differ from the official digests
    results = {}
    if "ml-1m" in args.only:
        if not args.real_data_dir:
            raise SystemExit("ml-1m needs --real-data-dir (or RECBENCH_DATA_DIR) holding ml-1m/ratings.dat")
        results["ml-1m"] = time_ml_1m(args.real_data_dir, args.repeats)
        for label, value in results["ml-1m"].items():
            print(f"ML-1M {label:<24} median {value['median_s']:.3f} s   min {value['min_s']:.3f} s")
    if "large" in args.only:
        results["large"] = large = measure_large(Path(args.workdir), args.rows)
        print(
            f"{large['raw']['interactions']:,} synthetic interactions -> {large['after_k_core']['interactions']:,} after 5-core: "
            f"load {large['load_s']:.1f} s, load+split {large['load_and_split_s']:.1f} s (CPU {large['cpu_s']:.1f} s), "
            f"peak RSS {large['peak_rss_gib']:.2f} GiB"
        )
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
