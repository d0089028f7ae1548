from dataclasses import dataclass, field

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class DMFConfig:
    hidden_dims: list[int] = field(default_factory=lambda: [256])  # (list[int]) hidden widths of both towers, first to last
    latent_dim: int = 64  # (int) size of the user and item vectors compared by cosine
    lr: float = 0.0005  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 256  # (int) observed pairs per step
    num_negatives: int = 7  # (int) uniform negatives per observed pair, each a 0-labelled example (the paper's best ratio)


SPEC = ModelSpec(
    name="dmf",
    model_class="recbench.models.dmf.model:DMF",
    config=DMFConfig,
    tags=ModelTags(task="ranking", input_kind="triples"),  # under DDP its cached item towers diverge (kit: NDCG .442 vs .556)
    search_space={
        "latent_dim": {"type": "categorical", "choices": [32, 64, 128]},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-8, "high": 1e-3, "log": True},
        "num_negatives": {"type": "int", "low": 1, "high": 10},
    },
    description="DMF: cos(MLP_u(Y_u*), MLP_i(Y_*i)) clipped to [1e-6, 1], normalised binary cross-entropy with sampled negatives.",
)
