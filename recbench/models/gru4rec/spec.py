from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class GRU4RecConfig:
    max_length: int = 50  # (int) most recent items of a history the model reads
    embedding_dim: int = 64  # (int) size of the item vectors (input and output share them)
    hidden_dim: int = 128  # (int) GRU state size
    num_layers: int = 1  # (int) stacked GRU layers
    dropout: float = 0.3  # (float) dropout on the item embeddings fed to the GRU
    loss: str = "ce"  # (str) "ce": softmax over every item; "bpr" or "top1": target vs sampled negatives (the paper's losses)
    num_negatives: int = 32  # (int) sampled negatives per target position, for loss=bpr or top1
    grad_clip: float = 5.0  # (float) clip the gradient norm to this; 0 turns clipping off
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 128  # (int) user sequences per step


SPEC = ModelSpec(
    name="gru4rec",
    model_class="recbench.models.gru4rec.model:GRU4Rec",
    config=GRU4RecConfig,
    tags=ModelTags(task="sequential", input_kind="sequences"),
    search_space={
        "embedding_dim": {"type": "categorical", "choices": [32, 64, 128]},
        "hidden_dim": {"type": "categorical", "choices": [64, 128, 256]},
        "dropout": {"type": "float", "low": 0.0, "high": 0.6},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
    },
    description="GRU4Rec: a GRU over the history; next-item softmax (ce) or the paper's BPR/TOP1 against sampled negatives.",
)
