"""RecBole 1.2.1 as a peer, run in a Python of its own on recbench's split.

RecBole is not a recbench dependency: 1.2.1 needs numpy<2, pandas<2.2 and a pkg_resources that
newer setuptools dropped. Install it beside recbench and name that Python with
``--recbole-python``:

    python3 -m venv /tmp/recbole
    /tmp/recbole/bin/pip install torch==2.13.0
    /tmp/recbole/bin/pip install recbole==1.2.1 'numpy<2' 'pandas<2.2' 'scipy<1.13' \\
        'scikit-learn<1.6' 'setuptools<70'
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

# recbench's name -> RecBole's, for the models the model-zoo issue gives RecBole figures for.
RECBOLE_NAMES = {
    "pop": "Pop",
    "itemknn": "ItemKNN",
    "bpr": "BPR",
    "neumf": "NeuMF",
    "lightgcn": "LightGCN",
    "multvae": "MultiVAE",
    "ease": "EASE",
}
SPLIT_FOLDER = "recbench-split"  # RecBole's dataset name for recbench's split
# Runs in RecBole's Python: one model, one dataset folder, one config; prints its test result as JSON.
RUNNER = """
import functools, json, resource, sys
import torch
torch.load = functools.partial(torch.load, weights_only=False)  # RecBole 1.2.1 pickles its config into checkpoints
from recbole.quick_start import run_recbole
model, dataset, config = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
result = run_recbole(model=model, dataset=dataset, config_dict=config)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
print("RESULT " + json.dumps({**{k: float(v) for k, v in result["test_result"].items()}, "peak_mb": peak_mb}))
"""


def write_split(split, data_path: Path) -> str:
    """Write ``split`` as RecBole benchmark files under ``data_path``; returns RecBole's dataset name for it."""
    folder = data_path / SPLIT_FOLDER
    folder.mkdir(parents=True)
    for stage in ("train", "valid", "test"):
        frame = split.stage(stage)[["user", "item"]].rename(columns={"user": "user_id:token", "item": "item_id:token"})
        frame.to_csv(folder / f"{SPLIT_FOLDER}.{stage}.inter", sep="\t", index=False)
    return SPLIT_FOLDER


def run(python: str, model: str, data_path: Path, dataset: str, *, seed: int = 2020, epochs: int = 20, env: dict | None = None) -> dict:
    """One whole RecBole process (``model`` in recbench's naming) on ``data_path/dataset``, with its defaults.

    On the folder ``write_split`` made, RecBole reads the given train/valid/test files; on any
    other it splits the atomic ``<dataset>.inter`` its own way (random 80/10/10 per user).
    Returns the test NDCG@10 and HR@10, the process's wall seconds (start-up included) and its
    peak resident memory in MB.
    """
    config = {
        "data_path": str(data_path),
        "checkpoint_dir": str(data_path / "saved"),
        "epochs": epochs,
        "seed": seed,
        "metrics": ["NDCG", "Hit"],
        "topk": [10],
        "valid_metric": "NDCG@10",
        "metric_decimal_place": 6,  # RecBole rounds to 4 places by default
        "load_col": {"inter": ["user_id", "item_id"]},
        "show_progress": False,
        "use_gpu": False,
    }
    if dataset == SPLIT_FOLDER:
        config["benchmark_filename"] = ["train", "valid", "test"]
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-c", RUNNER, RECBOLE_NAMES[model], dataset, json.dumps(config)], capture_output=True, text=True, cwd=data_path, env=env
    )
    wall = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        raise SystemExit(f"RecBole {model} on {dataset} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    result = json.loads(lines[-1][len("RESULT "):])
    return {"ndcg@10": result["ndcg@10"], "hr@10": result["hit@10"], "wall_s": wall, "peak_mb": result["peak_mb"]}
