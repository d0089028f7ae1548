from dataclasses import dataclass, field

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class DINConfig:
    embedding_dim: int = 16  # (int) size of each field value's vector
    attention_sizes: list[int] = field(default_factory=lambda: [64, 16])  # (list[int]) activation unit hidden widths
    hidden_sizes: list[int] = field(default_factory=lambda: [200, 80])  # (list[int]) perceptron hidden layer widths, first to last
    dropout: float = 0.2  # (float) dropout after every hidden layer of the perceptron
    max_history: int = 50  # (int) most recent earlier training items of the user attended over
    init_std: float = 0.01  # (float) vectors start as N(0, init_std²)
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 1024  # (int) impressions per step


SPEC = ModelSpec(
    name="din",
    model_class="recbench.models.din.model:DIN",
    config=DINConfig,
    tags=ModelTags(task="ctr", input_kind="impressions_with_history"),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [8, 16, 32, 64]},
        "max_history": {"type": "categorical", "choices": [20, 50, 100]},
        "dropout": {"type": "float", "low": 0.0, "high": 0.5},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-9, "high": 1e-4, "log": True},
    },
    description="DIN: attention over the user's earlier training items, keyed by the candidate item, then a perceptron.",
)
