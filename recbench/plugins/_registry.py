"""Discovery of model and dataset specs through entry points, failing soft.

A plugin that fails to import, or declares an invalid spec, becomes a warning
that names its distribution; every other plugin and the CLI keep working.
Set ``RECBENCH_DISABLE_PLUGINS`` to a comma-separated list of plugin names,
distribution names, or ``third-party`` to switch plugins off.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Callable

from recbench.errors import RecbenchError
from recbench.plugins._spec import INPUT_KINDS, TASKS, ModelSpec

GROUPS = {"models": "recbench.models", "datasets": "recbench.datasets"}
BUILTIN_DISTRIBUTION = "recbench"
DISABLE_VARIABLE = "RECBENCH_DISABLE_PLUGINS"


class PluginWarning(UserWarning):
    """A plugin was skipped; the message names it, its distribution and the fix."""


@dataclass
class PluginInfo:
    """One entry point as `recbench plugins list` shows it."""

    kind: str  # "models" or "datasets"
    name: str
    distribution: str
    version: str
    status: str  # "ok", "disabled", or "error: <reason>"
    spec: Any = None


@dataclass
class Registry:
    plugins: list[PluginInfo] = field(default_factory=list)

    def _ok(self, kind: str) -> dict[str, PluginInfo]:
        return {p.name: p for p in self.plugins if p.kind == kind and p.status == "ok"}

    def names(self, kind: str) -> list[str]:
        return sorted(self._ok(kind))

    def info(self, kind: str, name: str) -> PluginInfo:
        found = self._ok(kind)
        if name not in found:
            valid = ", ".join(sorted(found)) or "(none installed)"
            raise RecbenchError(f"unknown {kind[:-1]} '{name}'. Installed {kind}: {valid}")
        return found[name]

    def model(self, name: str) -> ModelSpec:
        return self.info("models", name).spec

    def dataset(self, name: str):
        return self.info("datasets", name).spec

    def register_with_hydra(self) -> None:
        """Turn every spec into a Hydra config node: `model=<name>` needs no YAML file."""
        from hydra.core.config_store import ConfigStore

        from recbench.config import DatasetConfig

        store = ConfigStore.instance()
        for name, plugin in self._ok("models").items():
            store.store(group="model", name=name, node=model_config_node(plugin.spec), provider=plugin.distribution)
        for name, plugin in self._ok("datasets").items():
            store.store(group="dataset", name=name, node=DatasetConfig(name=name), provider=plugin.distribution)


def model_config_node(spec: ModelSpec) -> type:
    """The spec's config dataclass plus a `name` field, so a record knows which model ran."""
    return dataclasses.make_dataclass(
        spec.config.__name__,
        [("name", str, dataclasses.field(default=spec.name))],
        bases=(spec.config,),
    )


def validate_model_spec(spec: Any, where: str) -> None:
    """Check a model spec's shape; the model class itself is checked when it is built."""
    if not isinstance(spec, ModelSpec):
        raise RecbenchError(f"{where}: entry point must yield a recbench.plugins.ModelSpec, got {type(spec).__name__}")
    if not (isinstance(spec.config, type) and dataclasses.is_dataclass(spec.config)):
        raise RecbenchError(f"{where}: spec.config must be a dataclass class (not an instance), got {spec.config!r}")
    missing = [f.name for f in dataclasses.fields(spec.config) if spec.defaults()[f.name] is dataclasses.MISSING]
    if missing:
        raise RecbenchError(f"{where}: config fields {missing} need defaults so `model={spec.name}` runs as is")
    if "name" in spec.defaults():
        raise RecbenchError(f"{where}: config may not define a field called 'name' (recbench adds it)")
    if spec.tags.task not in TASKS:
        raise RecbenchError(f"{where}: unknown task tag '{spec.tags.task}'; use one of {', '.join(TASKS)}")
    if spec.tags.input_kind not in INPUT_KINDS:
        raise RecbenchError(
            f"{where}: unknown input_kind tag '{spec.tags.input_kind}'; use one of {', '.join(INPUT_KINDS)}"
        )
    unknown = sorted(set(spec.search_space) - set(spec.defaults()))
    if unknown:
        raise RecbenchError(f"{where}: search space names {unknown}, which are not config fields")


def validate_dataset_spec(spec: Any, where: str) -> None:
    from recbench.data import DatasetSpec

    if not isinstance(spec, DatasetSpec):
        raise RecbenchError(f"{where}: entry point must yield a recbench.data.DatasetSpec, got {type(spec).__name__}")


VALIDATORS: dict[str, Callable[[Any, str], None]] = {"models": validate_model_spec, "datasets": validate_dataset_spec}


def _disabled(name: str, distribution: str) -> bool:
    words = {w.strip() for w in os.environ.get(DISABLE_VARIABLE, "").split(",") if w.strip()}
    third_party = distribution != BUILTIN_DISTRIBUTION
    return name in words or distribution in words or (third_party and "third-party" in words)


def _distribution(ep) -> str:
    return ep.dist.name if getattr(ep, "dist", None) else "unknown"


def discover() -> Registry:
    registry = Registry()
    for kind, group in GROUPS.items():
        seen: dict[str, PluginInfo] = {}
        for ep in sorted(entry_points(group=group), key=lambda e: (_distribution(e) != BUILTIN_DISTRIBUTION, e.name)):
            dist = _distribution(ep)
            version = ep.dist.version if ep.dist else "unknown"
            info = PluginInfo(kind, ep.name, dist, version, "ok")
            registry.plugins.append(info)
            if _disabled(ep.name, dist):
                info.status = "disabled"
                continue
            where = f"{kind[:-1]} plugin '{ep.name}' from distribution '{dist}' {version}"
            try:
                spec = ep.load()
                VALIDATORS[kind](spec, where)
                if spec.name != ep.name:
                    raise RecbenchError(f"{where}: entry point name and spec name '{spec.name}' differ; make them equal")
            except Exception as exc:  # a broken plugin must never take the CLI down
                reason = (
                    str(exc).removeprefix(f"{where}: ")
                    if isinstance(exc, RecbenchError)
                    else f"import failed: {type(exc).__name__}: {exc}"
                )
                info.status = f"error: {reason}"
                warnings.warn(
                    f"skipping {where}: {reason}. Fix or uninstall '{dist}', "
                    f"or set {DISABLE_VARIABLE}={ep.name} to silence this.",
                    PluginWarning,
                    stacklevel=2,
                )
                continue
            if ep.name in seen:
                first = seen[ep.name]
                info.status = f"error: name clashes with '{ep.name}' from '{first.distribution}'"
                warnings.warn(
                    f"skipping {where}: the name '{ep.name}' is already provided by distribution "
                    f"'{first.distribution}'. Uninstall one of the two, or set {DISABLE_VARIABLE}={dist}.",
                    PluginWarning,
                    stacklevel=2,
                )
                continue
            info.spec = spec
            seen[ep.name] = info
    return registry


_REGISTRY: Registry | None = None


def get_registry(refresh: bool = False) -> Registry:
    """The process-wide registry, discovered on first use (never at import time)."""
    global _REGISTRY
    if _REGISTRY is None or refresh:
        _REGISTRY = discover()
    return _REGISTRY
