"""Compression: size, test quality and scoring time of a compressed model against the float one.

    RECBENCH_DATA_DIR=/path/with/ml-1m .venv/bin/python benchmarks/compression.py \
        --model bpr --dataset ml-1m --method int8 -- trainer.max_epochs=20 trainer.num_threads=1

Runs ``recbench train model=<model> dataset=<dataset> compress=<method> <overrides>`` once, as
a user would (a subprocess), and reads the two records it writes: the float model's and the
compressed variant's, both from the same trained weights and evaluated on the same test users
by the same evaluator. Prints each record's test metric, ``costs.model_size_bytes`` and
``costs.scoring_ms_per_1000_users``, and the ratios: size (float / compressed, higher is
smaller), metric (compressed / float) and scoring time (compressed / float). ``--out`` writes
them as JSON. Test metrics are only read, never used to choose anything.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def _records(results_dir: Path) -> dict[str, dict]:
    records = [json.loads(path.read_text()) for path in sorted((results_dir / "runs").glob("*.json"))]
    return {record.get("compression", {}).get("method", "none"): record for record in records}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="bpr")
    parser.add_argument("--dataset", default="ml-1m")
    parser.add_argument("--method", default="int8", choices=["int8", "prune", "lowrank"])
    parser.add_argument("--metric", default="ndcg@10", help="test metric compared (default: ndcg@10)")
    parser.add_argument("--results-dir", help="keep the records here (default: a temporary folder)")
    parser.add_argument("--out", help="write the figures as JSON")
    parser.add_argument("overrides", nargs="*", help="more `recbench train` overrides, after --")
    args = parser.parse_args(argv)

    results_dir = Path(args.results_dir or tempfile.mkdtemp(prefix="recbench-compression-"))
    command = [
        sys.executable, "-m", "recbench.cli", "train", f"model={args.model}", f"dataset={args.dataset}",
        f"compress={args.method}", *args.overrides, f"results_dir={results_dir}",
    ]
    print("$ recbench " + " ".join(command[3:-1]), flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"recbench train failed:\n{done.stderr[-3000:]}")
    records = _records(results_dir)
    plain, compressed = records["none"], records[args.method]
    figures = {
        "model": args.model,
        "dataset": args.dataset,
        "compression": compressed["compression"],
        "command": compressed["command"],
        "device": compressed["environment"]["device"],
        "epochs": compressed["training"]["epochs"],
        args.metric: {"float": plain["metrics"]["test"][args.metric], args.method: compressed["metrics"]["test"][args.metric]},
        "model_size_bytes": {"float": plain["costs"]["model_size_bytes"], args.method: compressed["costs"]["model_size_bytes"]},
        "scoring_ms_per_1000_users": {
            "float": plain["costs"]["scoring_ms_per_1000_users"],
            args.method: compressed["costs"]["scoring_ms_per_1000_users"],
        },
    }
    figures["size_ratio"] = figures["model_size_bytes"]["float"] / figures["model_size_bytes"][args.method]
    figures["metric_ratio"] = figures[args.metric][args.method] / figures[args.metric]["float"]
    figures["latency_ratio"] = figures["scoring_ms_per_1000_users"][args.method] / figures["scoring_ms_per_1000_users"]["float"]

    print(f"{'':16} {'float':>12} {args.method:>12} {'ratio':>8}")
    print(f"{'test ' + args.metric:16} {figures[args.metric]['float']:12.4f} {figures[args.metric][args.method]:12.4f} {figures['metric_ratio']:8.4f}")
    sizes = figures["model_size_bytes"]
    print(f"{'size bytes':16} {sizes['float']:12d} {sizes[args.method]:12d} {figures['size_ratio']:8.3f}  (float / {args.method})")
    times = figures["scoring_ms_per_1000_users"]
    print(f"{'ms / 1000 users':16} {times['float']:12.3f} {times[args.method]:12.3f} {figures['latency_ratio']:8.3f}  ({args.method} / float)")
    print(f"{figures['epochs']} epochs on {figures['device']}; records in {results_dir}")
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main()
