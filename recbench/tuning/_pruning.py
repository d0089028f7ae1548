"""Report the validation metric to Optuna after every training epoch, and stop a hopeless trial."""

from __future__ import annotations

import optuna
import pytorch_lightning as pl
from pytorch_lightning.trainer.states import TrainerFn


class PruningCallback(pl.Callback):
    """Reports ``monitor`` (e.g. ``valid/ndcg@10``) at step = epochs trained, and raises
    ``optuna.TrialPruned`` when the pruner says so; the exception leaves the run before its
    test evaluation and record, and Optuna marks the trial pruned.

    Only validations during fitting are reported: the final validation of the best
    checkpoint, and closed-form models that never fit, report nothing.
    """

    def __init__(self, trial: optuna.Trial, monitor: str) -> None:
        self.trial = trial
        self.monitor = monitor

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if trainer.sanity_checking or trainer.state.fn != TrainerFn.FITTING:
            return
        value = trainer.callback_metrics.get(self.monitor)
        if value is None:
            return
        epochs_trained = trainer.current_epoch + 1
        self.trial.report(float(value), step=epochs_trained)
        if self.trial.should_prune():
            raise optuna.TrialPruned(f"{self.monitor}={float(value):.6g} after {epochs_trained} epochs")
