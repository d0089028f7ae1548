"""One run: data -> split -> model -> Lightning fit -> evaluation -> record."""

from recbench.training._datamodule import InteractionDataModule
from recbench.training._protocol import describe as describe_protocol
from recbench.training._run import RunResult, build_model, run

__all__ = ["InteractionDataModule", "RunResult", "build_model", "describe_protocol", "run"]
