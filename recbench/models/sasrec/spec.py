from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class SASRecConfig:
    max_length: int = 50  # (int) most recent items of a history the model reads (200 is usual for MovieLens)
    embedding_dim: int = 64  # (int) size of item and position vectors
    num_blocks: int = 2  # (int) self-attention blocks
    num_heads: int = 1  # (int) attention heads per block (must divide embedding_dim)
    dropout: float = 0.2  # (float) dropout on embeddings, attention weights and feed-forward outputs
    loss: str = "ce"  # (str) "ce": softmax over every item (Klenitskiy and Vasilev, 2023); "bce": the paper's, target vs sampled negatives
    num_negatives: int = 1  # (int) sampled negatives per target position, for loss=bce only
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 128  # (int) user sequences per step


SPEC = ModelSpec(
    name="sasrec",
    model_class="recbench.models.sasrec.model:SASRec",
    config=SASRecConfig,
    tags=ModelTags(task="sequential", input_kind="sequences"),
    search_space={
        "max_length": {"type": "categorical", "choices": [50, 100, 200]},
        "embedding_dim": {"type": "categorical", "choices": [32, 64, 128]},
        "num_blocks": {"type": "int", "low": 1, "high": 3},
        "dropout": {"type": "float", "low": 0.0, "high": 0.6},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
    },
    description="SASRec: causal self-attention over the history; next-item softmax (ce) or sampled binary cross-entropy (bce).",
)
