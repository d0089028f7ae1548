"""Every sampler tune.sampler names proposes values inside the space; the grid visits each point once."""

from __future__ import annotations

import importlib.util

import optuna
import pytest
from omegaconf import OmegaConf

from recbench.errors import RecbenchError
from recbench.tuning import parse_space
from recbench.tuning._samplers import SAMPLERS, check_sampler, make_pruner, make_sampler


def space_of(cfg):
    return parse_space(OmegaConf.to_container(cfg.search), cfg.model)


@pytest.mark.parametrize("name", SAMPLERS)
@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")
def test_sampler_proposes_values_in_the_space(compose_tune, name):
    if name == "cmaes" and importlib.util.find_spec("cmaes") is None:
        pytest.skip("cmaes is not installed (pip install 'recbench[tune]')")
    space = space_of(compose_tune("model=itemknn", "search=itemknn-grid") if name == "grid" else compose_tune("model=itemknn"))
    check_sampler(name, space)
    study = optuna.create_study(direction="maximize", sampler=make_sampler(name, space, seed=0))
    study.optimize(lambda trial: float(sum(space.suggest(trial).values())), n_trials=4)
    for trial in study.trials:
        assert 5 <= trial.params["neighbours"] <= 1000 and 0.0 <= trial.params["shrink"] <= 1000.0
    if name == "grid":
        assert len({tuple(t.params.values()) for t in study.trials}) == 4


def test_cmaes_needs_a_numeric_dimension(compose_tune):
    space = space_of(compose_tune("model=bpr", "~search.lr", "~search.weight_decay"))
    if importlib.util.find_spec("cmaes") is None:
        pytest.skip("cmaes is not installed")
    with pytest.raises(RecbenchError, match="at least one numeric dimension"):
        check_sampler("cmaes", space)


def test_pruners_count_epochs():
    assert isinstance(make_pruner("none", 1, 10), optuna.pruners.NopPruner)
    assert make_pruner("median", 3, 10)._n_warmup_steps == 3
    assert isinstance(make_pruner("hyperband", 1, 10), optuna.pruners.HyperbandPruner)
