"""A plugin's own YAML (conf/<group>/<name>.yaml, on Hydra's search path) overrides its generated config."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest
from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import ConfigCompositionException

from recbench.config import register_schemas
from recbench.plugins import ModelSpec, get_registry
from recbench.plugins._registry import PluginInfo, Registry


@dataclass
class ShippedConfig:
    factor: int = 8
    similarity: str = "cosine"


class ShippedModel:
    def __init__(self, n_users, n_items, factor=8, similarity="cosine"):
        pass


@pytest.fixture
def shipped_plugin(tmp_path, monkeypatch):
    package = tmp_path / "shipped_plugin"
    (package / "conf" / "model").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "conf" / "model" / "shipped.yaml").write_text("defaults:\n  - shipped_defaults\n\nsimilarity: jaccard\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = ModelSpec(name="shipped", model_class=ShippedModel, config=ShippedConfig)
    registry = Registry([PluginInfo("models", "shipped", "shipped-plugin", "1.0", "ok", spec, package="shipped_plugin")])
    yield registry
    sys.modules.pop("shipped_plugin", None)


def _compose(registry, *overrides):
    register_schemas()
    get_registry().register_with_hydra()  # the installed datasets and models
    registry.register_with_hydra()
    GlobalHydra.instance().clear()
    with initialize_config_module(config_module="recbench.conf", version_base="1.3"):
        return compose(
            config_name="train",
            overrides=[f"hydra.searchpath=[{','.join(registry.config_dirs())}]", "model=shipped", *overrides],
        )


def test_the_plugins_conf_folder_joins_the_search_path(shipped_plugin):
    assert shipped_plugin.config_dirs() == ["pkg://shipped_plugin.conf"]


def test_shipped_yaml_overrides_the_generated_defaults_and_stays_typed(shipped_plugin):
    cfg = _compose(shipped_plugin)
    assert (cfg.model.name, cfg.model.factor, cfg.model.similarity) == ("shipped", 8, "jaccard")
    with pytest.raises(ConfigCompositionException, match="model.facotr"):
        _compose(shipped_plugin, "model.facotr=3")
    with pytest.raises(ConfigCompositionException, match="factor"):
        _compose(shipped_plugin, "model.factor=many")
