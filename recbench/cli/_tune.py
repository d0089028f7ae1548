"""`recbench tune`: compose like `recbench train`, search with Optuna, re-run the best with the final seeds."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from recbench.cli._errors import check_protocol_section_overrides, user_errors
from recbench.cli._hydra_apps import CONFIG_MODULE, reproduce_command


def _key(override: str) -> str:
    return override.split("=", 1)[0].lstrip("+~")


def train_command(overrides: list[str], choices: dict[str, str]) -> list[str]:
    """`recbench train` with the study's fixed choices and overrides; each run adds its hyperparameters and seed."""
    kept = [o for o in overrides if _key(o) != "seed" and not _key(o).startswith(("tune.", "search"))]
    words = shlex.split(reproduce_command(kept, choices, seed=0))
    return [word for word in words if not word.startswith("seed=")]


@hydra.main(version_base="1.3", config_path=CONFIG_MODULE, config_name="tune")
def tune_app(cfg: DictConfig) -> float:
    from recbench.tuning import tune

    hydra_config = HydraConfig.get()
    overrides = list(hydra_config.overrides.task)
    with user_errors():
        result = tune(cfg, train_command(overrides, dict(hydra_config.runtime.choices)), overrides)
    print(result.summary)
    print(f"study files: {result.job.study_dir}")
    if result.final_records:
        print(f"records: {Path(cfg.results_dir) / 'runs'}")
    return result.best.value


def tune_command(argv: list[str]) -> None:
    from recbench.config import register_schemas
    from recbench.plugins import get_registry
    from recbench.tuning import register_search_spaces

    register_schemas()
    registry = get_registry()
    registry.register_with_hydra()
    register_search_spaces(registry)
    with user_errors():
        check_protocol_section_overrides(argv, "tune")
    sys.argv = [sys.argv[0], *argv]
    tune_app()
