from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class CaserConfig:
    max_length: int = 50  # (int) most recent items of a history kept (only the last `window` are convolved)
    window: int = 5  # (int) L: items before the target that the convolutions read
    embedding_dim: int = 50  # (int) size of item and user vectors
    horizontal_filters: int = 16  # (int) horizontal filters per height 1..window
    vertical_filters: int = 4  # (int) vertical filters
    dropout: float = 0.5  # (float) dropout on the convolution features
    loss: str = "ce"  # (str) "ce": softmax over every item; "bce": target vs sampled negatives (the paper's)
    num_negatives: int = 3  # (int) sampled negatives per target position, for loss=bce only
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 1e-6  # (float) Adam L2 penalty
    batch_size: int = 128  # (int) user sequences per step


SPEC = ModelSpec(
    name="caser",
    model_class="recbench.models.caser.model:Caser",
    config=CaserConfig,
    tags=ModelTags(task="sequential", input_kind="sequences"),
    search_space={
        "window": {"type": "int", "low": 2, "high": 9},
        "embedding_dim": {"type": "categorical", "choices": [32, 50, 64, 128]},
        "dropout": {"type": "float", "low": 0.0, "high": 0.7},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
    },
    description="Caser: horizontal and vertical convolutions over the last `window` items plus a user vector score the next item.",
)
