"""Samplers and pruners by name, as `tune.sampler` and `tune.pruner` choose them."""

from __future__ import annotations

import importlib.util

import optuna

from recbench.errors import RecbenchError
from recbench.tuning._space import SearchSpace

SAMPLERS = ("tpe", "random", "grid", "cmaes", "gp")
PRUNERS = ("none", "median", "hyperband")


def check_sampler(name: str, space: SearchSpace) -> None:
    """Reject, before any trial runs, a sampler that cannot serve this space or is not installed."""
    if name not in SAMPLERS:
        raise RecbenchError(f"tune.sampler={name!r} is not one of {', '.join(SAMPLERS)}")
    if name == "grid":
        space.grid()  # raises naming a dimension without a finite set of values
    if name == "cmaes":
        if importlib.util.find_spec("cmaes") is None:
            raise RecbenchError("tune.sampler=cmaes needs the cmaes package: pip install 'recbench[tune]'")
        if all(d.type == "categorical" for d in space.dimensions):
            raise RecbenchError("tune.sampler=cmaes needs at least one numeric dimension; use tpe, random or grid")


def make_sampler(name: str, space: SearchSpace, seed: int) -> optuna.samplers.BaseSampler:
    if name == "tpe":
        # The constant liar treats running trials as bad results, so parallel workers spread out.
        return optuna.samplers.TPESampler(seed=seed, constant_liar=True)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "grid":
        return optuna.samplers.GridSampler(space.grid(), seed=seed)
    if name == "cmaes":
        # Categorical dimensions are sampled independently (CMA-ES needs numbers); say so once, not per trial.
        return optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    return optuna.samplers.GPSampler(seed=seed)


def make_pruner(name: str, warmup_epochs: int, max_epochs: int) -> optuna.pruners.BasePruner:
    """Steps are epochs trained (1, 2, ...), so warm-up and resources are counted in epochs."""
    if name not in PRUNERS:
        raise RecbenchError(f"tune.pruner={name!r} is not one of {', '.join(PRUNERS)}")
    if name == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=warmup_epochs)
    if name == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=max(1, warmup_epochs), max_resource=max_epochs, reduction_factor=3)
    return optuna.pruners.NopPruner()
