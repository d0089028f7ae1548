"""Which models `recbench benchmark` runs when no models=[...] is given."""

from __future__ import annotations

import pytest
import torch

from recbench.cli._hydra_apps import default_suite
from recbench.plugins import get_registry


def test_the_default_suite_is_every_ranking_model_but_those_heavy_on_a_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    registry = get_registry()
    names, left_out = default_suite(registry, "auto")
    assert {"pop", "itemknn", "bpr", "neumf"} <= set(names)
    assert left_out == ["convncf"] and "convncf" not in names
    assert all(registry.model(n).tags.task == "ranking" for n in names)
    assert "sasrec" not in names and "fm" not in names


@pytest.mark.parametrize("accelerator, included", [("auto", True), ("gpu", True), ("cpu", False)])
def test_a_gpu_brings_heavy_models_back_unless_the_run_asks_for_the_cpu(monkeypatch, accelerator, included):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    names, left_out = default_suite(get_registry(), accelerator)
    assert ("convncf" in names) is included and (left_out == []) is included
