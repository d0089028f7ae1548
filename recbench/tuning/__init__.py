"""Hyperparameter search with Optuna: studies that resume, workers that share them, final runs that count.

Each trial is one ``recbench.training.run`` with sampled hyperparameters and the seed fixed,
judged on the validation metric only. After the search, the best configuration is re-run
with ``tune.final_seeds``; those run records carry a ``tuning`` section (study, budget,
search space) and are the ones whose test metrics enter a leaderboard.

Names are imported on first use: composing a config (``recbench tune --cfg job``) needs the
search spaces, not torch and Lightning.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Budget": "recbench.tuning._budget",
    "PruningCallback": "recbench.tuning._pruning",
    "SearchSpace": "recbench.tuning._space",
    "parse_space": "recbench.tuning._space",
    "register_search_spaces": "recbench.tuning._space",
    "TuneResult": "recbench.tuning._study",
    "prepare": "recbench.tuning._study",
    "tune": "recbench.tuning._study",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'recbench.tuning' has no attribute '{name}'")
    return getattr(importlib.import_module(_WHERE[name]), name)


def __dir__() -> list[str]:
    return __all__
