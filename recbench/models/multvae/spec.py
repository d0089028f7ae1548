from dataclasses import dataclass, field

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class MultVAEConfig:
    hidden_dims: list[int] = field(default_factory=lambda: [600])  # (list[int]) encoder hidden widths; the decoder mirrors them
    latent_dim: int = 200  # (int) size of the latent code z
    dropout: float = 0.5  # (float) dropout on the normalised input row while training
    anneal_cap: float = 0.2  # (float) largest weight of the KL term
    total_anneal_steps: int = 2000  # (int) optimiser steps over which the KL weight would grow 0 -> 1 (stops at anneal_cap); 0: always anneal_cap
    lr: float = 0.002  # (float) Adam learning rate
    weight_decay: float = 0.0  # (float) Adam L2 penalty
    batch_size: int = 128  # (int) users per step


SPEC = ModelSpec(
    name="multvae",
    model_class="recbench.models.multvae.model:MultVAE",
    config=MultVAEConfig,
    tags=ModelTags(task="ranking", input_kind="user_rows", supports_ddp=True, folds_in=True),
    search_space={
        "latent_dim": {"type": "categorical", "choices": [64, 128, 200, 256]},
        "dropout": {"type": "float", "low": 0.0, "high": 0.8},
        "anneal_cap": {"type": "float", "low": 0.0, "high": 1.0},
        "total_anneal_steps": {"type": "int", "low": 100, "high": 20000, "log": True},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-8, "high": 1e-3, "log": True},
    },
    description="Mult-VAE: VAE over the user's training row, multinomial likelihood, KL weight annealed to anneal_cap.",
)
