"""SASRec epoch time on ML-1M: recbench (Lightning) against a plain PyTorch loop of the same model.

Both paths train the same module (``recbench.models.sasrec.model.SASRec``, defaults with
``max_length`` 200: d=64, 2 blocks, 1 head, dropout 0.2, full softmax cross-entropy, Adam
lr 1e-3) on the same leave-one-out-by-time split of ML-1M (``loo-time-full``), built in
this process:

- ``recbench``: a fresh ``pl.Trainer(max_epochs=1, limit_val_batches=0, logger=False,
  enable_checkpointing=False, ...)`` fitting the model on ``SequenceDataModule`` (batches of
  similar history length, right-padded, cut from one flat tensor).
- ``plain-grouped``: a ``for`` loop over the same batches (the same data module's iterator),
  ``loss.backward()``, ``optimizer.step()``: what Lightning adds is the difference.
- ``plain-padded``: a ``for`` loop as a stand-alone SASRec script writes it: every user's
  last 201 training items in one [users, 201] tensor built once, shuffled rows, full-width
  batches. The same loss on the same targets, but more positions to compute (padding).

Samples of the paths alternate so that load on the machine falls on all alike; medians
of wall seconds are printed. ``--batches N`` times the first N batches of each epoch only.

Run::

    RECBENCH_DATA_DIR=/path/to/folder .venv/bin/python benchmarks/speed_sasrec.py --threads 1 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings

import pytorch_lightning as pl
import torch

from recbench.data import load_dataset
from recbench.plugins import get_registry
from recbench.splitting import make_split
from recbench.training import build_model
from recbench.training._run import quiet_lightning
from recbench.training._sequences import SequenceDataModule

LOO = {"kind": "loo", "order": "time", "min_history": 3, "seed": 2020}


def setup(max_length: int):
    registry = get_registry()
    dataset = registry.dataset("ml-1m")
    options = {"name": "ml-1m", "rating_threshold": None, "user_min": 0, "item_min": 0, "duplicates": "first"}
    data = load_dataset(dataset, options, None, None, download=False)
    split = make_split(data, LOO, timestamps=dataset.timestamps)
    spec = registry.model("sasrec")
    hyperparameters = {**spec.defaults(), "max_length": max_length}
    return split, spec, hyperparameters


def fresh_model(spec, split, hyperparameters):
    torch.manual_seed(0)
    return build_model(spec, split.n_users, split.n_items, hyperparameters)


def time_recbench(spec, split, hyperparameters, batches: int | None) -> float:
    model = fresh_model(spec, split, hyperparameters)
    module = SequenceDataModule(split, max_length=hyperparameters["max_length"], batch_size=hyperparameters["batch_size"])
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        limit_val_batches=0,
        limit_train_batches=batches or 1.0,
    )
    started = time.perf_counter()
    trainer.fit(model, datamodule=module)
    return time.perf_counter() - started


def plain_steps(model, optimizer, batches) -> None:
    pad = model.padding_index
    for sequences in batches:
        inputs, targets = sequences[:, :-1], sequences[:, 1:]
        real = targets != pad
        hidden = model.encode(None, inputs)
        loss = torch.nn.functional.cross_entropy(model.item_logits(hidden[real]), targets[real])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def time_plain_grouped(spec, split, hyperparameters, batches: int | None) -> float:
    model = fresh_model(spec, split, hyperparameters)
    optimizer = torch.optim.Adam(model.parameters(), lr=hyperparameters["lr"], betas=(0.9, 0.98))
    module = SequenceDataModule(split, max_length=hyperparameters["max_length"], batch_size=hyperparameters["batch_size"])
    started = time.perf_counter()
    stream = (batch["sequences"] for batch in module.train_dataloader())
    plain_steps(model, optimizer, (b for i, b in enumerate(stream) if batches is None or i < batches))
    return time.perf_counter() - started


def padded_rows(split, length: int) -> torch.Tensor:
    """Every training user's last ``length`` items, right-padded: one [users, length] tensor."""
    module = SequenceDataModule(split, max_length=length - 1)
    sequences, _ = module.train_sequences.last(module.training_users, length)
    full = torch.full((len(sequences), length), split.n_items)
    full[:, : sequences.shape[1]] = sequences
    return full


def time_plain_padded(spec, split, hyperparameters, rows: torch.Tensor, batches: int | None) -> float:
    model = fresh_model(spec, split, hyperparameters)
    optimizer = torch.optim.Adam(model.parameters(), lr=hyperparameters["lr"], betas=(0.9, 0.98))
    size = hyperparameters["batch_size"]
    started = time.perf_counter()
    shuffled = rows[torch.randperm(len(rows))]
    chunks = torch.split(shuffled, size)
    plain_steps(model, optimizer, chunks[:batches] if batches else chunks)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--max-length", type=int, default=200)
    parser.add_argument("--batches", type=int, default=None, help="time only the first N batches of each epoch")
    parser.add_argument("--out", default=None, help="write every sample as JSON here")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    quiet_lightning()
    warnings.filterwarnings("ignore", ".*limit_train_batches.*")
    split, spec, hyperparameters = setup(args.max_length)
    rows = padded_rows(split, args.max_length + 1)
    samples: dict[str, list[float]] = {"recbench": [], "plain-grouped": [], "plain-padded": []}
    for _ in range(args.repeats):
        samples["recbench"].append(time_recbench(spec, split, hyperparameters, args.batches))
        samples["plain-grouped"].append(time_plain_grouped(spec, split, hyperparameters, args.batches))
        samples["plain-padded"].append(time_plain_padded(spec, split, hyperparameters, rows, args.batches))
        print({name: round(values[-1], 2) for name, values in samples.items()}, flush=True)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"\nSASRec epoch on ML-1M (max_length {args.max_length}, threads {torch.get_num_threads()}, batches {args.batches or 'all'})")
    print("| path | median s | recbench / path |")
    print("|---|---:|---:|")
    for name, value in medians.items():
        print(f"| {name} | {value:.1f} | {medians['recbench'] / value:.2f} |")
    if args.out:
        with open(args.out, "w") as handle:
            json.dump({"args": vars(args), "samples": samples, "medians": medians}, handle, indent=2)


if __name__ == "__main__":
    main()
