from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class UserKNNConfig:
    neighbours: int = 50  # (int) most similar users kept per user
    shrink: float = 10.0  # (float) added to the cosine denominator; damps similarities of users with few items


SPEC = ModelSpec(
    name="userknn",
    model_class="recbench.models.userknn.model:UserKNN",
    config=UserKNNConfig,
    tags=ModelTags(task="ranking", input_kind="none", supports_ddp=True),
    search_space={
        "neighbours": {"type": "int", "low": 5, "high": 1000, "log": True},
        "shrink": {"type": "float", "low": 0.0, "high": 1000.0},
    },
    description="Score = cosine-similarity-weighted sum of the top-k most similar users' training rows.",
)
