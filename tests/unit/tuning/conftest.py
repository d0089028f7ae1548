from __future__ import annotations

import pytest
from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra

from recbench.config import register_schemas
from recbench.plugins import get_registry
from recbench.tuning import register_search_spaces


@pytest.fixture(scope="session")
def compose_tune():
    """Compose `recbench tune`'s config in this process, as the command does, from overrides."""
    register_schemas()
    registry = get_registry()
    registry.register_with_hydra()
    register_search_spaces(registry)

    def composed(*overrides: str):
        GlobalHydra.instance().clear()
        with initialize_config_module(config_module="recbench.conf", version_base="1.3"):
            return compose(config_name="tune", overrides=list(overrides))

    return composed
