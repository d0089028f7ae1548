from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class LogisticRegressionConfig:
    lr: float = 0.01  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 1024  # (int) impressions per step


SPEC = ModelSpec(
    name="lr",
    model_class="recbench.models.lr.model:LogisticRegression",
    config=LogisticRegressionConfig,
    tags=ModelTags(task="ctr", input_kind="impressions"),
    search_space={
        "lr": {"type": "float", "low": 1e-4, "high": 1e-1, "log": True},
        "weight_decay": {"type": "float", "low": 1e-9, "high": 1e-4, "log": True},
    },
    description="Logistic regression: sigmoid(b + Σ_f w_f[x_f]) over the categorical fields, binary cross-entropy.",
)
