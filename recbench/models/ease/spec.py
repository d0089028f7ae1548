from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class EASEConfig:
    l2: float = 300.0  # (float) L2 penalty lambda added to the diagonal of the item Gram matrix


SPEC = ModelSpec(
    name="ease",
    model_class="recbench.models.ease.model:EASE",
    config=EASEConfig,
    tags=ModelTags(task="ranking", input_kind="none", supports_ddp=True, folds_in=True),
    search_space={
        "l2": {"type": "float", "low": 1.0, "high": 1e5, "log": True},
    },
    bounds={"l2": "(0, inf)"},  # λ > 0 keeps XᵀX + λI positive definite, so the Cholesky solve exists
    description="Closed form B = I - P diag(1/diag(P)), P = (XᵀX + λI)⁻¹, diag(B) = 0; score = x_u B.",
)
