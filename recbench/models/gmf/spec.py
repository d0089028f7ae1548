from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class GMFConfig:
    embedding_dim: int = 32  # (int) size of user and item vectors (predictive factors)
    lr: float = 0.005  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 2048  # (int) observed pairs per step
    num_negatives: int = 4  # (int) uniform negatives per observed pair, each a 0-labelled example


SPEC = ModelSpec(
    name="gmf",
    model_class="recbench.models.gmf.model:GMF",
    config=GMFConfig,
    tags=ModelTags(task="ranking", input_kind="triples", supports_ddp=True),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [8, 16, 32, 64, 128]},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-8, "high": 1e-3, "log": True},
        "num_negatives": {"type": "int", "low": 1, "high": 10},
    },
    description="NCF's GMF: sigmoid(h^T (p_u * q_i)), binary cross-entropy over each pair and its sampled negatives.",
)
