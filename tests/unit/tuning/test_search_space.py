"""Search spaces: from the model spec or conf/search/, overridden on the command line, checked, sampled."""

from __future__ import annotations

import optuna
import pytest
from hydra.errors import ConfigCompositionException
from omegaconf import OmegaConf

from recbench.errors import RecbenchError
from recbench.plugins import get_registry
from recbench.tuning import parse_space


def space_of(cfg):
    return parse_space(OmegaConf.to_container(cfg.search), cfg.model)


def test_default_space_is_the_model_specs(compose_tune):
    for model in ("bpr", "itemknn"):
        space = space_of(compose_tune(f"model={model}"))
        assert space.as_dict() == {name: dict(d) for name, d in get_registry().model(model).search_space.items()}


def test_command_line_narrows_adds_and_removes_dimensions(compose_tune):
    cfg = compose_tune(
        "model=bpr", "search.lr.high=0.05", "~search.weight_decay",
        "+search.batch_size={type:categorical,choices:[512,1024]}",
    )
    space = space_of(cfg).as_dict()
    assert space["lr"] == {"type": "float", "low": 1e-4, "high": 0.05, "log": True}
    assert "weight_decay" not in space
    assert space["batch_size"] == {"type": "categorical", "choices": [512, 1024]}


def test_yaml_space_from_the_search_group(compose_tune):
    space = space_of(compose_tune("model=itemknn", "search=itemknn-grid"))
    assert space.grid() == {"neighbours": [10, 50, 100, 200, 500], "shrink": [0.0, 50.0, 100.0]}
    assert space.grid_size() == 15


def test_mistyped_dimension_key_is_named_by_hydra(compose_tune):
    with pytest.raises(ConfigCompositionException) as caught:
        compose_tune("model=bpr", "search.lr.hgih=0.1")
    assert "hgih" in str(caught.value.__cause__ or caught.value)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["+search.embeding_dim={type:int,low:8,high:64}"], "search.embeding_dim: model 'bpr' has no hyperparameter 'embeding_dim'"),
        (["+search.lr.hgih=0.1"], "search.lr: unknown key 'hgih'"),
        (["search.lr.type=flaot"], "search.lr.type='flaot' is not one of float, int, categorical"),
        (["search.lr.low=0"], "search.lr:"),  # log scale needs a positive lower bound
        (["search.lr.low=0.5", "search.lr.log=false"], "search.lr:"),  # low > high
        (["search.embedding_dim.choices=[]"], "non-empty list of choices"),
        (["search.embedding_dim.choices=[sixteen]"], "'sixteen' does not fit model.embedding_dim"),
        (["+search.num_negatives={type:int,low:1.5,high:4}"], "an int dimension needs whole numbers"),
        (["+search.num_negatives={type:float,low:1,high:4}"], "does not fit model.num_negatives"),
        (["search.embedding_dim.choices=[0,16]"], "search.embedding_dim=[0, 16] is out of range for bpr: use each value in [1, inf)"),
    ],
)
def test_bad_space_is_one_clear_error(compose_tune, overrides, message):
    with pytest.raises(RecbenchError, match=None) as caught:
        space_of(compose_tune("model=bpr", *overrides))
    assert message in str(caught.value)


def test_empty_space_says_there_is_nothing_to_tune(compose_tune):
    with pytest.raises(RecbenchError, match="empty search space"):
        space_of(compose_tune("model=pop"))


def test_grid_needs_a_step_for_floats(compose_tune):
    space = space_of(compose_tune("model=bpr"))
    with pytest.raises(RecbenchError, match=r"search.lr: the grid sampler needs a finite set of values"):
        space.grid()


def test_sampled_values_lie_in_the_space_and_have_the_fields_types(compose_tune):
    space = space_of(compose_tune("model=bpr", "+search.num_negatives={type:int,low:1,high:5}"))
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    for _ in range(20):
        trial = study.ask()
        params = space.suggest(trial)
        study.tell(trial, 0.0)
        assert params["embedding_dim"] in (32, 64, 128, 256)
        assert 1e-4 <= params["lr"] <= 1e-2 and isinstance(params["lr"], float)
        assert 1 <= params["num_negatives"] <= 5 and isinstance(params["num_negatives"], int)
    assert len({t.params["lr"] for t in study.trials}) == 20
