"""Puts installed recbench plugins' own conf/ folders on Hydra's search path.

Hydra discovers this through its ``hydra_plugins`` namespace package, so a plugin's
``conf/<group>/<name>.yaml`` is found by `recbench train`, `benchmark` and `tune` alike.
"""

from hydra.core.config_search_path import ConfigSearchPath
from hydra.plugins.search_path_plugin import SearchPathPlugin


class RecbenchPluginConfigs(SearchPathPlugin):
    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        # Hydra runs every installed search-path plugin for every app; only recbench's own
        # apps should pay for plugin discovery.
        if not any(element.path == "pkg://recbench.conf" for element in search_path.get_path()):
            return
        from recbench.plugins import get_registry

        for path in get_registry().config_dirs():
            search_path.append(provider="recbench-plugin", path=path)
