from dataclasses import dataclass, field

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class NeuMFRatingConfig:
    embedding_dim: int = 32  # (int) size of the GMF tower's user and item vectors
    mlp_embedding_dim: int = 32  # (int) size of the MLP tower's user and item vectors
    mlp_layers: list[int] = field(default_factory=lambda: [64, 32, 16])  # (list[int]) MLP tower hidden widths, first to last
    dropout: float = 0.0  # (float) dropout before every MLP tower layer
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 1e-5  # (float) Adam L2 penalty
    batch_size: int = 256  # (int) ratings per step


SPEC = ModelSpec(
    name="neumf-rating",
    model_class="recbench.models.neumf_rating.model:NeuMFRating",
    config=NeuMFRatingConfig,
    tags=ModelTags(task="rating", input_kind="ratings"),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [8, 16, 32, 64]},
        "mlp_embedding_dim": {"type": "categorical", "choices": [16, 32, 64]},
        "dropout": {"type": "float", "low": 0.0, "high": 0.5},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-7, "high": 1e-3, "log": True},
    },
    description="NeuMF regression: μ + h^T [p_u ⊙ q_i ; MLP([p'_u ; q'_i])] + b, trained on squared error.",
)
