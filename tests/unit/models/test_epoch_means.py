"""RecommenderModel.log_epoch_mean: one weighted mean per epoch, as self.log(on_epoch=True) would give."""

from __future__ import annotations

import pytorch_lightning as pl
import torch
from torch import Tensor, nn

from recbench.models.base import RecommenderModel

# Per step: (value logged, weight); two epochs of three batches each.
STEPS = [(1.0, 4), (2.0, 1), (4.0, 3)]


class Logging(RecommenderModel):
    def __init__(self):
        super().__init__(n_users=1, n_items=1)
        self.weight = nn.Parameter(torch.zeros(()))
        self.epoch_values: list[float] = []

    def training_step(self, batch: Tensor, batch_idx: int) -> Tensor:
        value, weight = STEPS[batch_idx]
        offset = 10.0 * self.current_epoch  # each epoch's mean must be its own
        self.log_epoch_mean("train/loss", torch.tensor(value + offset), weight)
        self.log_epoch_mean("train/plain_float", value, weight)
        return (self.weight - value) ** 2

    def on_train_epoch_end(self) -> None:
        super().on_train_epoch_end()
        self.epoch_values.append(float(self.trainer.callback_metrics["train/loss"]))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.0)


def fit(model: Logging, tmp_path, epochs: int = 2) -> pl.Trainer:
    trainer = pl.Trainer(
        max_epochs=epochs,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=tmp_path,
    )
    trainer.fit(model, train_dataloaders=torch.utils.data.DataLoader(torch.zeros(len(STEPS)), batch_size=1))
    return trainer


def test_each_epoch_logs_the_weighted_mean_of_its_own_steps(tmp_path):
    model = Logging()
    trainer = fit(model, tmp_path)
    expected = (1.0 * 4 + 2.0 * 1 + 4.0 * 3) / 8  # 2.25
    assert model.epoch_values == [expected, expected + 10.0]
    assert float(trainer.callback_metrics["train/plain_float"]) == expected


def test_the_running_means_stay_out_of_checkpoints(tmp_path):
    model = Logging()
    fit(model, tmp_path, epochs=1)
    assert list(model.state_dict()) == ["weight"]
    fresh = Logging()
    fresh.load_state_dict(model.state_dict())  # a model that never logged loads it strictly
