"""One run: data -> split -> model -> Lightning fit -> evaluation -> record."""

from recbench.training._datamodule import InteractionDataModule
from recbench.training._run import RunResult, build_model, run

__all__ = ["InteractionDataModule", "RunResult", "build_model", "run"]
