from dataclasses import dataclass, field

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class DeepFMConfig:
    embedding_dim: int = 16  # (int) size of each field value's vector
    hidden_sizes: list[int] = field(default_factory=lambda: [256, 128])  # (list[int]) perceptron hidden layer widths, first to last
    dropout: float = 0.2  # (float) dropout after every hidden layer
    init_std: float = 0.01  # (float) vectors start as N(0, init_std²); weights and bias at 0
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 1024  # (int) impressions per step


SPEC = ModelSpec(
    name="deepfm",
    model_class="recbench.models.deepfm.model:DeepFM",
    config=DeepFMConfig,
    tags=ModelTags(task="ctr", input_kind="impressions"),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [8, 16, 32, 64]},
        "dropout": {"type": "float", "low": 0.0, "high": 0.5},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-9, "high": 1e-4, "log": True},
    },
    description="DeepFM: an FM and a perceptron sharing one embedding per field, summed before the sigmoid.",
)
