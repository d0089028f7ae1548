"""Models: each learns from the training data it is handed and returns scores.

Built-in models live in one folder each: ``spec.py`` (typed config, tags, search
space; imported at start-up through the ``recbench.models`` entry points) and
``model.py`` (the Lightning module, imported only when a run builds it).
"""

from recbench.models.base import RecommenderModel

__all__ = ["RecommenderModel"]
