from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class BERT4RecConfig:
    max_length: int = 200  # (int) most recent items of a history the model reads, the mask token included when scoring
    embedding_dim: int = 64  # (int) size of item and position vectors
    num_blocks: int = 2  # (int) Transformer blocks
    num_heads: int = 2  # (int) attention heads per block (must divide embedding_dim)
    feedforward_dim: int = 256  # (int) inner size of each block's feed-forward layer
    dropout: float = 0.1  # (float) dropout on embeddings, attention weights and feed-forward outputs
    mask_probability: float = 0.2  # (float) share of a training sequence's items replaced by the mask token and predicted
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 128  # (int) user sequences per step


SPEC = ModelSpec(
    name="bert4rec",
    model_class="recbench.models.bert4rec.model:BERT4Rec",
    config=BERT4RecConfig,
    tags=ModelTags(task="sequential", input_kind="sequences"),
    search_space={
        "max_length": {"type": "categorical", "choices": [50, 100, 200]},
        "embedding_dim": {"type": "categorical", "choices": [32, 64, 128]},
        "mask_probability": {"type": "float", "low": 0.1, "high": 0.6},
        "dropout": {"type": "float", "low": 0.0, "high": 0.5},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
    },
    description="BERT4Rec: bidirectional self-attention; predicts masked items (softmax over every item); scores by masking the next slot.",
)
