from dataclasses import dataclass

from recbench.plugins import ModelSpec, ModelTags


@dataclass
class SARConfig:
    similarity: str = "jaccard"  # (str) co-occurrence normalisation: jaccard, lift or cooccurrence
    support_threshold: int = 1  # (int) co-occurrence counts below this are set to zero


SPEC = ModelSpec(
    name="sar",
    # An import string: recbench imports the model module only when a run builds it.
    model_class="recbench_sar.model:SAR",
    config=SARConfig,
    tags=ModelTags(task="ranking", input_kind="none", supports_ddp=True),
    search_space={
        "similarity": {"type": "categorical", "choices": ["jaccard", "lift", "cooccurrence"]},
        "support_threshold": {"type": "int", "low": 1, "high": 10},
    },
    description="Smart Adaptive Recommendations: score = history @ normalised item co-occurrence.",
)
