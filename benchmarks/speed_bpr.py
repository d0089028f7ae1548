"""BPR-MF speed: recbench against a minimal plain-PyTorch loop, same data, same process.

Three measurements (see benchmarks/README.md):

1. ``epoch``   one BPR training epoch, timed as one ``Trainer(max_epochs=4).fit`` divided by 4
               (a run pays the fit's setup once, not per epoch). recbench: the Trainer
               fitting ``recbench.models.bpr.model.BPR`` with ``InteractionDataModule``
               ("triples", batch 2048, 1 negative). Plain: the same embeddings and loss,
               ``torch.optim.Adam`` (one per 4 epochs), ``torch.randperm`` shuffle, bulk uniform negatives with
               rejection of training positives (written here, not recbench's sampler: a dense
               boolean "seen" matrix, only the clashes are redrawn), slices, backward, step.
2. ``eval``    one full-ranking evaluation of the test split. recbench: ``trainer.test`` with
               the ``RankingEvaluation`` callback (hr, precision, recall, ndcg, mrr, map @ 5, 10, 20).
               Plain: per chunk of 2048 users ``U[users] @ V.T``, -inf on train+valid items,
               ``torch.topk(20)``, the same 18 metrics vectorised.
3. ``process`` ``recbench train model=bpr trainer.max_epochs=20`` as a subprocess, wall time.

Samples of the two paths are interleaved (recbench, plain, recbench, ...) after one warm-up
each, so that load on the machine falls on both alike; the table shows medians.

    RECBENCH_DATA_DIR=/work/shared/data .venv/bin/python benchmarks/speed_bpr.py --dataset ml-100k --repeats 5
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from recbench.data import load_dataset
from recbench.evaluation import RankingEvaluation, RankingEvaluator
from recbench.models.bpr.model import BPR
from recbench.plugins import get_registry
from recbench.splitting import make_split
from recbench.training._datamodule import InteractionDataModule, training_matrix

TARGETS = {"epoch": 1.3, "eval": 2.0, "process": 10.0}  # ratio, ratio, seconds (ML-100K)
METRICS = ["hr", "precision", "recall", "ndcg", "mrr", "map"]
CUTOFFS = [5, 10, 20]
BATCH_SIZE = 2048
EVAL_CHUNK = 2048
SEED = 0
# Epochs per timed sample: one Trainer.fit of this many epochs against as many epochs of the plain
# loop, divided by it. A run pays Trainer.fit's setup once, not once per epoch.
EPOCHS_PER_SAMPLE = 4
CPU = torch.device("cpu")  # the in-process comparisons run on the CPU; the process benchmark uses the CLI's defaults

TRAINER_FLAGS = dict(
    max_epochs=1,
    enable_progress_bar=False,
    enable_model_summary=False,
    logger=False,
    enable_checkpointing=False,
    num_sanity_val_steps=0,
    limit_val_batches=0,
)


def quiet() -> None:
    for pattern in (
        ".*does not have many workers.*",
        ".*smaller than the logging interval.*",
        ".*Sparse CSR tensor support is in beta.*",
        ".*LeafSpec.*is deprecated.*",
        ".*GPU available but not used.*",
        ".*Sparse invariant checks are implicitly disabled.*",
        ".*skipping model plugin.*",
    ):
        warnings.filterwarnings("ignore", pattern)
    for name in ("pytorch_lightning", "lightning.pytorch", "lightning_fabric", "lightning.fabric"):
        logging.getLogger(name).setLevel(logging.ERROR)


def build_split(dataset: str):
    """The platform's own data path (as recbench.training._run.run builds it)."""
    registry = get_registry()
    options = {"name": dataset, "rating_threshold": None, "user_min": 0, "item_min": 0, "duplicates": "first"}
    data = load_dataset(registry.dataset(dataset), options, None, None, False)
    return make_split(data, {"kind": "ratio", "ratios": [0.8, 0.1, 0.1], "seed": 2020})


# ----------------------------------------------------------------------------- plain loop


class PlainBPR(nn.Module):
    def __init__(self, n_users: int, n_items: int, dim: int = 64):
        super().__init__()
        self.user_embedding = nn.Embedding(n_users, dim)
        self.item_embedding = nn.Embedding(n_items, dim)
        nn.init.xavier_normal_(self.user_embedding.weight)
        nn.init.xavier_normal_(self.item_embedding.weight)

    def forward(self, users: Tensor, positives: Tensor, negatives: Tensor) -> Tensor:
        u = self.user_embedding(users)
        p = self.item_embedding(positives)
        n = self.item_embedding(negatives)  # [B, 1, d]
        margin = (u * p).sum(-1).unsqueeze(1) - (u.unsqueeze(1) * n).sum(-1)
        return -F.logsigmoid(margin).mean()


class PlainTrainer:
    """What one would write without a framework; same hyperparameters as BPR's defaults."""

    def __init__(self, split, device: torch.device):
        self.device = device
        self.n_items = split.n_items
        self.users = torch.from_numpy(split.train["user"].to_numpy().astype(np.int64)).to(device)
        self.items = torch.from_numpy(split.train["item"].to_numpy().astype(np.int64)).to(device)
        self.seen = torch.zeros(split.n_users, split.n_items, dtype=torch.bool, device=device)
        self.seen[self.users, self.items] = True
        self.model = PlainBPR(split.n_users, split.n_items).to(device)
        self.generator = torch.Generator(device=device).manual_seed(SEED)

    def negatives(self, users: Tensor) -> Tensor:
        negatives = torch.randint(self.n_items, (len(users), 1), generator=self.generator, device=self.device)
        rows = torch.arange(len(users), device=self.device)
        for _ in range(100):
            clash = self.seen[users[rows], negatives[rows, 0]]
            rows = rows[clash]
            if len(rows) == 0:
                break
            negatives[rows, 0] = torch.randint(self.n_items, (len(rows),), generator=self.generator, device=self.device)
        return negatives

    def epochs(self, n: int = EPOCHS_PER_SAMPLE) -> float:
        # A fresh optimiser per call, as each Trainer.fit calls configure_optimizers.
        optimizer = torch.optim.Adam(self.model.parameters(), lr=0.001, weight_decay=1e-5)
        self.model.train()
        loss = 0.0
        for _ in range(n):
            loss = self._epoch(optimizer)
        return loss

    def _epoch(self, optimizer) -> float:
        order = torch.randperm(len(self.users), generator=self.generator, device=self.device)
        users, items = self.users[order], self.items[order]
        negatives = self.negatives(users)
        loss = torch.zeros(())
        for start in range(0, len(users), BATCH_SIZE):
            stop = start + BATCH_SIZE
            loss = self.model(users[start:stop], items[start:stop], negatives[start:stop])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return float(loss.detach())


class PlainEvaluator:
    """Full ranking of the test users with dense masks; the same metric definitions as recbench."""

    def __init__(self, split, device: torch.device):
        self.device = device
        shape = (split.n_users, split.n_items)

        def mask(*frames) -> Tensor:
            m = torch.zeros(shape, dtype=torch.bool, device=device)
            for f in frames:
                m[torch.tensor(f["user"].to_numpy(), device=device), torch.tensor(f["item"].to_numpy(), device=device)] = True
            return m

        self.seen = mask(split.train, split.valid)
        self.relevant = mask(split.test)
        self.n_relevant = self.relevant.sum(1)
        self.users = torch.from_numpy(np.unique(split.test["user"].to_numpy()).astype(np.int64)).to(device)
        k = max(CUTOFFS)
        self.discounts = 1.0 / torch.log2(torch.arange(2, k + 2, dtype=torch.float64, device=device))
        self.ranks = torch.arange(1, k + 1, dtype=torch.float64, device=device)

    @torch.no_grad()
    def evaluate(self, score: Callable[[Tensor], Tensor]) -> dict[str, float]:
        """Means of the 18 metrics; ``score(users [B]) -> [B, n_items]`` gives a fresh scores tensor."""
        sums: dict[str, Tensor] = {}
        for users in torch.split(self.users, EVAL_CHUNK):
            scores = score(users)
            scores[self.seen[users]] = -torch.inf
            top = torch.topk(scores, max(CUTOFFS), dim=1).indices
            hits = self.relevant[users].gather(1, top).double()
            n_rel = self.n_relevant[users].double()
            for k in CUTOFFS:
                h = hits[:, :k]
                found = h.sum(1)
                capped = n_rel.clamp(max=k)
                ideal = torch.cumsum(self.discounts[:k], 0)[capped.long() - 1]
                values = {
                    "hr": (found > 0).double(),
                    "precision": found / k,
                    "recall": found / n_rel,
                    "ndcg": (h * self.discounts[:k]).sum(1) / ideal,
                    "mrr": (h / self.ranks[:k]).max(1).values,
                    "map": ((torch.cumsum(h, 1) / self.ranks[:k]) * h).sum(1) / capped,
                }
                for name, v in values.items():
                    key = f"{name}@{k}"
                    sums[key] = sums.get(key, 0.0) + v.sum()
        return {key: float(total) / len(self.users) for key, total in sums.items()}


# ----------------------------------------------------------------------------- timing


def timed(fn) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def interleaved(a, b, repeats: int) -> tuple[list, list]:
    a(), b()  # warm-up
    samples_a, samples_b = [], []
    for _ in range(repeats):
        samples_a.append(timed(a))
        samples_b.append(timed(b))
    return samples_a, samples_b


def summary(samples: list[tuple[float, float]]) -> dict:
    walls = [w for w, _ in samples]
    return {
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "cpu_median_s": statistics.median([c for _, c in samples]),
        "samples_s": [round(w, 4) for w in walls],
    }


def fit_epochs(model, datamodule) -> None:
    """One Trainer.fit of EPOCHS_PER_SAMPLE epochs, without validation, logging or checkpoints."""
    pl.Trainer(accelerator="cpu", devices=1, **{**TRAINER_FLAGS, "max_epochs": EPOCHS_PER_SAMPLE}).fit(model, datamodule=datamodule)


def per_epoch(samples: list[tuple[float, float]], epochs: int = EPOCHS_PER_SAMPLE) -> list[tuple[float, float]]:
    return [(wall / epochs, cpu / epochs) for wall, cpu in samples]


def bench_epoch(split, repeats: int) -> dict:
    pl.seed_everything(SEED, verbose=False)
    model = BPR(split.n_users, split.n_items)
    model.fit_matrix(training_matrix(split))
    datamodule = InteractionDataModule(split, "triples", batch_size=BATCH_SIZE, num_negatives=1, seed=SEED)
    plain = PlainTrainer(split, CPU)
    rec, pln = interleaved(lambda: fit_epochs(model, datamodule), plain.epochs, repeats)
    return {
        "recbench": summary(per_epoch(rec)),
        "plain": summary(per_epoch(pln)),
        "batches": math.ceil(len(split.train) / BATCH_SIZE),
        "epochs_per_sample": EPOCHS_PER_SAMPLE,
    }


def bench_eval(split, repeats: int) -> dict:
    pl.seed_everything(SEED, verbose=False)
    model = BPR(split.n_users, split.n_items)
    model.fit_matrix(training_matrix(split))
    datamodule = InteractionDataModule(split, "triples", batch_size=BATCH_SIZE, num_negatives=1, eval_batch_users=EVAL_CHUNK, seed=SEED)
    # As a run does: every metric is computed, only the monitored one is logged through Lightning.
    evaluation = RankingEvaluation(RankingEvaluator(split, METRICS, CUTOFFS), logged=["ndcg@10"])
    trainer = pl.Trainer(accelerator="cpu", devices=1, callbacks=[evaluation], **TRAINER_FLAGS)
    plain = PlainEvaluator(split, CPU)
    plain_results: dict[str, float] = {}

    def recbench_eval():
        trainer.test(model, datamodule=datamodule, verbose=False)

    def plain_eval():
        nonlocal plain_results
        user_weight, item_weight = model.user_embedding.weight.detach(), model.item_embedding.weight.detach()
        plain_results = plain.evaluate(lambda users: user_weight[users] @ item_weight.T)

    rec, pln = interleaved(recbench_eval, plain_eval, repeats)
    ours = {k: float(v.double().mean()) for k, v in evaluation.results["test"].items() if k != "user"}
    # Both paths must compute the same numbers (exact ties aside, which random embeddings do not produce).
    gap = max(abs(ours[k] - plain_results[k]) for k in ours)
    return {
        "recbench": summary(rec),
        "plain": summary(pln),
        "users": len(plain.users),
        "max_metric_gap": gap,
        "ndcg@10": ours["ndcg@10"],
    }


def bench_process(dataset: str, repeats: int, env: dict) -> dict:
    executable = Path(sys.executable).with_name("recbench")
    command = [str(executable), "train", "model=bpr", f"dataset={dataset}", "trainer.max_epochs=20"]
    walls, cpus, costs = [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            started, cpu = time.perf_counter(), children_cpu()
            done = subprocess.run([*command, f"results_dir={tmp}"], capture_output=True, text=True, env=env)
            walls.append(time.perf_counter() - started)
            cpus.append(children_cpu() - cpu)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
            record = json.loads(next(Path(tmp, "runs").glob("*.json")).read_text())
            costs.append(record["costs"] | {"epochs": record["training"]["epochs"]})
    return {
        "command": " ".join(command) + " results_dir=<tmp>",
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "samples_s": [round(w, 3) for w in walls],
        "cpu_median_s": statistics.median(cpus),
        "train_seconds": [c["train_seconds"] for c in costs],
        "eval_seconds": [c["eval_seconds"] for c in costs],
        "epochs": [c["epochs"] for c in costs],
    }


# ----------------------------------------------------------------------------- breakdown


def medians(cases: dict, repeats: int) -> dict[str, float]:
    """Median wall seconds of each case, the cases interleaved, after one warm-up each."""
    for fn in cases.values():
        fn()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            samples[name].append(timed(fn)[0])
    return {name: statistics.median(v) for name, v in samples.items()}


def breakdown_epoch(split, repeats: int) -> dict:
    """Where an epoch's extra time goes: the negative sampler, and Lightning around the steps."""
    import recbench.training._datamodule as datamodule_module
    from recbench.sampling import uniform_negatives

    pl.seed_everything(SEED, verbose=False)
    model = BPR(split.n_users, split.n_items)
    model.fit_matrix(training_matrix(split))
    datamodule = InteractionDataModule(split, "triples", batch_size=BATCH_SIZE, num_negatives=1, seed=SEED)
    plain = PlainTrainer(split, CPU)
    generator = torch.Generator().manual_seed(1)
    shuffled = datamodule.users[torch.randperm(len(datamodule.users), generator=generator)]
    original = datamodule_module.uniform_negatives

    def fit():
        fit_epochs(model, datamodule)

    def fit_with_plain_sampler():
        datamodule_module.uniform_negatives = lambda users, num, positives, gen, **_: plain.negatives(users)
        try:
            fit()
        finally:
            datamodule_module.uniform_negatives = original

    t = medians(
        {
            "recbench_fit": fit,
            "recbench_fit_with_plain_sampler": fit_with_plain_sampler,
            "plain_epoch": plain.epochs,
            "recbench_sampler": lambda: uniform_negatives(shuffled, 1, datamodule.positives, generator),
            "plain_sampler": lambda: plain.negatives(shuffled),
        },
        repeats,
    )
    for name in ("recbench_fit", "recbench_fit_with_plain_sampler", "plain_epoch"):
        t[name] /= EPOCHS_PER_SAMPLE
    batches = math.ceil(len(split.train) / BATCH_SIZE)
    t["lightning_overhead_per_step_ms"] = 1e3 * (t["recbench_fit_with_plain_sampler"] - t["plain_epoch"]) / batches
    return t


def breakdown_eval(split, repeats: int) -> dict:
    """Evaluator alone (no Lightning) against trainer.test, and top_k_items against torch.topk."""
    from recbench.evaluation import top_k_items

    pl.seed_everything(SEED, verbose=False)
    model = BPR(split.n_users, split.n_items)
    model.fit_matrix(training_matrix(split))
    datamodule = InteractionDataModule(split, "triples", batch_size=BATCH_SIZE, eval_batch_users=EVAL_CHUNK, seed=SEED)
    evaluator = RankingEvaluator(split, METRICS, CUTOFFS)
    trainer = pl.Trainer(accelerator="cpu", devices=1, callbacks=[RankingEvaluation(evaluator)], **TRAINER_FLAGS)
    chunks = torch.split(datamodule.eval_users["test"], EVAL_CHUNK)
    with torch.no_grad():
        scores = [model.score_users(c) for c in chunks]

    def evaluator_alone():
        with torch.no_grad():
            for c in chunks:
                evaluator.evaluate("test", c, model.score_users(c))

    return medians(
        {
            "trainer_test": lambda: trainer.test(model, datamodule=datamodule, verbose=False),
            "evaluator_alone": evaluator_alone,
            "scores_only": lambda: [model.score_users(c).detach() for c in chunks],
            "top_k_items_20": lambda: [top_k_items(s, max(CUTOFFS)) for s in scores],
            "torch_topk_20": lambda: [torch.topk(s, max(CUTOFFS), dim=1) for s in scores],
        },
        repeats,
    )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_seconds(repeats: int, env: dict) -> tuple[float, float]:
    """(median wall, median CPU) seconds of `import pytorch_lightning` in a fresh interpreter."""
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), children_cpu()
        subprocess.run([sys.executable, "-c", "import pytorch_lightning"], check=True, env=env)
        walls.append(time.perf_counter() - started)
        cpus.append(children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


# ----------------------------------------------------------------------------- report


def table(results: dict, dataset: str) -> str:
    rows = [("benchmark", "recbench s", "plain s", "ratio", "target", "result")]
    for name in ("epoch", "eval"):
        if name in results:
            r = results[name]
            rows.append((
                f"{name} ({dataset})",
                f"{r['recbench']['median_s']:.4f}",
                f"{r['plain']['median_s']:.4f}",
                f"{r['ratio']:.2f}",
                f"<= {TARGETS[name]}",
                "PASS" if r["pass"] else "FAIL",
            ))
    if "process" in results:
        r = results["process"]
        target = f"< {TARGETS['process']:g} s" if dataset == "ml-100k" else "n/a"
        verdict = ("PASS" if r["pass"] else "FAIL") if r["pass"] is not None else "-"
        rows.append((f"process ({dataset})", f"{r['median_s']:.2f}", "-", "-", target, verdict))
    return aligned(rows)


def aligned(rows: list[tuple[str, ...]]) -> str:
    """Rows of cells as left-aligned columns, the first row a header underlined with dashes."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=["ml-100k", "ml-1m"], default="ml-100k")
    parser.add_argument("--repeats", type=int, default=5, help="timed samples per measurement (after one warm-up)")
    parser.add_argument("--only", nargs="+", choices=["epoch", "eval", "process"], default=["epoch", "eval", "process"])
    parser.add_argument(
        "--threads", type=int, default=None,
        help="torch.set_num_threads here and OMP_NUM_THREADS for the process benchmark (default: torch's own choice)",
    )
    parser.add_argument("--breakdown", action="store_true", help="also time the parts: samplers, Lightning per step, evaluator alone, imports")
    parser.add_argument("--out", type=Path, default=None, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if not os.environ.get("RECBENCH_DATA_DIR"):
        parser.error("set RECBENCH_DATA_DIR to the folder holding ml-100k/ (and ml-1m/)")
    quiet()
    if args.threads:
        torch.set_num_threads(args.threads)

    results: dict = {
        "dataset": args.dataset,
        "repeats": args.repeats,
        "device": "cpu",
        "torch_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "load_average_start": os.getloadavg(),
        "torch": torch.__version__,
        "pytorch_lightning": pl.__version__,
        "python": platform.python_version(),
    }
    split = build_split(args.dataset)
    results["interactions"] = {"train": len(split.train), "valid": len(split.valid), "test": len(split.test)}
    if "epoch" in args.only:
        r = bench_epoch(split, args.repeats)
        r["ratio"] = r["recbench"]["median_s"] / r["plain"]["median_s"]
        r["pass"] = r["ratio"] <= TARGETS["epoch"]
        results["epoch"] = r
    if "eval" in args.only:
        r = bench_eval(split, args.repeats)
        r["ratio"] = r["recbench"]["median_s"] / r["plain"]["median_s"]
        r["pass"] = r["ratio"] <= TARGETS["eval"]
        results["eval"] = r
    if args.breakdown:
        if "epoch" in args.only:
            results["epoch"]["breakdown"] = breakdown_epoch(split, args.repeats)
        if "eval" in args.only:
            results["eval"]["breakdown"] = breakdown_eval(split, args.repeats)
    env = dict(os.environ)
    if args.threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(args.threads)
    if "process" in args.only:
        r = bench_process(args.dataset, args.repeats, env)
        r["pass"] = r["median_s"] < TARGETS["process"] if args.dataset == "ml-100k" else None
        if args.breakdown:
            r["import_pytorch_lightning_s"], r["import_pytorch_lightning_cpu_s"] = import_seconds(args.repeats, env)
        results["process"] = r
    results["load_average_end"] = os.getloadavg()

    print(table(results, args.dataset))
    if "eval" in results:
        print(f"eval: {results['eval']['users']} test users; largest gap between recbench's and the plain metrics: {results['eval']['max_metric_gap']:.2e}")
    if "process" in results:
        p = results["process"]
        print(f"process: CPU (user+sys) median {p['cpu_median_s']:.2f} s; train_seconds {p['train_seconds']}, eval_seconds {p['eval_seconds']} (from the run records)")
    for name in ("epoch", "eval"):
        if "breakdown" in results.get(name, {}):
            parts = ", ".join(
                f"{k} {v * 1e3:.1f} ms" if not k.endswith("_ms") else f"{k[:-3]} {v:.2f} ms"
                for k, v in results[name]["breakdown"].items()
            )
            print(f"{name} breakdown: {parts}")
    if "import_pytorch_lightning_s" in results.get("process", {}):
        p = results["process"]
        print(f"process: `import pytorch_lightning` alone {p['import_pytorch_lightning_s']:.2f} s wall, {p['import_pytorch_lightning_cpu_s']:.2f} s CPU")
    print(f"load average start/end: {results['load_average_start']} / {results['load_average_end']}; torch threads {results['torch_threads']}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
