from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class SVDppConfig:
    embedding_dim: int = 64  # (int) size of user, item and implicit factor vectors
    regularisation: float = 0.1  # (float) L2 weight on ||p_u||² + ||q_i||² of every rating in the batch
    bias_regularisation: float = 0.1  # (float) L2 weight on b_u² + b_i² of every rating in the batch
    implicit_regularisation: float = 1.0  # (float) L2 weight on the mean ||y_j||² over the rating's user's items
    init_std: float = 0.1  # (float) factors start as N(0, init_std²); biases start at 0
    lr: float = 0.003  # (float) Adam learning rate
    batch_size: int = 1024  # (int) ratings per step


SPEC = ModelSpec(
    name="svdpp",
    model_class="recbench.models.svdpp.model:SVDpp",
    config=SVDppConfig,
    tags=ModelTags(task="rating", input_kind="ratings"),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [16, 32, 64, 128]},
        "regularisation": {"type": "float", "low": 1e-3, "high": 1.0, "log": True},
        "implicit_regularisation": {"type": "float", "low": 1e-2, "high": 10.0, "log": True},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
    },
    description="SVD++ (Koren, 2008): r̂ = μ + b_u + b_i + q_i·(p_u + |N(u)|^-½ Σ_{j∈N(u)} y_j), N(u) the user's training items.",
)
