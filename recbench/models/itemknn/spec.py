from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class ItemKNNConfig:
    neighbours: int = 100  # (int) similar items kept per item
    shrink: float = 0.0  # (float) added to the cosine denominator; damps similarities of rare items


SPEC = ModelSpec(
    name="itemknn",
    model_class="recbench.models.itemknn.model:ItemKNN",
    config=ItemKNNConfig,
    tags=ModelTags(task="ranking", input_kind="none", supports_ddp=True, folds_in=True),
    search_space={
        "neighbours": {"type": "int", "low": 5, "high": 1000, "log": True},
        "shrink": {"type": "float", "low": 0.0, "high": 1000.0},
    },
    description="Score = sum of cosine similarities to the user's items, top-k neighbours per item.",
)
