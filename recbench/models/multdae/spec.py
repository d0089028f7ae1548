from dataclasses import dataclass, field

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class MultDAEConfig:
    hidden_dims: list[int] = field(default_factory=lambda: [600])  # (list[int]) encoder hidden widths; the decoder mirrors them
    latent_dim: int = 200  # (int) width of the bottleneck layer
    dropout: float = 0.5  # (float) dropout on the normalised input row while training (the denoising corruption)
    lr: float = 0.001  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 64  # (int) users per step


SPEC = ModelSpec(
    name="multdae",
    model_class="recbench.models.multdae.model:MultDAE",
    config=MultDAEConfig,
    tags=ModelTags(task="ranking", input_kind="user_rows", supports_ddp=True, folds_in=True),
    search_space={
        "latent_dim": {"type": "categorical", "choices": [64, 128, 200, 256]},
        "dropout": {"type": "float", "low": 0.0, "high": 0.8},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-8, "high": 1e-3, "log": True},
    },
    description="Mult-DAE: denoising autoencoder over the user's training row (input dropout), multinomial likelihood.",
)
