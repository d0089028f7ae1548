from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class AutoRecConfig:
    hidden_dim: int = 500  # (int) units of the one hidden layer
    regularisation: float = 400.0  # (float) λ of (λ/2)(||W||² + ||V||²) against the squared error summed over all training ratings
    optimizer: str = "lbfgs"  # (str) "lbfgs": the paper's full-batch fit (batch_size 0); "adam": mini-batches
    lr: float = 0.001  # (float) Adam learning rate
    lbfgs_iterations: int = 10  # (int) L-BFGS steps per epoch (validation and early stopping run between epochs)
    batch_size: int = 0  # (int) rows (items for I-AutoRec, users for U-AutoRec) per step; 0 = every row at once


SEARCH_SPACE = {
    "hidden_dim": {"type": "categorical", "choices": [100, 200, 300, 500, 800]},
    "regularisation": {"type": "float", "low": 1e-2, "high": 1e3, "log": True},
}
BOUNDS = {"batch_size": "[0, inf)"}  # 0: every row in one step

I_AUTOREC = ModelSpec(
    name="iautorec",
    model_class="recbench.models.autorec.model:ItemAutoRec",
    config=AutoRecConfig,
    tags=ModelTags(task="rating", input_kind="item_rating_rows"),
    search_space=SEARCH_SPACE,
    bounds=BOUNDS,
    description="I-AutoRec (Sedhain et al., 2015): r̂(·, i) = V sigmoid(W r_i + b) + c over each item's vector of user ratings.",
)

U_AUTOREC = ModelSpec(
    name="uautorec",
    model_class="recbench.models.autorec.model:UserAutoRec",
    config=AutoRecConfig,
    tags=ModelTags(task="rating", input_kind="user_rating_rows"),
    search_space=SEARCH_SPACE,
    bounds=BOUNDS,
    description="U-AutoRec (Sedhain et al., 2015): r̂(u, ·) = V sigmoid(W r_u + b) + c over each user's vector of item ratings.",
)
