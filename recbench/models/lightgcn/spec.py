from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class LightGCNConfig:
    embedding_dim: int = 64  # (int) size of user and item vectors
    n_layers: int = 2  # (int) propagation steps over the normalised graph; the mean of all layers is used
    reg_weight: float = 1e-3  # (float) L2 weight on the batch's layer-0 embeddings
    lr: float = 0.01  # (float) Adam learning rate
    batch_size: int = 2048  # (int) observed pairs per step
    num_negatives: int = 1  # (int) uniform negatives per observed pair


SPEC = ModelSpec(
    name="lightgcn",
    model_class="recbench.models.lightgcn.model:LightGCN",
    config=LightGCNConfig,
    tags=ModelTags(task="ranking", input_kind="triples", supports_ddp=True),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [32, 64, 128]},
        "n_layers": {"type": "int", "low": 1, "high": 4},
        "reg_weight": {"type": "float", "low": 1e-6, "high": 1e-2, "log": True},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
    },
    description="LightGCN: layer-averaged propagation of ID embeddings over D^-1/2 A D^-1/2, BPR loss.",
)
