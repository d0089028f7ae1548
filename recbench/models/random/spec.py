from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class RandomConfig:
    seed: int = 0  # (int) keys the hash that gives each (user, item) pair its score


SPEC = ModelSpec(
    name="random",
    model_class="recbench.models.random.model:Random",
    config=RandomConfig,
    tags=ModelTags(task="ranking", input_kind="none", supports_ddp=True, folds_in=True),
    search_space={},
    description="Uniform random scores, a hash of (seed, user, item): the same whatever the batch.",
)
