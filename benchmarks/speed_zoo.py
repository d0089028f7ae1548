"""Model-zoo speed: each model's epoch and evaluation in recbench against a plain PyTorch loop, and
whole runs, next to RecBole 1.2.1's figures measured on this machine.

For every neural model named with ``--models`` (registry names; ``name:key=value,...`` overrides
hyperparameters, e.g. ``neumf:num_negatives=1,batch_size=2048``), on the default protocol's split
(per-user random 80/10/10, seed 2020) of ``--dataset``:

1. ``epoch``  recbench: a fresh ``pl.Trainer(max_epochs=E)`` fitting the model on the data module a
              run uses, divided by E (a run pays the fit's setup once). Plain: a second instance
              of the same module, built with the same seed, trained by a ``for`` loop over the same
              data module's batches: ``training_step``, ``zero_grad``, ``backward``, ``step``
              with the optimiser from the model's ``configure_optimizers``. The model's own
              computation is the same in both, so the ratio is what the framework adds.
2. ``eval``   recbench: ``trainer.test`` with the ``RankingEvaluation`` callback (18 metrics).
              Plain: ``score_users`` per chunk of 2048 users, seen items set to -inf,
              ``torch.topk(20)``, the same 18 metrics vectorised (``speed_bpr.PlainEvaluator``).
3. ``process`` (models named with ``--process``): ``recbench train model=<name> dataset=<dataset>``
              as a subprocess (``--process-epochs N`` adds ``trainer.max_epochs=N``), with its
              wall time and the run record's train seconds and peak memory.

Where RecBole's figures give both an epoch and an evaluation, ``epoch+eval`` compares one
epoch plus the validation after it: the cycle both tools repeat until early stopping (both
validate every epoch by default), so its ratio is the end-to-end speed-up of a run.

Samples of the recbench and plain paths alternate after one warm-up each; medians of wall
seconds are printed. RecBole's figures are those stated in the model-zoo issue (same machine,
same data, all ratings as positives, 8/1/1, full ranking); where RecBole's defaults differ from
recbench's in what an epoch computes, the table says so (see benchmarks/README.md). With
``--recbole-python`` (a Python with RecBole 1.2.1, see ``_recbole.py``) each ``--process`` model
RecBole has is also run whole in RecBole, on the same split for as many epochs
(``--process-epochs``, else 20), right after recbench's run, and that time replaces the quoted one.

    RECBENCH_DATA_DIR=/path/to/folder .venv/bin/python benchmarks/speed_zoo.py \\
        --dataset ml-1m --models neumf lightgcn multvae --process itemknn ease --threads 1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pytorch_lightning as pl
import torch

from omegaconf import OmegaConf

from recbench.errors import RecbenchError
from recbench.plugins import get_registry
from recbench.training import build_model
from recbench.training._datamodule import training_matrix
from recbench.training._tasks import TaskParts, ranking
import _recbole
from speed_bpr import (
    CPU, CUTOFFS, EVAL_CHUNK, METRICS, TRAINER_FLAGS, PlainEvaluator, aligned, build_split, children_cpu, interleaved, per_epoch, quiet, summary,
)

TARGETS = {"epoch": 1.2, "eval": 2.0}  # recbench / plain loop, at most
# RecBole / recbench, at least: on ML-100K each whole run faster than RecBole's, on ML-1M twice as fast.
RECBOLE_SPEEDUP = {"ml-100k": 1.0, "ml-1m": 2.0}
SEED = 0

# RecBole 1.2.1 on this machine (the model-zoo issue): seconds per epoch, per full-ranking
# evaluation of the test users, and whole runs (ML-100K: 20 epochs), with peak memory in MB.
RECBOLE = {
    "ml-1m": {
        "epoch": {"bpr": 3.41, "neumf": 17.1, "lightgcn": 142.0},
        "eval": {"bpr": 2.3, "neumf": 30.0, "multvae": 15.0},
        "process": {"itemknn": 75.0, "ease": 34.7},
        "process_peak_mb": {"itemknn": 3100.0},
    },
    "ml-100k": {
        "process": {"bpr": 21.3, "neumf": 82.3, "lightgcn": 53.0, "multvae": 30.2, "ease": 11.1, "itemknn": 12.9},
    },
}


def parse_model(text: str) -> tuple[str, str, dict]:
    """``name`` or ``name:key=value,...`` -> (label, registry name, overrides parsed as JSON where possible)."""
    name, _, rest = text.partition(":")
    overrides = {}
    for item in filter(None, rest.split(",")):
        key, _, value = item.partition("=")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return text, name, overrides


class ZooModel:
    """One model's hyperparameters and the fresh, identically seeded instances both paths train."""

    def __init__(self, split, name: str, overrides: dict):
        self.split = split
        self.spec = get_registry().model(name)
        self.hyperparameters = {**self.spec.defaults(), **overrides}
        self.matrix = training_matrix(split)

    def model(self):
        pl.seed_everything(SEED, verbose=False)
        model = build_model(self.spec, self.split.n_users, self.split.n_items, dict(self.hyperparameters))
        model.fit_matrix(self.matrix)
        return model

    def parts(self) -> TaskParts:
        """A fresh data module and evaluation, built as a run builds them (only ndcg@10 logged)."""
        cfg = OmegaConf.create({
            "protocol": {"metrics": METRICS, "cutoffs": CUTOFFS, "valid_metric": "ndcg@10"},
            "trainer": {"eval_batch_users": EVAL_CHUNK},
            "seed": SEED,
        })
        return ranking(self.split, self.spec, self.hyperparameters, cfg)


def check_models(parser: argparse.ArgumentParser, trained: list[str], processes: list[str]) -> None:
    """Refuse unknown names and models --models cannot time before anything is measured."""
    registry = get_registry()
    for text in [*trained, *processes]:
        _, name, overrides = parse_model(text)
        try:
            spec = registry.model(name)
        except RecbenchError as exc:
            parser.error(str(exc))
        unknown = sorted(set(overrides) - set(spec.defaults()))
        if unknown:
            parser.error(f"model '{name}' has no hyperparameters {unknown}; its fields are {sorted(spec.defaults())}")
        if text in trained and (spec.tags.task != "ranking" or spec.tags.input_kind in ("none", "sequences")):
            parser.error(f"model '{name}' does not train on interaction batches; time it with --process {name} instead")


def optimizer_of(model) -> torch.optim.Optimizer:
    configured = model.configure_optimizers()
    if isinstance(configured, dict):
        configured = configured["optimizer"]
    if isinstance(configured, (list, tuple)):
        configured = configured[0]
    return configured


def plain_epochs(model, datamodule, epochs: int) -> None:
    """The loop one writes without a framework, over the same batches and the model's own step."""
    optimizer = optimizer_of(model)  # afresh per sample, as each Trainer.fit calls configure_optimizers
    model.train()
    for _ in range(epochs):
        model.on_train_epoch_start()
        for index, batch in enumerate(datamodule.train_dataloader()):
            loss = model.training_step(batch, index)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def bench_epoch(zoo: ZooModel, epochs: int, repeats: int) -> dict:
    ours, theirs = zoo.model(), zoo.model()
    ours_data, theirs_data = zoo.parts().datamodule, zoo.parts().datamodule
    flags = {**TRAINER_FLAGS, "max_epochs": epochs}
    rec, pln = interleaved(
        lambda: pl.Trainer(accelerator="cpu", devices=1, **flags).fit(ours, datamodule=ours_data),
        lambda: plain_epochs(theirs, theirs_data, epochs),
        repeats,
    )
    return {
        "recbench": summary(per_epoch(rec, epochs)),
        "plain": summary(per_epoch(pln, epochs)),
        "epochs_per_sample": epochs,
        "batches": len(theirs_data.train_dataloader()),
    }


def bench_eval(zoo: ZooModel, repeats: int) -> dict:
    model, parts = zoo.model(), zoo.parts()
    datamodule, evaluation = parts.datamodule, parts.evaluation
    trainer = pl.Trainer(accelerator="cpu", devices=1, callbacks=[evaluation], **TRAINER_FLAGS)
    plain = PlainEvaluator(zoo.split, CPU)
    plain_results: dict[str, float] = {}

    def plain_eval():
        nonlocal plain_results
        model.eval()
        plain_results = plain.evaluate(model.score_users)

    rec, pln = interleaved(lambda: trainer.test(model, datamodule=datamodule, verbose=False), plain_eval, repeats)
    ours = {k: float(v.double().mean()) for k, v in evaluation.results["test"].items() if k != "user"}
    return {
        "recbench": summary(rec),
        "plain": summary(pln),
        "users": len(plain.users),
        # Both paths rank the same scores; they differ only where an untrained model ties items.
        "max_metric_gap": max(abs(ours[k] - plain_results[k]) for k in ours),
    }


def bench_process(dataset: str, name: str, overrides: dict, epochs: int | None, threads: int | None, env: dict) -> dict:
    executable = Path(sys.executable).with_name("recbench")
    command = [str(executable), "train", f"model={name}", f"dataset={dataset}", "trainer=cpu"]
    command += [f"model.{k}={json.dumps(v)}" for k, v in overrides.items()]
    if epochs:
        command.append(f"trainer.max_epochs={epochs}")
    if threads:
        command.append(f"trainer.num_threads={threads}")
    with tempfile.TemporaryDirectory() as tmp:
        started, cpu = time.perf_counter(), children_cpu()
        done = subprocess.run([*command, f"results_dir={tmp}"], capture_output=True, text=True, env=env)
        wall, cpu = time.perf_counter() - started, children_cpu() - cpu
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        record = json.loads(next(Path(tmp, "runs").glob("*.json")).read_text())
    costs = record["costs"]
    return {
        "command": " ".join(command) + " results_dir=<tmp>",
        "wall_s": wall,
        "cpu_s": cpu,
        "train_seconds": costs["train_seconds"],
        "eval_seconds": costs["eval_seconds"],
        "peak_memory_mb": costs["peak_memory_mb"],
        "epochs": record.get("training", {}).get("epochs"),
        "ndcg@10": record["metrics"]["test"].get("ndcg@10"),
    }


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "FAIL")


def table(results: dict) -> str:
    rows = [("model", "measure", "recbench s", "plain s", "ratio", "target", "result", "RecBole s", "RecBole/recbench", f">= {RECBOLE_SPEEDUP[results['dataset']]:g}x")]
    for label, r in results["models"].items():
        for measure in ("epoch", "eval"):
            m = r[measure]
            recbole = m.get("recbole_s")
            rows.append((
                label, measure, f"{m['recbench']['median_s']:.3f}", f"{m['plain']['median_s']:.3f}", f"{m['ratio']:.2f}",
                f"<= {TARGETS[measure]}", verdict(m["pass"]),
                f"{recbole:g}" if recbole else "-", f"{m['recbole_speedup']:.2f}" if recbole else "-", verdict(m.get("recbole_pass")),
            ))
        if "epoch+eval" in r:
            c = r["epoch+eval"]
            rows.append((
                label, "epoch+eval", f"{c['recbench_s']:.3f}", "-", "-", "-", "-",
                f"{c['recbole_s']:g}", f"{c['recbole_speedup']:.2f}", verdict(c["recbole_pass"]),
            ))
    for label, p in results["process"].items():
        recbole = p.get("recbole_s")
        rows.append((
            label, "process", f"{p['wall_s']:.2f}", "-", "-", "-", "-",
            (f"{recbole:.2f} (this run)" if p.get("recbole_measured") else f"{recbole:g}") if recbole else "-", f"{p['recbole_speedup']:.2f}" if recbole else "-", verdict(p.get("recbole_pass")),
        ))
    return aligned(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=["ml-100k", "ml-1m"], default="ml-1m")
    parser.add_argument("--models", nargs="*", default=["neumf", "lightgcn", "multvae"], help="neural models: name or name:key=value,...")
    parser.add_argument("--process", nargs="*", default=[], help="models whose whole `recbench train` run is timed")
    parser.add_argument("--process-epochs", type=int, default=None, help="trainer.max_epochs for --process runs (RecBole's ML-100K figures: 20)")
    parser.add_argument("--epochs", type=int, default=1, help="epochs per timed fit sample")
    parser.add_argument("--repeats", type=int, default=3, help="timed samples per measurement (after one warm-up)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads here and OMP_NUM_THREADS for --process runs")
    parser.add_argument("--recbole-python", default=None, help="a Python with recbole==1.2.1 (see _recbole.py): time RecBole's whole run of each --process model in this run, on the same split, instead of quoting the issue's figure")
    parser.add_argument("--out", type=Path, default=None, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if not os.environ.get("RECBENCH_DATA_DIR"):
        parser.error("set RECBENCH_DATA_DIR to the folder holding ml-100k/ and ml-1m/")
    check_models(parser, args.models, args.process)
    quiet()
    # The plain loop calls training_step outside a Trainer, where self.log() has nowhere to log.
    warnings.filterwarnings("ignore", ".*the `self.trainer` reference is not registered.*")
    if args.threads:
        torch.set_num_threads(args.threads)
    recbole = RECBOLE[args.dataset]
    results: dict = {
        "dataset": args.dataset,
        "repeats": args.repeats,
        "torch_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "load_average_start": os.getloadavg(),
        "torch": torch.__version__,
        "pytorch_lightning": pl.__version__,
        "python": platform.python_version(),
        "models": {},
        "process": {},
    }
    split = build_split(args.dataset)
    for label, name, overrides in map(parse_model, args.models):
        zoo = ZooModel(split, name, overrides)
        entry = {"hyperparameters": zoo.hyperparameters, "epoch": bench_epoch(zoo, args.epochs, args.repeats), "eval": bench_eval(zoo, args.repeats)}
        for measure in ("epoch", "eval"):
            m = entry[measure]
            m["ratio"] = m["recbench"]["median_s"] / m["plain"]["median_s"]
            m["pass"] = m["ratio"] <= TARGETS[measure]
            if name in recbole.get(measure, {}):
                m["recbole_s"] = recbole[measure][name]
                m["recbole_speedup"] = m["recbole_s"] / m["recbench"]["median_s"]
                m["recbole_pass"] = m["recbole_speedup"] >= RECBOLE_SPEEDUP[args.dataset]
        if name in recbole.get("epoch", {}) and name in recbole.get("eval", {}):
            # One epoch and the validation after it: the cycle both tools repeat until early stopping.
            ours = entry["epoch"]["recbench"]["median_s"] + entry["eval"]["recbench"]["median_s"]
            theirs = recbole["epoch"][name] + recbole["eval"][name]
            speedup = theirs / ours
            entry["epoch+eval"] = {"recbench_s": ours, "recbole_s": theirs, "recbole_speedup": speedup, "recbole_pass": speedup >= RECBOLE_SPEEDUP[args.dataset]}
        results["models"][label] = entry
        print(f"{label}: epoch {entry['epoch']['recbench']['median_s']:.3f} s, eval {entry['eval']['recbench']['median_s']:.3f} s", flush=True)
    env = dict(os.environ)
    if args.threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(args.threads)
    peer_data = Path(tempfile.mkdtemp(prefix="recbole-")) if args.recbole_python and args.process else None
    peer_split = _recbole.write_split(split, peer_data) if peer_data else None
    try:  # the RecBole copy of the split goes, whatever happens to the runs
        for label, name, overrides in map(parse_model, args.process):
            p = bench_process(args.dataset, name, overrides, args.process_epochs, args.threads, env)
            if peer_data and name in _recbole.RECBOLE_NAMES and not overrides:
                # RecBole's whole process on the same split, right after recbench's, under the same load.
                peer = _recbole.run(args.recbole_python, name, peer_data, peer_split, epochs=args.process_epochs or 20, env=env)
                p.update(recbole_s=peer["wall_s"], recbole_peak_mb=peer["peak_mb"], recbole_measured=True, recbole_ndcg10=peer["ndcg@10"])
            elif name in recbole.get("process", {}):
                p["recbole_s"] = recbole["process"][name]
                if name in recbole.get("process_peak_mb", {}):
                    p["recbole_peak_mb"] = recbole["process_peak_mb"][name]
            if "recbole_s" in p:
                p["recbole_speedup"] = p["recbole_s"] / p["wall_s"]
                p["recbole_pass"] = p["recbole_speedup"] >= RECBOLE_SPEEDUP[args.dataset]
            results["process"][label] = p
            print(f"{label}: process {p['wall_s']:.2f} s, peak {p['peak_memory_mb']:.0f} MB", flush=True)
    finally:
        if peer_data:
            shutil.rmtree(peer_data, ignore_errors=True)
    results["load_average_end"] = os.getloadavg()

    print(table(results))
    for label, r in results["models"].items():
        print(f"{label}: {r['epoch']['batches']} batches per epoch; eval of {r['eval']['users']} users, largest metric gap {r['eval']['max_metric_gap']:.1e}")
    for label, p in results["process"].items():
        extra = f" (RecBole: {p['recbole_peak_mb']:.0f} MB)" if "recbole_peak_mb" in p else ""
        print(f"{label} process: train {p['train_seconds']:.2f} s, eval {p['eval_seconds']:.2f} s, peak memory {p['peak_memory_mb']:.0f} MB{extra}, test ndcg@10 {p['ndcg@10']:.4f}")
    print(f"load average start/end: {results['load_average_start']} / {results['load_average_end']}; torch threads {results['torch_threads']}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
