from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class IALSConfig:
    factors: int = 64  # (int) size of user and item vectors
    regularization: float = 20.0  # (float) L2 penalty lambda on every user and item vector
    alpha: float = 1.0  # (float) confidence of an observed pair is 1 + alpha (unobserved: 1)
    iterations: int = 15  # (int) alternating passes (users, then items)
    solver: str = "cg"  # (str) exact (batched Cholesky) or cg (conjugate gradient, warm-started)
    cg_steps: int = 3  # (int) conjugate gradient steps per row and pass when solver=cg


SPEC = ModelSpec(
    name="ials",
    model_class="recbench.models.ials.model:IALS",
    config=IALSConfig,
    tags=ModelTags(task="ranking", input_kind="none", supports_ddp=True),
    search_space={
        "factors": {"type": "categorical", "choices": [32, 64, 128, 256]},
        "regularization": {"type": "float", "low": 1e-3, "high": 1e3, "log": True},
        "alpha": {"type": "float", "low": 0.1, "high": 100.0, "log": True},
        "iterations": {"type": "int", "low": 5, "high": 30},
    },
    description="Weighted MF, confidence 1 + alpha on observed pairs, fitted by ALS (exact or CG solves).",
)
