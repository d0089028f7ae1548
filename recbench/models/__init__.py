"""Models: each learns from the training data it is handed and returns scores.

Built-in models live in one folder each: ``spec.py`` (typed config, tags, search
space; imported at start-up through the ``recbench.models`` entry points) and
``model.py`` (the Lightning module, imported only when a run builds it).
"""

__all__ = ["RecommenderModel"]


def __getattr__(name: str):
    # Lazy: spec modules live in this package, and loading a spec must not import Lightning.
    if name == "RecommenderModel":
        from recbench.models.base import RecommenderModel

        return RecommenderModel
    raise AttributeError(name)
