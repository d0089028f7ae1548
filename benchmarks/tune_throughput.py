"""Trials per minute of `recbench tune` with 1 and with 2 workers sharing one study.

Each sample is one `recbench tune` subprocess in a fresh results folder: BPR, the TPE
sampler, no pruner, no final runs (`tune.final_seeds=[]`), so only the search is timed.
From the study itself it reads:

- ``search_s``     first trial start to last trial end (the search; no process start-up)
- ``trials/min``   finished trials / search_s * 60
- ``gap_s``        median idle time of a worker between the end of one trial and the start of
                   its next (asynchronous workers: no batch barrier, so this stays small)
- ``command_s``    wall time of the whole command (imports, data, study, workers' start-up)

On the CPU each of n workers gets cores / n torch threads, so on a machine with few cores
2 workers can only win where a trial does not use every core well (small models, Python
overhead); on GPUs each worker has its own device.

    .venv/bin/python benchmarks/tune_throughput.py                       # generated data, 12 trials, 2 epochs
    .venv/bin/python benchmarks/tune_throughput.py --threads 1           # every worker on one thread
    RECBENCH_DATA_DIR=/path/with/ml-100k .venv/bin/python benchmarks/tune_throughput.py --dataset ml-100k --epochs 5 --out tune.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState


def tune_once(workers: int, args, data_dir: Path, folder: Path) -> dict:
    results = folder / f"w{workers}-{time.time_ns()}"
    command = [
        sys.executable, "-m", "recbench.cli", "tune", "model=bpr", f"dataset={args.dataset}",
        f"trainer.max_epochs={args.epochs}", "trainer.patience=1000", "tune.pruner=none", "tune.final_seeds=[]",
        f"tune.n_trials={args.trials}", f"tune.n_workers={workers}", "tune.study_name=throughput", f"results_dir={results}",
    ]
    if args.threads:
        command.append(f"trainer.num_threads={args.threads}")
    env = dict(os.environ, RECBENCH_DATA_DIR=str(data_dir), RECBENCH_CACHE_DIR=str(folder / "cache"))
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    command_seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"recbench tune failed:\n{done.stderr[-3000:]}")
    journal = results / "studies" / "throughput" / "journal.log"
    study = optuna.load_study(study_name="throughput", storage=JournalStorage(JournalFileBackend(str(journal))))
    trials = [t for t in study.trials if t.state == TrialState.COMPLETE]
    search = (max(t.datetime_complete for t in trials) - min(t.datetime_start for t in trials)).total_seconds()
    by_worker = defaultdict(list)
    for trial in trials:
        by_worker[trial.user_attrs["worker"]].append(trial)
    gaps = []
    for runs in by_worker.values():
        runs.sort(key=lambda t: t.datetime_start)
        gaps += [(later.datetime_start - earlier.datetime_complete).total_seconds() for earlier, later in zip(runs, runs[1:], strict=False)]
    return {
        "workers": workers,
        "trials": len(trials),
        "search_s": search,
        "trials_per_minute": len(trials) / search * 60,
        "gap_s": statistics.median(gaps) if gaps else 0.0,
        "trial_s": statistics.median(t.duration.total_seconds() for t in trials),
        "command_s": command_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="ml-100k")
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--threads", type=int, help="torch threads of every worker; default: one worker keeps torch's "
                        "default (one per core), n workers get cores / n each")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data_dir = os.environ.get("RECBENCH_DATA_DIR")
        if data_dir is None:  # the small generated files the tests use
            from recbench.testing._synthetic import write_movielens

            data_dir = write_movielens(folder / "data")
        samples = defaultdict(list)
        for _ in range(args.repeats):  # alternate the settings so load on the machine falls on each alike
            for workers in args.workers:
                samples[workers].append(tune_once(workers, args, Path(data_dir), folder))

    rows = []
    for workers, runs in samples.items():
        row = {key: statistics.median(run[key] for run in runs) for key in ("trials_per_minute", "search_s", "trial_s", "gap_s", "command_s")}
        rows.append({"workers": workers, **row})
    threads = f"{args.threads} torch thread(s) per worker" if args.threads else "default threads"
    print(f"{args.dataset}, BPR, {args.epochs} epochs, {args.trials} trials, {threads}, medians of {args.repeats}; "
          f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()})")
    print(f"{'workers':>7} {'trials/min':>10} {'search_s':>8} {'trial_s':>7} {'gap_s':>6} {'command_s':>9}")
    for row in rows:
        print(f"{row['workers']:>7} {row['trials_per_minute']:>10.1f} {row['search_s']:>8.1f} {row['trial_s']:>7.2f} "
              f"{row['gap_s']:>6.3f} {row['command_s']:>9.1f}")
    if args.out:
        args.out.write_text(json.dumps({"settings": vars(args) | {"out": str(args.out)}, "rows": rows, "samples": samples}, indent=2, default=str))


if __name__ == "__main__":
    main()
