from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class BiasedMFConfig:
    embedding_dim: int = 64  # (int) size of user and item factor vectors
    regularisation: float = 0.1  # (float) L2 weight on ||p_u||² + ||q_i||² of every rating in the batch
    bias_regularisation: float = 0.1  # (float) L2 weight on b_u² + b_i² of every rating in the batch
    init_std: float = 0.1  # (float) factors start as N(0, init_std²); biases start at 0
    lr: float = 0.003  # (float) Adam learning rate
    batch_size: int = 1024  # (int) ratings per step


SPEC = ModelSpec(
    name="biasedmf",
    model_class="recbench.models.biasedmf.model:BiasedMF",
    config=BiasedMFConfig,
    tags=ModelTags(task="rating", input_kind="ratings"),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [16, 32, 64, 128, 256]},
        "regularisation": {"type": "float", "low": 1e-3, "high": 1.0, "log": True},
        "bias_regularisation": {"type": "float", "low": 1e-3, "high": 1.0, "log": True},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
    },
    description="FunkSVD: r̂ = μ + b_u + b_i + p_u·q_i, squared error plus L2 on the parameters each rating touches.",
)
