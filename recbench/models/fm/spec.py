from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class FMConfig:
    embedding_dim: int = 16  # (int) size of each field value's vector
    init_std: float = 0.01  # (float) vectors start as N(0, init_std²); weights and bias at 0
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 1024  # (int) impressions per step


SPEC = ModelSpec(
    name="fm",
    model_class="recbench.models.fm.model:FactorizationMachine",
    config=FMConfig,
    tags=ModelTags(task="ctr", input_kind="impressions"),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [8, 16, 32, 64]},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-9, "high": 1e-4, "log": True},
    },
    description="Factorization machine: first-order weights plus Σ_{f<g} <v_f, v_g> over the categorical fields.",
)
