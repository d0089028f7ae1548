from dataclasses import dataclass, field

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class NeuMFConfig:
    embedding_dim: int = 32  # (int) size of the GMF tower's user and item vectors
    mlp_embedding_dim: int = 32  # (int) size of the MLP tower's user and item vectors
    mlp_layers: list[int] = field(default_factory=lambda: [64, 32, 16])  # (list[int]) MLP tower hidden widths, first to last
    dropout: float = 0.0  # (float) dropout before every MLP tower layer
    lr: float = 0.003  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 1024  # (int) observed pairs per step
    num_negatives: int = 4  # (int) uniform negatives per observed pair, each a 0-labelled example
    pretrain: bool = False  # (bool) train GMF and MLP apart for pretrain_epochs, then fuse their output layers (the paper's pre-training)
    pretrain_epochs: int = 5  # (int) epochs of separate GMF and MLP training when pretrain is true


SPEC = ModelSpec(
    name="neumf",
    model_class="recbench.models.neumf.model:NeuMF",
    config=NeuMFConfig,
    tags=ModelTags(task="ranking", input_kind="triples", supports_ddp=True),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [8, 16, 32, 64]},
        "mlp_embedding_dim": {"type": "categorical", "choices": [16, 32, 64, 128]},
        "dropout": {"type": "float", "low": 0.0, "high": 0.5},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-8, "high": 1e-3, "log": True},
        "num_negatives": {"type": "int", "low": 1, "high": 10},
    },
    description="NCF's NeuMF: GMF and MLP towers concatenated under one output layer, sampled binary cross-entropy.",
)
