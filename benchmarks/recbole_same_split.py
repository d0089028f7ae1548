"""RecBole 1.2.1 on recbench's own split: does a gap to RecBole's figure come from the model or the split?

The model-zoo issue's RecBole figures (ML-100K, 20 epochs, test NDCG@10) come from RecBole's own
random 80/10/10 split; recbench's protocol fixes another one (seed 2020). This script takes the
split of a published leaderboard table (rebuilt from its records' dataset options and protocol,
and checked against their split fingerprint), writes it as RecBole benchmark files, runs RecBole
on them with its own defaults for 20 epochs, as the issue's figures were taken, and prints each
model's test NDCG@10 beside recbench's published means on the same split. ``--own-split FILE``
also runs RecBole on its own split of the given atomic ``.inter`` file, which repeats the
issue's figures.

RecBole runs in a Python of its own (see ``_recbole.py`` for how to install it):

    RECBENCH_DATA_DIR=/path/to/data .venv/bin/python benchmarks/recbole_same_split.py \
        --recbole-python /tmp/recbole/bin/python --seeds 0 1 2 3 4 \
        --own-split /path/to/data/recbole-atomic/ml-100k/ml-100k.inter
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import _recbole
from recbench.data import load_dataset
from recbench.plugins import get_registry
from recbench.splitting import make_split

ROOT = Path(__file__).resolve().parent.parent


def published_table(dataset: str, protocol: str) -> dict:
    versions = sorted((ROOT / "leaderboards" / protocol / dataset).glob("v*/table.json"), key=lambda p: int(p.parent.name[1:]))
    if not versions:
        sys.exit(f"no published table under leaderboards/{protocol}/{dataset}; build one with `recbench leaderboard build`")
    return json.loads(versions[-1].read_text())


def table_split(table: dict):
    """The table's split, rebuilt from one of its records and checked against the recorded fingerprint."""
    record = json.loads((ROOT / "leaderboards" / "records" / "runs" / f"{table['rows'][0]['runs'][0]}.json").read_text())
    spec = get_registry().dataset(record["dataset"]["name"])
    data = load_dataset(spec, record["dataset"]["options"], None, None, download=False)
    split = make_split(data, record["protocol"]["config"]["split"])
    if split.fingerprint != record["protocol"]["split_fingerprint"]:
        sys.exit(f"the rebuilt split {split.fingerprint[:12]} is not the table's {record['protocol']['split_fingerprint'][:12]}")
    return split


def published_mean(row: dict | None) -> dict | None:
    return {"mean": row["metrics"]["ndcg@10"]["mean"], "seeds": len(row["runs"])} if row else None


def cell(published: dict | None) -> str:
    return f"{published['mean']:.4f} ({published['seeds']})" if published else "—"


def summary(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.4f}"
    return f"{statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recbole-python", required=True, help="a Python with recbole==1.2.1 installed")
    parser.add_argument("--dataset", default="ml-100k")
    parser.add_argument("--protocol", default="ratio-811-full")
    parser.add_argument("--models", nargs="*", default=list(_recbole.RECBOLE_NAMES), choices=list(_recbole.RECBOLE_NAMES))
    parser.add_argument("--seeds", nargs="*", type=int, default=[2020], help="RecBole seeds (its default: 2020)")
    parser.add_argument("--epochs", type=int, default=20, help="RecBole's epochs (the issue's figures: 20)")
    parser.add_argument("--own-split", type=Path, default=None, help="a RecBole atomic .inter file to also split RecBole's way")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    if not os.environ.get("RECBENCH_DATA_DIR"):
        parser.error("set RECBENCH_DATA_DIR to the folder holding the dataset's files (e.g. ml-100k/u.data)")

    table = published_table(args.dataset, args.protocol)
    defaults = {row["model"]: row for row in table["rows"] if row["tuning"] == "not tuned"}
    tuned = {row["model"]: row for row in table["rows"] if row["tuning"] != "not tuned"}
    work = Path(tempfile.mkdtemp(prefix="recbole-same-split-"))
    try:
        split_name = _recbole.write_split(table_split(table), work)
        if args.own_split:
            (work / args.dataset).mkdir()
            shutil.copy(args.own_split, work / args.dataset / f"{args.dataset}.inter")
        results = []
        for model in args.models:
            same = [_recbole.run(args.recbole_python, model, work, split_name, seed=s, epochs=args.epochs)["ndcg@10"] for s in args.seeds]
            own = [_recbole.run(args.recbole_python, model, work, args.dataset, seed=s, epochs=args.epochs)["ndcg@10"] for s in args.seeds] if args.own_split else []
            results.append({
                "model": model,
                "recbole_same_split": same,
                "recbole_own_split": own,
                "recbench_defaults": published_mean(defaults.get(model)),
                "recbench_tuned": published_mean(tuned.get(model)),
            })
            print(f"{model}: RecBole on recbench's split {summary(same)}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n{args.dataset}, {args.protocol} v{table['version']}, test NDCG@10; RecBole {args.epochs} epochs, seeds {args.seeds}\n")
    print("| model | recbench defaults (seeds) | recbench tuned (seeds) | RecBole on recbench's split | defaults − RecBole | RecBole on its own split |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        mine, theirs = r["recbench_defaults"], statistics.mean(r["recbole_same_split"])
        gap = f"{mine['mean'] - theirs:+.5f}" if mine else "—"
        own = summary(r["recbole_own_split"]) if r["recbole_own_split"] else "—"
        print(f"| {r['model']} | {cell(mine)} | {cell(r['recbench_tuned'])} | {summary(r['recbole_same_split'])} | {gap} | {own} |")
    if args.json:
        args.json.write_text(json.dumps({"dataset": args.dataset, "protocol": args.protocol, "seeds": args.seeds, "results": results}, indent=1))


if __name__ == "__main__":
    main()
