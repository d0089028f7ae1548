from dataclasses import dataclass, field

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class MLPConfig:
    embedding_dim: int = 32  # (int) size of user and item vectors fed to the perceptron
    mlp_layers: list[int] = field(default_factory=lambda: [64, 32, 16])  # (list[int]) hidden layer widths, first to last
    dropout: float = 0.0  # (float) dropout before every perceptron layer
    lr: float = 0.005  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 2048  # (int) observed pairs per step
    num_negatives: int = 4  # (int) uniform negatives per observed pair, each a 0-labelled example


SPEC = ModelSpec(
    name="mlp",
    model_class="recbench.models.mlp.model:MLP",
    config=MLPConfig,
    tags=ModelTags(task="ranking", input_kind="triples", supports_ddp=True),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [16, 32, 64, 128]},
        "dropout": {"type": "float", "low": 0.0, "high": 0.5},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-8, "high": 1e-3, "log": True},
        "num_negatives": {"type": "int", "low": 1, "high": 10},
    },
    description="NCF's MLP: sigmoid(h^T MLP([p_u; q_i])), binary cross-entropy over each pair and its sampled negatives.",
)
