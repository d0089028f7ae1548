"""Extension points: specs that plugins (built-in ones included) expose through entry points.

Entry-point groups: ``recbench.models`` (a :class:`ModelSpec`) and
``recbench.datasets`` (a :class:`recbench.data.DatasetSpec`). Nothing here
imports a concrete model; a model class is imported when a run builds it.
"""

from recbench.plugins._bounds import SHARED_BOUNDS, check_hyperparameters
from recbench.plugins._registry import Registry, get_registry
from recbench.plugins._spec import INPUT_KINDS, TASKS, ModelSpec, ModelTags

__all__ = ["INPUT_KINDS", "SHARED_BOUNDS", "TASKS", "ModelSpec", "ModelTags", "Registry", "check_hyperparameters", "get_registry"]
