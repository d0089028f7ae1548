"""Fitting and scoring a model on small data, the way the platform does, for the checks."""

from __future__ import annotations

import copy
import hashlib
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytorch_lightning as pl
import torch

from recbench.data import Interactions
from recbench.data._dataset import remap_ids
from recbench.evaluation import RankingEvaluation, RankingEvaluator
from recbench.plugins import ModelSpec
from recbench.splitting import Split, make_split
from recbench.testing._synthetic import planted_interactions
from recbench.training import InteractionDataModule, build_model
from recbench.training._datamodule import training_matrix
from recbench.training._run import quiet_lightning


def planted_split(seed: int = 0, extra_users_without_training: int = 0, **kwargs) -> Split:
    """A per-user 80/10/10 split of :func:`planted_interactions`.

    ``extra_users_without_training`` adds users that appear only in the test split.
    """
    rows = planted_interactions(seed=seed, **kwargs)
    frame = pd.DataFrame(rows, columns=["user", "item", "rating", "timestamp"])
    frame, user_ids, item_ids = remap_ids(frame)
    data = Interactions("planted", frame, len(user_ids), len(item_ids), user_ids, item_ids, "planted", {}, {})
    split = make_split(data, {"kind": "ratio", "ratios": [0.8, 0.1, 0.1], "seed": seed})
    if extra_users_without_training:
        new = np.arange(split.n_users, split.n_users + extra_users_without_training)
        cold = pd.DataFrame({"user": new, "item": new % split.n_items})
        split.test = pd.concat([split.test, cold], ignore_index=True)
        split.n_users += extra_users_without_training
    return split


def with_other_held_out(split: Split, seed: int = 1) -> Split:
    """The same training data with different validation and test interactions."""
    rng = np.random.default_rng(seed)
    seen = set(zip(split.train["user"], split.train["item"]))
    parts = {}
    for stage in ("valid", "test"):
        frame = split.stage(stage).copy()
        items = rng.integers(0, split.n_items, len(frame))
        for index, user in enumerate(frame["user"]):
            while (user, items[index]) in seen:
                items[index] = rng.integers(0, split.n_items)
        frame["item"] = items
        parts[stage] = frame.drop_duplicates(["user", "item"]).reset_index(drop=True)
    fingerprint = hashlib.sha256(split.fingerprint.encode() + b"other").hexdigest()
    return Split(split.train, parts["valid"], parts["test"], split.n_users, split.n_items, fingerprint)


def kit_hyperparameters(spec: ModelSpec, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, with small batches where the model has them so tiny data gives enough steps,
    then the spec's own ``kit_hyperparameters`` and the check's ``overrides``."""
    values = spec.defaults()
    if "batch_size" in values:
        values["batch_size"] = 64
    values.update(spec.kit_hyperparameters)
    values.update(overrides or {})
    return values


class BestValidationWeights(pl.Callback):
    """Keeps the weights of the epoch with the best validation score, as a run's checkpoint does."""

    def __init__(self, monitor: str):
        self.monitor = monitor
        self.best: float | None = None
        self.state: dict | None = None

    def on_validation_end(self, trainer, pl_module):
        value = trainer.callback_metrics.get(self.monitor)
        if value is not None and (self.best is None or float(value) > self.best):
            self.best = float(value)
            self.state = copy.deepcopy(pl_module.state_dict())

    def restore(self, model: pl.LightningModule) -> None:
        if self.state is not None:
            model.load_state_dict(self.state)


def kit_trainer(max_epochs: int, evaluation: pl.Callback, processes: int = 1, extra: list[pl.Callback] = ()) -> pl.Trainer:
    """A quiet, deterministic CPU trainer that validates every epoch through ``evaluation``, as a run does."""
    return pl.Trainer(
        max_epochs=max_epochs,
        accelerator="cpu",
        devices=processes,
        # spawn, not re-running the command line: the trained weights return to this process
        strategy="ddp_spawn" if processes > 1 else "auto",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        deterministic=True,
        callbacks=[evaluation, *extra],
    )


def reloaded(model: pl.LightningModule, history) -> pl.LightningModule:
    """``model`` saved as a Lightning checkpoint and loaded back, with its training ``history`` attached again."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.ckpt"
        torch.save(
            {"state_dict": model.state_dict(), "hyper_parameters": dict(model.hparams), "pytorch-lightning_version": pl.__version__},
            path,
        )
        restored = type(model).load_from_checkpoint(path, map_location="cpu", weights_only=False)
    restored.attach_history(history)
    return restored


def fit(
    spec: ModelSpec,
    split: Split,
    seed: int = 0,
    max_epochs: int = 20,
    hyperparameters: dict | None = None,
    processes: int = 1,
    keep_best: bool = False,
):
    """Build and fit ``spec``'s model for a fixed number of epochs (with DDP when ``processes`` > 1).

    As in a real run, the evaluation callback validates every epoch, so everything a
    model could reach during fit in production is reachable here too; there is no early
    stopping, so held-out data may not influence the weights through the platform.
    ``keep_best`` returns the weights of the epoch with the best validation NDCG@10, as a
    run's checkpoint does, so a model that overfits late is judged as a run would judge it.
    """
    quiet_lightning()
    if processes > 1:  # the default (file descriptors in /dev/shm) fails where shared memory is limited
        torch.multiprocessing.set_sharing_strategy("file_system")
    values = kit_hyperparameters(spec, hyperparameters)
    pl.seed_everything(seed, workers=True, verbose=False)
    model = build_model(spec, split.n_users, split.n_items, values)
    model.fit_matrix(training_matrix(split))
    if spec.tags.input_kind != "none":
        datamodule = InteractionDataModule(
            split,
            spec.tags.input_kind,
            batch_size=values.get("batch_size", 64),
            num_negatives=values.get("num_negatives", 1),
            seed=seed,
        )
        best = [BestValidationWeights("valid/ndcg@10")] if keep_best else []
        trainer = kit_trainer(max_epochs, RankingEvaluation(RankingEvaluator(split, ["ndcg"], [10])), processes, best)
        trainer.fit(model, datamodule=datamodule)
        for callback in best:
            callback.restore(model)
    model.eval()
    return model


@torch.no_grad()
def all_scores(model, n_users: int, batch_users: int = 1024) -> torch.Tensor:
    model.eval()
    users = torch.arange(n_users)
    return torch.cat([model.score_users(chunk).float().cpu() for chunk in torch.split(users, batch_users)])


def held_out_ndcg(model, split: Split) -> float:
    evaluator = RankingEvaluator(split, ["ndcg"], [10])
    users = evaluator.users["test"]
    return float(evaluator.evaluate("test", users, all_scores(model, split.n_users)[users])["ndcg@10"].mean())
