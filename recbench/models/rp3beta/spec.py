from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class RP3betaConfig:
    alpha: float = 1.0  # (float) exponent applied to the transition probabilities
    beta: float = 0.6  # (float) popularity penalty: weights to item j are divided by popularity(j)^beta
    neighbours: int = 100  # (int) most similar items kept per item
    normalize: bool = True  # (bool) rescale each item's kept weights to sum to one


SPEC = ModelSpec(
    name="rp3beta",
    model_class="recbench.models.rp3beta.model:RP3beta",
    config=RP3betaConfig,
    tags=ModelTags(task="ranking", input_kind="none", supports_ddp=True, folds_in=True),
    search_space={
        "alpha": {"type": "float", "low": 0.0, "high": 2.0},
        "beta": {"type": "float", "low": 0.0, "high": 2.0},
        "neighbours": {"type": "int", "low": 5, "high": 1000, "log": True},
        "normalize": {"type": "categorical", "choices": [False, True]},
    },
    description="Item-item weights from user-item-user-item walk probabilities^alpha / popularity^beta, top-k per item.",
)
