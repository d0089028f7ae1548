from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class PopConfig:
    """Pop has no hyperparameters."""


SPEC = ModelSpec(
    name="pop",
    model_class="recbench.models.pop.model:Pop",
    config=PopConfig,
    tags=ModelTags(task="ranking", input_kind="none", supports_ddp=True, folds_in=True),
    description="Most popular items first (count of training interactions).",
)
