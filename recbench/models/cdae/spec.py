from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class CDAEConfig:
    hidden_dim: int = 200  # (int) width of the hidden layer and of the per-user input vector
    corruption: float = 0.5  # (float) dropout probability of each observed input entry while training (the denoising corruption)
    hidden_activation: str = "sigmoid"  # (str) activation of the hidden layer: sigmoid, relu, tanh or identity
    output_activation: str = "sigmoid"  # (str) sigmoid: logistic loss on the logits; identity: squared loss on the outputs
    negative_ratio: float = 0.0  # (float) 0: the loss covers the whole row; r > 0: r sampled unobserved items per observed one
    lr: float = 0.005  # (float) Adam learning rate
    weight_decay: float = 1e-5  # (float) Adam L2 penalty (the paper's L2 regularisation)
    batch_size: int = 16  # (int) users per step


SPEC = ModelSpec(
    name="cdae",
    model_class="recbench.models.cdae.model:CDAE",
    config=CDAEConfig,
    # One learned vector per training user: a user unseen in training cannot be folded in.
    tags=ModelTags(task="ranking", input_kind="user_rows", supports_ddp=True),
    search_space={
        "hidden_dim": {"type": "categorical", "choices": [50, 100, 200, 400]},
        "corruption": {"type": "float", "low": 0.0, "high": 0.8},
        "hidden_activation": {"type": "categorical", "choices": ["sigmoid", "relu", "tanh"]},
        "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": True},
        "weight_decay": {"type": "float", "low": 1e-8, "high": 1e-3, "log": True},
    },
    description="CDAE: f(W' h(W ỹ_u + V_u + b) + b'), ỹ_u the dropped-out training row, V_u a per-user vector; BCE over the row.",
)
