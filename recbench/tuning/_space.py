"""A model's search space: read from the ``search`` config node, checked against the model's
config, and sampled through an Optuna trial.

A dimension is written as a model spec's ``search_space`` entry, e.g.
``{"type": "float", "low": 1e-4, "high": 1e-1, "log": True}``; see
``recbench.config.SearchDimension`` for every key.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Mapping

import optuna
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from recbench.config import SearchDimension
from recbench.errors import RecbenchError
from recbench.plugins import check_hyperparameters, get_registry

TYPES = ("float", "int", "categorical")
KEYS = tuple(f.name for f in dataclasses.fields(SearchDimension))
DEFAULTS = {f.name: f.default for f in dataclasses.fields(SearchDimension)}
GRID_LIMIT = 10_000  # points of one dimension; beyond this a grid is a mistake, not a plan


def normalised(dimension: Mapping[str, Any]) -> dict[str, Any]:
    """Every key of SearchDimension present, so each one can be overridden without a leading `+`."""
    return {key: dimension.get(key, DEFAULTS[key]) for key in KEYS}


def register_search_spaces(registry) -> None:
    """One `search/<model>` config node per installed model, holding its spec's space."""
    from hydra.core.config_store import ConfigStore

    store = ConfigStore.instance()
    for name in registry.names("models"):
        info = registry.info("models", name)
        space = {key: normalised(value) for key, value in info.spec.search_space.items()}
        store.store(group="search", name=name, node=space, provider=info.distribution)


@dataclass(frozen=True)
class Dimension:
    name: str
    type: str
    low: Any = None
    high: Any = None
    log: bool = False
    step: Any = None
    choices: tuple | None = None

    def distribution(self) -> optuna.distributions.BaseDistribution:
        if self.type == "categorical":
            return optuna.distributions.CategoricalDistribution(self.choices)
        if self.type == "int":
            return optuna.distributions.IntDistribution(self.low, self.high, log=self.log, step=self.step or 1)
        return optuna.distributions.FloatDistribution(self.low, self.high, log=self.log, step=self.step)

    def suggest(self, trial: optuna.Trial) -> Any:
        if self.type == "categorical":
            return trial.suggest_categorical(self.name, self.choices)
        if self.type == "int":
            return trial.suggest_int(self.name, self.low, self.high, step=self.step or 1, log=self.log)
        return trial.suggest_float(self.name, self.low, self.high, step=self.step, log=self.log)

    def contains(self, value: Any) -> bool:
        """Whether a trial of this dimension could sample ``value``."""
        if self.type == "categorical":
            return any(value == choice and type(value) is type(choice) for choice in self.choices)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not self.low <= value <= self.high:
            return False
        if self.type == "int" and value != int(value):
            return False
        return self.step is None or math.isclose((value - self.low) / self.step, round((value - self.low) / self.step), abs_tol=1e-9)

    def grid_values(self) -> list:
        if self.type == "categorical":
            return list(self.choices)
        if self.type == "float" and self.step is None:
            raise RecbenchError(
                f"search.{self.name}: the grid sampler needs a finite set of values; "
                f"give it a step (search.{self.name}.step=...) or make it categorical"
            )
        step = self.step or 1
        count = math.floor((self.high - self.low) / step + 1e-9) + 1
        if count > GRID_LIMIT:
            raise RecbenchError(f"search.{self.name}: {count} grid points; use a larger step or another sampler")
        values = [self.low + i * step for i in range(count)]
        return values if self.type == "float" else [int(v) for v in values]


@dataclass(frozen=True)
class SearchSpace:
    dimensions: tuple[Dimension, ...]

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.dimensions]

    def suggest(self, trial: optuna.Trial) -> dict[str, Any]:
        return {d.name: d.suggest(trial) for d in self.dimensions}

    def inside(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The entries of ``values`` (a model config) that a trial could sample, by dimension."""
        return {d.name: values[d.name] for d in self.dimensions if d.name in values and d.contains(values[d.name])}

    def grid(self) -> dict[str, list]:
        return {d.name: d.grid_values() for d in self.dimensions}

    def grid_size(self) -> int:
        return math.prod(len(values) for values in self.grid().values())

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Plain JSON, for the study's identity and the records; only the keys that are set."""
        described = {}
        for d in self.dimensions:
            entry = {k: v for k, v in dataclasses.asdict(d).items() if k != "name" and v is not None}
            if not d.log:
                entry.pop("log")
            if "choices" in entry:
                entry["choices"] = list(entry["choices"])
            described[d.name] = entry
        return described


def _number(name: str, key: str, value: Any, whole: bool) -> Any:
    if value is None:
        raise RecbenchError(f"search.{name}: a numeric dimension needs '{key}'")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RecbenchError(f"search.{name}.{key}={value!r} is not a finite number")
    if whole:
        if value != int(value):
            raise RecbenchError(f"search.{name}.{key}={value!r}: an int dimension needs whole numbers")
        return int(value)
    return float(value)


def parse_dimension(name: str, raw: Any) -> Dimension:
    if not isinstance(raw, Mapping):
        raise RecbenchError(f"search.{name} must be a mapping such as {{type: float, low: 0.001, high: 0.1, log: true}}")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise RecbenchError(f"search.{name}: unknown key {unknown[0]!r}; a dimension has {', '.join(KEYS)}")
    kind = raw.get("type")
    if kind not in TYPES:
        raise RecbenchError(f"search.{name}.type={kind!r} is not one of {', '.join(TYPES)}")
    if kind == "categorical":
        choices = raw.get("choices")
        if not choices or isinstance(choices, (str, Mapping)):
            raise RecbenchError(f"search.{name}: a categorical dimension needs a non-empty list of choices")
        if any(c is not None and not isinstance(c, (bool, int, float, str)) for c in choices):
            raise RecbenchError(f"search.{name}: categorical choices must be numbers, strings, booleans or null")
        return Dimension(name, kind, choices=tuple(choices))
    whole = kind == "int"
    low, high = _number(name, "low", raw.get("low"), whole), _number(name, "high", raw.get("high"), whole)
    step = None if raw.get("step") is None else _number(name, "step", raw.get("step"), whole)
    log = bool(raw.get("log", False))
    dimension = Dimension(name, kind, low, high, log, step)
    try:
        dimension.distribution()  # Optuna's own checks: low <= high, log needs low > 0, no step with log
    except ValueError as exc:
        raise RecbenchError(f"search.{name}: {exc}") from None
    return dimension


def parse_space(search: Mapping[str, Any], model_config: DictConfig) -> SearchSpace:
    """Check every dimension and that its values fit the model's typed config; raise naming the key."""
    model_name = model_config.name
    fields = [key for key in model_config if key != "name"]
    if not search:
        raise RecbenchError(
            f"model '{model_name}' has an empty search space, so there is nothing to tune; add a dimension "
            "(+search.<field>={type: float, low: ..., high: ...}) or use `recbench train`"
        )
    dimensions = []
    for name in sorted(search):
        if name not in fields:
            known = ", ".join(fields) or "none"
            raise RecbenchError(f"search.{name}: model '{model_name}' has no hyperparameter '{name}' (its hyperparameters: {known})")
        dimension = parse_dimension(name, search[name])
        _check_fits(dimension, model_config)
        dimensions.append(dimension)
    return SearchSpace(tuple(dimensions))


def _check_fits(dimension: Dimension, model_config: DictConfig) -> None:
    values = dimension.choices if dimension.type == "categorical" else (dimension.low, dimension.high)
    for value in values:
        probe = copy.deepcopy(model_config)
        try:
            OmegaConf.update(probe, dimension.name, value)
        except OmegaConfBaseException as exc:
            first_line = str(exc).splitlines()[0]
            raise RecbenchError(f"search.{dimension.name}: {value!r} does not fit model.{dimension.name} ({first_line})") from None
    check_hyperparameters(get_registry().model(model_config.name), {dimension.name: list(values)}, where="search")
