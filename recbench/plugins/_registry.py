"""Discovery of model and dataset specs through entry points, failing soft.

A plugin that fails to import, or declares an invalid spec, becomes a warning
that names its distribution; every other plugin and the CLI keep working.
Set ``RECBENCH_DISABLE_PLUGINS`` to a comma-separated list of plugin names,
distribution names, or ``third-party`` to switch plugins off.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import warnings
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Callable

from recbench.errors import RecbenchError, RecbenchWarning
from recbench.plugins._bounds import bounds_of, out_of_range
from recbench.plugins._spec import INPUT_KINDS, TASKS, ModelSpec

GROUPS = {"models": "recbench.models", "datasets": "recbench.datasets", "metrics": "recbench.metrics"}
BUILTIN_DISTRIBUTION = "recbench"
DISABLE_VARIABLE = "RECBENCH_DISABLE_PLUGINS"


class PluginWarning(RecbenchWarning):
    """A plugin was skipped; the message names it, its distribution and the fix."""


@dataclass
class PluginInfo:
    """One entry point as `recbench plugins list` shows it."""

    kind: str  # "models", "datasets" or "metrics"
    name: str
    distribution: str
    version: str
    status: str  # "ok", "disabled", or "error: <reason>"
    spec: Any = None
    package: str = ""  # top-level import package of the entry point, where its own conf/ may live


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

    def metric(self, name: str):
        return self.info("metrics", name).spec

    def config_dirs(self) -> list[str]:
        """Hydra search-path entries (``pkg://<package>.conf``) of third-party plugins that ship a conf/ folder."""
        packages = sorted({p.package for p in self.plugins if p.status == "ok" and p.distribution != BUILTIN_DISTRIBUTION})
        return [f"pkg://{package}.conf" for package in packages if _conf_folder(package) is not None]

    def register_with_hydra(self) -> None:
        """Turn every spec into a Hydra config node: `model=<name>` needs no YAML file.

        Each generated node is stored as ``<group>/<name>_defaults``, and as ``<group>/<name>``
        unless a plugin ships ``conf/<group>/<name>.yaml``: that file then is the config
        (found through Hydra's search path, see ``config_dirs``) and stays typed by listing
        ``<name>_defaults`` in its defaults list.
        """
        from hydra.core.config_store import ConfigStore

        from recbench.config import DatasetConfig

        store = ConfigStore.instance()
        shipped = {
            f"{folder.name}/{path.stem}"
            for package in {p.package for p in self.plugins if p.status == "ok"}
            if (conf := _conf_folder(package)) is not None
            for folder in conf.iterdir()
            if folder.is_dir()
            for path in folder.glob("*.yaml")
        }
        nodes = [("model", name, p, model_config_node(p.spec)) for name, p in self._ok("models").items()]
        nodes += [("dataset", name, p, DatasetConfig(name=name, **p.spec.defaults)) for name, p in self._ok("datasets").items()]
        for group, name, plugin, node in nodes:
            store.store(group=group, name=f"{name}_defaults", node=node, provider=plugin.distribution)
            if f"{group}/{name}" not in shipped or plugin.distribution == BUILTIN_DISTRIBUTION:
                store.store(group=group, name=name, node=node, provider=plugin.distribution)


def _conf_folder(package: str) -> Path | None:
    """``<package>/conf`` if the installed package has one; found without importing the package."""
    if package in ("", "recbench"):
        return None
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    for location in (found.submodule_search_locations or []) if found else []:
        if (Path(location) / "conf").is_dir():
            return Path(location) / "conf"
    return None


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
    for part in ("search_space", "kit_hyperparameters", "bounds"):
        unknown = sorted(set(getattr(spec, part)) - set(spec.defaults()))
        if unknown:
            raise RecbenchError(f"{where}: {part} names {unknown}, which are not config fields")
    _check_within_bounds(spec, where)


def _check_within_bounds(spec: ModelSpec, where: str) -> None:
    """The defaults, the kit's values and the search space all lie inside each field's range."""
    try:
        bounds = bounds_of(spec)
    except RecbenchError as exc:
        raise RecbenchError(f"{where}: {exc}") from None
    defaults = spec.defaults()
    for name, interval in bounds.items():
        dimension = spec.search_space.get(name, {})
        given = {
            "default": defaults[name],
            "kit_hyperparameters": spec.kit_hyperparameters.get(name),
            "search_space": [dimension.get(end) for end in ("low", "high") if dimension.get(end) is not None]
            + list(dimension.get("choices") or []),
        }
        for part, value in given.items():
            outside = out_of_range(value, interval)
            if outside is not None:
                raise RecbenchError(f"{where}: {part} gives {name}={outside}, outside its range {interval.text} (spec.bounds)")


def validate_dataset_spec(spec: Any, where: str) -> None:
    from recbench.data import DatasetSpec

    if not isinstance(spec, DatasetSpec):
        raise RecbenchError(f"{where}: entry point must yield a recbench.data.DatasetSpec, got {type(spec).__name__}")
    from recbench.config import DatasetConfig

    unknown = sorted(set(spec.defaults) - {f.name for f in dataclasses.fields(DatasetConfig)} | ({"name"} & set(spec.defaults)))
    if unknown:
        raise RecbenchError(f"{where}: defaults {unknown} are not dataset options (see recbench.config.DatasetConfig)")


def validate_metric_spec(spec: Any, where: str) -> None:
    from recbench.metrics import METRIC_TYPES

    if not isinstance(spec, METRIC_TYPES):
        names = " or ".join(f"recbench.metrics.{t.__name__}" for t in METRIC_TYPES)
        raise RecbenchError(f"{where}: entry point must yield a {names}, got {type(spec).__name__}")
    if not callable(spec.function):
        raise RecbenchError(f"{where}: spec.function must be callable, got {spec.function!r}")


VALIDATORS: dict[str, Callable[[Any, str], None]] = {
    "models": validate_model_spec,
    "datasets": validate_dataset_spec,
    "metrics": validate_metric_spec,
}


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
            package = getattr(ep, "value", "").partition(":")[0].partition(".")[0]
            info = PluginInfo(kind, ep.name, dist, version, "ok", package=package)
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
