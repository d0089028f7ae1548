"""RecommenderModel's shortcuts around Lightning's per-step bookkeeping keep Lightning's behaviour."""

import torch
from torch import nn

from recbench.models.bpr.model import BPR


def test_a_cpu_batch_is_handed_over_as_it_is():
    model = BPR(n_users=3, n_items=4)
    batch = {"users": torch.tensor([0, 1]), "positives": torch.tensor([2, 3]), "negatives": torch.tensor([[1], [0]])}
    assert model.transfer_batch_to_device(batch, torch.device("cpu"), 0) is batch


def test_a_batch_for_another_device_is_still_moved():
    model = BPR(n_users=3, n_items=4)
    batch = {"users": torch.tensor([0, 1]), "negatives": torch.tensor([[1], [0]])}
    moved = model.transfer_batch_to_device(batch, torch.device("meta"), 0)
    assert {name: tensor.device.type for name, tensor in moved.items()} == {"users": "meta", "negatives": "meta"}


def test_the_hook_name_is_a_plain_attribute_and_modules_still_register():
    model = BPR(n_users=3, n_items=4)
    model._current_fx_name = "training_step"
    assert model._current_fx_name == "training_step"
    assert "_current_fx_name" not in model._modules and "_current_fx_name" not in model._parameters
    model.extra = nn.Linear(2, 2)
    model.scale = nn.Parameter(torch.ones(1))
    assert "extra" in model._modules and "scale" in model._parameters
