from dataclasses import dataclass

from recbench.models.widedeep.spec import SPEC as WIDEDEEP
from recbench.models.widedeep.spec import WideDeepConfig
from recbench.plugins import ModelSpec, ModelTags


@dataclass
class DeepFMConfig(WideDeepConfig):
    """Wide & Deep's hyperparameters: DeepFM adds FM's pairwise term, which has none of its own."""


SPEC = ModelSpec(
    name="deepfm",
    model_class="recbench.models.deepfm.model:DeepFM",
    config=DeepFMConfig,
    tags=ModelTags(task="ctr", input_kind="impressions"),
    search_space=WIDEDEEP.search_space,
    description="DeepFM: an FM and a perceptron sharing one embedding per field, summed before the sigmoid.",
)
