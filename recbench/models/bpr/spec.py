from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class BPRConfig:
    embedding_dim: int = 64  # (int) size of user and item vectors
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 1e-5  # (float) Adam L2 penalty
    batch_size: int = 2048  # (int) observed pairs per step
    num_negatives: int = 1  # (int) uniform negatives per observed pair


SPEC = ModelSpec(
    name="bpr",
    model_class="recbench.models.bpr.model:BPR",
    config=BPRConfig,
    tags=ModelTags(task="ranking", input_kind="triples", supports_ddp=True),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [32, 64, 128, 256]},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-8, "high": 1e-3, "log": True},
    },
    description="MF with BPR loss: -log sigmoid(s(u, i) - s(u, j)) over observed i and sampled j.",
)
