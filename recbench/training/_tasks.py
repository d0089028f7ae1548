"""What each task brings to a run: its evaluation callback, its data module, its selection direction.

A task adds one builder to ``TASKS``; ``run()`` stays the same for every task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pytorch_lightning as pl
from omegaconf import DictConfig
from torch import Tensor

from recbench.evaluation import RankingEvaluation, RankingEvaluator
from recbench.plugins import ModelSpec, get_registry
from recbench.splitting import Split
from recbench.training._ctr import ctr
from recbench.training._datamodule import InteractionDataModule
from recbench.training._ratings import rating
from recbench.training._sequences import sequential


@dataclass
class TaskParts:
    """``evaluation`` keeps per-user metrics in ``results[stage]`` (a ``user`` tensor plus one tensor per
    metric) and logs ``valid/<valid_metric>``; ``mode`` says whether that metric is better high or low.
    An evaluation with a ``summary(stage)`` method gives the record's aggregate metrics itself (global
    RMSE is not a mean over users); otherwise the record holds the mean over users.
    ``train_matrix`` is what ``fit_matrix`` receives (the rating task hands over ratings);
    None gives the 0/1 training interaction matrix. ``model_facts`` are dataset facts the model's
    constructor takes beside n_users and n_items (the ctr task's feature ``fields``)."""

    evaluation: pl.Callback
    datamodule: pl.LightningDataModule
    mode: str = "max"
    train_matrix: Tensor | None = None
    model_facts: dict[str, Any] = field(default_factory=dict)


def ranking(split: Split, spec: ModelSpec, hyperparameters: dict[str, Any], cfg: DictConfig) -> TaskParts:
    protocol = cfg.protocol
    metrics = [get_registry().metric(name) for name in protocol.metrics]
    evaluator = RankingEvaluator(split, metrics, list(protocol.cutoffs))
    datamodule = InteractionDataModule(
        split,
        spec.tags.input_kind,
        batch_size=hyperparameters.get("batch_size", 2048),
        num_negatives=hyperparameters.get("num_negatives", 1),
        eval_batch_users=cfg.trainer.eval_batch_users,
        seed=cfg.seed,
    )
    return TaskParts(RankingEvaluation(evaluator, logged=[protocol.valid_metric]), datamodule, "max")


TASKS: dict[str, Callable[[Split, ModelSpec, dict[str, Any], DictConfig], TaskParts]] = {
    "ranking": ranking,
    "sequential": sequential,
    "rating": rating,
    "ctr": ctr,
}
