"""Fitting and scoring sequential models on small data, the way the platform does, for the checks.

Sequential models score histories, not user ids: every score here comes from the batches a
run's validation or test loop would hand the model (``SequenceDataModule.history_batch``).
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import pytorch_lightning as pl
import torch

from recbench.evaluation import RankingEvaluation, RankingEvaluator
from recbench.plugins import ModelSpec
from recbench.splitting import Split
from recbench.testing._harness import kit_hyperparameters, kit_trainer
from recbench.training import build_model
from recbench.training._datamodule import training_matrix
from recbench.training._run import quiet_lightning
from recbench.training._sequences import SequenceDataModule, sequence_datamodule

# Planted data gives a user about 16 training items: short histories and small batches give
# a model enough steps in the kit's few epochs.
KIT_OVERRIDES = {"batch_size": 16, "max_length": 20}


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Kit-sized tensors are tiny: on a shared CPU, synchronising threads costs far more than it saves."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def sequence_hyperparameters(spec: ModelSpec, overrides: dict | None = None) -> dict:
    values = kit_hyperparameters(spec, {k: v for k, v in KIT_OVERRIDES.items() if k in spec.defaults()})
    values.update(overrides or {})
    return values


def datamodule(spec: ModelSpec, split: Split, seed: int = 0, hyperparameters: dict | None = None) -> SequenceDataModule:
    return sequence_datamodule(split, spec, sequence_hyperparameters(spec, hyperparameters), seed)


def fit(spec: ModelSpec, split: Split, seed: int = 0, max_epochs: int = 20, hyperparameters: dict | None = None):
    """Build and fit ``spec``'s sequential model for a fixed number of epochs, validating every epoch as a run does."""
    quiet_lightning()
    values = sequence_hyperparameters(spec, hyperparameters)
    pl.seed_everything(seed, workers=True, verbose=False)
    model = build_model(spec, split.n_users, split.n_items, values)
    model.fit_matrix(training_matrix(split))
    trainer = kit_trainer(max_epochs, RankingEvaluation(RankingEvaluator(split, ["ndcg"], [10])))
    with one_thread():
        trainer.fit(model, datamodule=sequence_datamodule(split, spec, values, seed))
    model.eval()
    return model


@torch.no_grad()
def all_scores(model, split: Split, stage: str = "test", batch_users: int = 1024) -> torch.Tensor:
    """Scores [n_users, n_items] of every user from their ``stage`` history, ``batch_users`` at a time."""
    model.eval()
    module = SequenceDataModule(split, max_length=model.max_length, eval_batch_users=batch_users)
    parts = []
    with one_thread():
        for users in torch.split(torch.arange(split.n_users), batch_users):
            batch = module.history_batch(stage, users)
            parts.append(model.score_sequences(batch["users"], batch["sequences"], batch["lengths"]).float().cpu())
    return torch.cat(parts)


def held_out_ndcg(model, split: Split) -> float:
    evaluator = RankingEvaluator(split, ["ndcg"], [10])
    users = evaluator.users["test"]
    return float(evaluator.evaluate("test", users, all_scores(model, split)[users])["ndcg@10"].mean())
