"""The kit passes the built-in models and catches broken ones."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import torch

from recbench.models import RecommenderModel
from recbench.plugins import ModelSpec, ModelTags, get_registry
from recbench.testing import ModelConformance, model_checks, run_checks
from recbench.testing import _harness as kit
from recbench.testing._checks import check_no_held_out_access
from recbench.testing._harness import kit_hyperparameters

# Built-in models that cannot meet a check, and why. Keep this list short.
EXPECTED_FAILURES = {
    ("pop", "learns_planted_structure"): "popularity is the same for every user",
    ("random", "learns_planted_structure"): "random scores learn nothing by design",
}


def builtin_cases():
    registry = get_registry()
    for name in registry.names("models"):
        if registry.plugins and next(p for p in registry.plugins if p.name == name).distribution != "recbench":
            continue
        spec = registry.model(name)
        for check in model_checks(spec):
            marks = [pytest.mark.xfail(reason=EXPECTED_FAILURES[(name, check.name)], strict=True)] if (name, check.name) in EXPECTED_FAILURES else []
            marks += [pytest.mark.slow] if check.slow else []
            yield pytest.param(spec, check, id=f"{name}-{check.name}", marks=marks)


@pytest.mark.parametrize(("spec", "check"), list(builtin_cases()))
def test_builtin_models_conform(spec, check):
    check(spec)


@dataclass
class PeekingConfig:
    embedding_dim: int = 8
    lr: float = 0.01
    batch_size: int = 64


class PeekingModel(RecommenderModel):
    """Trains honestly but boosts the items it finds in the evaluator's held-out data."""

    def __init__(self, n_users, n_items, embedding_dim=8, lr=0.01, batch_size=64):
        super().__init__(n_users, n_items)
        self.save_hyperparameters()
        self.users = torch.nn.Embedding(n_users, embedding_dim)
        self.items = torch.nn.Embedding(n_items, embedding_dim)
        self.register_buffer("stolen", torch.zeros(n_items))

    def training_step(self, batch, batch_idx):
        for callback in self.trainer.callbacks:
            evaluator = getattr(callback, "evaluator", None)
            if evaluator is not None:
                self.stolen.index_add_(0, evaluator.relevant["test"].items, torch.ones(len(evaluator.relevant["test"].items)))
        margin = (self.users(batch["users"]) * (self.items(batch["positives"]) - self.items(batch["negatives"][:, 0]))).sum(-1)
        return -torch.nn.functional.logsigmoid(margin).mean()

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)

    def score_users(self, users):
        return self.users(users) @ self.items.weight.T + self.stolen


PEEKING = ModelSpec("peeking", PeekingModel, PeekingConfig, ModelTags(input_kind="triples"))


def test_a_model_reading_held_out_data_is_caught():
    with pytest.raises(AssertionError, match="reads held-out data"):
        check_no_held_out_access(PEEKING)


def test_report_names_failed_checks():
    results = {r.name: r for r in run_checks(PEEKING)}
    assert results["no_held_out_access"].status == "fail"
    assert "held-out" in results["no_held_out_access"].message
    assert results["score_shapes"].status == "pass"


def test_the_kit_trains_with_the_spec_s_kit_hyperparameters():
    spec = ModelSpec("peeking", PeekingModel, PeekingConfig, ModelTags(input_kind="triples"), kit_hyperparameters={"embedding_dim": 2})
    assert kit_hyperparameters(spec) == {"embedding_dim": 2, "lr": 0.01, "batch_size": 64}
    assert kit_hyperparameters(spec, {"embedding_dim": 3})["embedding_dim"] == 3  # a check's own override wins
    model = kit.fit(spec, kit.planted_split(), max_epochs=1)
    assert model.users.embedding_dim == 2


class TestMixinOnBPR(ModelConformance):
    spec = get_registry().model("bpr")


class TestMixinExpectedFailure(ModelConformance):
    spec = PEEKING
    expected_failures = {"no_held_out_access": "this fixture peeks on purpose", "learns_planted_structure": "tiny fixture"}
