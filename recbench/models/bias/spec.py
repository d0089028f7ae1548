from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class BiasConfig:
    user_regularisation: float = 15.0  # (float) λ_u: shrinks each user's bias toward 0, like λ_u extra ratings of the mean
    item_regularisation: float = 10.0  # (float) λ_i: the same for each item's bias
    iterations: int = 10  # (int) alternating closed-form passes; 1 is Koren's decoupled estimate


SPEC = ModelSpec(
    name="bias",
    model_class="recbench.models.bias.model:BiasBaseline",
    config=BiasConfig,
    tags=ModelTags(task="rating", input_kind="none"),
    search_space={
        "user_regularisation": {"type": "float", "low": 0.1, "high": 100.0, "log": True},
        "item_regularisation": {"type": "float", "low": 0.1, "high": 100.0, "log": True},
    },
    description="r̂ = μ + b_u + b_i: regularised least-squares biases by alternating closed-form updates.",
)
