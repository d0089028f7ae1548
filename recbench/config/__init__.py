"""Typed schemas of the Hydra config groups, registered with Hydra's ConfigStore.

YAML files under conf/ and the nodes generated from plugin specs supply values;
these dataclasses fix the keys and their types, so a mistyped key is an error
that names it.
"""

from recbench.config._schema import (
    BenchmarkConfig,
    DatasetConfig,
    ProtocolConfig,
    SplitConfig,
    TrainConfig,
    TrainerConfig,
    register_schemas,
)

__all__ = [
    "BenchmarkConfig",
    "DatasetConfig",
    "ProtocolConfig",
    "SplitConfig",
    "TrainConfig",
    "TrainerConfig",
    "register_schemas",
]
