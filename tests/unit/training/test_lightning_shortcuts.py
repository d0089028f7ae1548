"""recbench's shortcuts around Lightning's per-step bookkeeping keep Lightning's behaviour."""

import warnings

import pytorch_lightning as pl
import torch
from torch import nn

from recbench.models.bpr.model import BPR
from recbench.testing._harness import planted_split
from recbench.training import InteractionDataModule


def _datamodule():
    return InteractionDataModule(planted_split(), "triples", batch_size=64)


def test_a_cpu_batch_is_handed_over_as_it_is():
    batch = {"users": torch.tensor([0, 1]), "positives": torch.tensor([2, 3]), "negatives": torch.tensor([[1], [0]])}
    assert _datamodule().transfer_batch_to_device(batch, torch.device("cpu"), 0) is batch


def test_a_batch_for_another_device_is_still_moved():
    batch = {"users": torch.tensor([0, 1]), "negatives": torch.tensor([[1], [0]])}
    moved = _datamodule().transfer_batch_to_device(batch, torch.device("meta"), 0)
    assert {name: tensor.device.type for name, tensor in moved.items()} == {"users": "meta", "negatives": "meta"}


def test_fitting_warns_about_no_overridden_hook():
    split = planted_split()
    model = BPR(split.n_users, split.n_items, batch_size=64)
    trainer = pl.Trainer(max_epochs=1, logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False, limit_val_batches=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(model, datamodule=InteractionDataModule(split, "triples", batch_size=64))
    assert not [w for w in caught if "overridden" in str(w.message)]


def test_the_hook_name_is_a_plain_attribute_and_modules_still_register():
    model = BPR(n_users=3, n_items=4)
    model._current_fx_name = "training_step"
    assert model._current_fx_name == "training_step"
    assert "_current_fx_name" not in model._modules and "_current_fx_name" not in model._parameters
    model.extra = nn.Linear(2, 2)
    model.scale = nn.Parameter(torch.ones(1))
    assert "extra" in model._modules and "scale" in model._parameters
