"""Typed schemas of the Hydra config groups, registered with Hydra's ConfigStore.

YAML files under conf/ and the nodes generated from plugin specs supply values;
these dataclasses fix the keys and their types, so a mistyped key is an error
that names it.
"""

from recbench.config._schema import (
    BenchmarkConfig,
    CompressConfig,
    CSVLoggerConfig,
    DatasetConfig,
    ProtocolConfig,
    CandidatesConfig,
    SearchDimension,
    SplitConfig,
    TensorBoardLoggerConfig,
    TrainConfig,
    TrainerConfig,
    TuneCommandConfig,
    TuneConfig,
    WandbLoggerConfig,
    register_schemas,
)

__all__ = [
    "BenchmarkConfig",
    "CompressConfig",
    "CSVLoggerConfig",
    "DatasetConfig",
    "ProtocolConfig",
    "CandidatesConfig",
    "SearchDimension",
    "SplitConfig",
    "TensorBoardLoggerConfig",
    "TrainConfig",
    "TrainerConfig",
    "TuneCommandConfig",
    "TuneConfig",
    "WandbLoggerConfig",
    "register_schemas",
]
