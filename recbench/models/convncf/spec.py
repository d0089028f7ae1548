from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class ConvNCFConfig:
    embedding_dim: int = 64  # (int) size of user and item vectors; a power of two, the map is embedding_dim x embedding_dim
    channels: int = 32  # (int) feature maps of every convolution layer
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 1e-6  # (float) Adam L2 penalty
    batch_size: int = 512  # (int) observed pairs per step
    num_negatives: int = 1  # (int) uniform negatives per observed pair (BPR)
    pretrain_epochs: int = 40  # (int) epochs of MF-BPR on the embeddings before training, as the paper does (about 4 s on ML-100K); 0 = none


SPEC = ModelSpec(
    name="convncf",
    model_class="recbench.models.convncf.model:ConvNCF",
    config=ConvNCFConfig,
    tags=ModelTags(task="ranking", input_kind="triples", supports_ddp=True, heavy_on_cpu=True),
    search_space={
        "channels": {"type": "categorical", "choices": [16, 32, 64]},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-8, "high": 1e-3, "log": True},
        "pretrain_epochs": {"type": "categorical", "choices": [0, 20, 40, 80]},
    },
    description="ConvNCF: outer product p_u q_i^T (d x d) through stride-2 convolutions to one score, BPR loss.",
    # The paper's 64 x 64 maps cost about 1.5 M multiply-adds per pair: minutes per check on a CPU.
    kit_hyperparameters={"embedding_dim": 16, "channels": 8},
)
