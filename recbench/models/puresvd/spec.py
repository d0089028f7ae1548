from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class PureSVDConfig:
    factors: int = 20  # (int) singular vectors kept


SPEC = ModelSpec(
    name="puresvd",
    model_class="recbench.models.puresvd.model:PureSVD",
    config=PureSVDConfig,
    tags=ModelTags(task="ranking", input_kind="none", supports_ddp=True, folds_in=True),
    search_space={
        "factors": {"type": "int", "low": 5, "high": 1000, "log": True},
    },
    description="X ≈ U S Vᵀ truncated to the top singular vectors; score = x_u V Vᵀ.",
)
