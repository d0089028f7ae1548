from __future__ import annotations

import pytorch_lightning as pl
import torch

from recbench.evaluation._ranking import RankingEvaluator


class RankingEvaluation(pl.Callback):
    """Turns the scores a model returns from ``validation_step``/``test_step`` into metrics.

    Batches are user-id chunks [B] (or dicts with a ``users`` entry, e.g. sequences);
    outputs are scores [B, n_items]. At the end of each
    stage the mean of each metric in ``logged`` (all by default) is logged through Lightning
    as ``valid/<metric>`` or ``test/<metric>`` (what early stopping and checkpointing
    monitor) and the per-user values of every metric are kept in ``results[stage]`` for the
    run record. Logging costs about 1 ms per metric, so runs log only what they monitor.
    """

    def __init__(self, evaluator: RankingEvaluator, logged: list[str] | None = None):
        self.evaluator = evaluator
        self.logged = logged
        self.results: dict[str, dict[str, torch.Tensor]] = {}
        self._parts: list[tuple[torch.Tensor, dict[str, torch.Tensor]]] = []

    def _collect(self, stage: str, batch, scores: torch.Tensor) -> None:
        users = batch["users"] if isinstance(batch, dict) else batch
        values = self.evaluator.evaluate(stage, users, scores.detach())
        self._parts.append((users.cpu(), {name: v.cpu() for name, v in values.items()}))

    def _finish(self, stage: str, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        users = torch.cat([u for u, _ in self._parts]) if self._parts else torch.empty(0, dtype=torch.long)
        names = self.evaluator.metric_keys()
        per_user = {
            name: torch.cat([values[name] for _, values in self._parts]) if self._parts else torch.empty(0, dtype=torch.float64)
            for name in names
        }
        self._parts = []
        if trainer.world_size > 1:  # each process evaluated a slice of the users: gather every slice
            users = _gather(pl_module, users)
            per_user = {name: _gather(pl_module, values) for name, values in per_user.items()}
        self.results[stage] = {"user": users, **per_user}
        logged = {name: v for name, v in per_user.items() if self.logged is None or name in self.logged}
        pl_module.log_dict({f"{stage}/{name}": v.mean().float() for name, v in logged.items()}, batch_size=len(users))

    def on_validation_epoch_start(self, trainer, pl_module):
        self._parts = []

    def on_validation_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0):
        self._collect("valid", batch, outputs)

    def on_validation_epoch_end(self, trainer, pl_module):
        self._finish("valid", trainer, pl_module)

    def on_test_epoch_start(self, trainer, pl_module):
        self._parts = []

    def on_test_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0):
        self._collect("test", batch, outputs)

    def on_test_epoch_end(self, trainer, pl_module):
        self._finish("test", trainer, pl_module)


def _gather(pl_module: pl.LightningModule, values: torch.Tensor) -> torch.Tensor:
    """Concatenate every process's 1-d tensor in rank order (exact: values are gathered, not averaged)."""
    sizes = pl_module.all_gather(torch.tensor([len(values)], device=pl_module.device)).reshape(-1).cpu()
    padded = torch.zeros(int(sizes.max()), dtype=values.dtype)
    padded[: len(values)] = values
    gathered = pl_module.all_gather(padded.to(pl_module.device)).cpu()
    return torch.cat([gathered[rank, : int(size)] for rank, size in enumerate(sizes)])
