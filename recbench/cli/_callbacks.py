"""Hydra callbacks of recbench's commands: checks that must run before Hydra touches the disk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from recbench.cli._errors import user_errors
from recbench.errors import RecbenchError


def check_output_folder(key: str, folder: str) -> None:
    """Refuse a folder that cannot be created or written, naming the key that chose it.

    Hydra creates its output folder before recbench's code runs, and a file in the way would
    end in a chain of pathlib tracebacks.
    """
    existing = Path(folder).absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise RecbenchError(f"{key}={folder}: {existing} is a file, not a folder; give a folder path (missing folders are created)")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise RecbenchError(f"{key}={folder}: cannot write in {existing}; give a folder you can write to")


class CheckOutputFolders(Callback):
    """Check ``results_dir`` and Hydra's run or sweep folder before the run or sweep starts."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._check(config, "hydra.run.dir")

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        self._check(config, "hydra.sweep.dir")

    @staticmethod
    def _check(config: DictConfig, hydra_key: str) -> None:
        with user_errors():
            check_output_folder("results_dir", str(config.results_dir))
            check_output_folder(hydra_key, str(OmegaConf.select(config, hydra_key)))
