"""Hyperparameter ranges: interval notation, shared names, a spec's own bounds, lists checked per element."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from recbench.errors import RecbenchError
from recbench.plugins import ModelSpec, check_hyperparameters, get_registry
from recbench.plugins._bounds import Interval, bounds_of


@dataclass
class NetConfig:
    embedding_dim: int = 8
    dropout: float = 0.1
    layers: list = field(default_factory=lambda: [4, 2])
    temperature: float = 1.0


SPEC = ModelSpec("net", "somewhere:Net", NetConfig, bounds={"layers": "[1, inf)", "temperature": "(0, 10]"})


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("[1, inf)", [1, 7, 1e9], [0, 0.5, -1]),
        ("(0, 1)", [1e-9, 0.5], [0, 1, float("nan")]),
        ("[0, 1]", [0, 1], [-1e-9, 1.01]),
        ("(-inf, 0]", [-5, 0], [1e-9]),
    ],
)
def test_interval_ends_open_or_closed(text, inside, outside):
    interval = Interval.parse(text)
    assert all(value in interval for value in inside)
    assert not any(value in interval for value in outside)


@pytest.mark.parametrize("text", ["1 to 8", "[1, )", "(a, 2]", "[1; 2]", 5])
def test_malformed_interval_is_refused(text):
    with pytest.raises(RecbenchError, match="is not an interval"):
        Interval.parse(text)


def test_shared_names_get_their_range_and_the_spec_adds_its_own():
    bounds = {name: interval.text for name, interval in bounds_of(SPEC).items()}
    assert bounds == {"embedding_dim": "[1, inf)", "dropout": "[0, 1)", "layers": "[1, inf)", "temperature": "(0, 10]"}


def test_a_spec_bound_overrides_the_shared_one():
    spec = ModelSpec("net", "somewhere:Net", NetConfig, bounds={"embedding_dim": "[0, inf)"})
    check_hyperparameters(spec, {"embedding_dim": 0})
    with pytest.raises(RecbenchError):
        check_hyperparameters(SPEC, {"embedding_dim": 0})


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"embedding_dim": 0}, "model.embedding_dim=0 is out of range for net: use a value in [1, inf) (default 8)"),
        ({"dropout": 1.0}, "model.dropout=1.0 is out of range for net: use a value in [0, 1) (default 0.1)"),
        ({"layers": [4, 0]}, "model.layers=[4, 0] is out of range for net: use each value in [1, inf) (default [4, 2])"),
        ({"temperature": 11.0}, "model.temperature=11.0 is out of range for net: use a value in (0, 10] (default 1.0)"),
    ],
)
def test_a_value_out_of_range_is_named_with_its_range_and_default(values, message):
    with pytest.raises(RecbenchError) as caught:
        check_hyperparameters(SPEC, values)
    assert str(caught.value) == message


def test_values_inside_their_ranges_and_other_types_pass():
    check_hyperparameters(SPEC, {"embedding_dim": 1, "dropout": 0.0, "layers": [1], "temperature": 10.0, "unbounded": -3})
    check_hyperparameters(SPEC, {"dropout": None})  # null means "the model's own default" to some models


def test_every_installed_model_accepts_its_own_defaults():
    registry = get_registry()
    for name in registry.names("models"):
        spec = registry.model(name)
        check_hyperparameters(spec, spec.defaults())
