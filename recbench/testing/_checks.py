"""The conformance checks every model passes before its results may enter a leaderboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytorch_lightning as pl
import torch
from omegaconf import OmegaConf

from recbench.plugins import ModelSpec
from recbench.plugins._registry import model_config_node, validate_model_spec
from recbench.testing import _harness as kit
from recbench.training._datamodule import training_matrix

# A model that learns the planted clusters reaches far more; popularity and chance stay near 0.1.
PLANTED_NDCG_FLOOR = 0.3


@dataclass(frozen=True)
class Check:
    name: str
    function: Callable[[ModelSpec], None]
    doc: str
    slow: bool = False  # starts processes: pytest marks it slow

    def __call__(self, spec: ModelSpec) -> None:
        self.function(spec)

    def __str__(self) -> str:  # readable pytest ids
        return self.name


def check_config_round_trip(spec: ModelSpec) -> None:
    """The spec is valid and its config round-trips through Hydra (every task's first check starts here)."""
    validate_model_spec(spec, f"model '{spec.name}'")
    node = OmegaConf.structured(model_config_node(spec))
    assert OmegaConf.to_container(node) == {**spec.defaults(), "name": spec.name}, "config does not round-trip through Hydra"


def check_spec_and_config(spec: ModelSpec) -> None:
    check_config_round_trip(spec)
    split = kit.planted_split()
    model = kit.build_model(spec, split.n_users, split.n_items, spec.defaults())
    assert isinstance(model, pl.LightningModule), "the model class must derive from recbench.models.RecommenderModel"


def check_score_shapes(spec: ModelSpec) -> None:
    split = kit.planted_split()
    model = kit.fit(spec, split, max_epochs=1)
    users = torch.tensor([0, 3, 5])
    with torch.no_grad():
        scores = model.score_users(users)
        assert scores.shape == (3, split.n_items), f"score_users gave {tuple(scores.shape)}, expected (3, {split.n_items})"
        assert torch.isfinite(scores).all(), "score_users gave non-finite scores"
        items = torch.tensor([[1, 2, 3, 4], [0, 9, 8, 7], [5, 5, 6, 1]])
        candidates = model.score_candidates(users, items)
    assert candidates.shape == (3, 4), f"score_candidates gave {tuple(candidates.shape)}, expected (3, 4)"
    torch.testing.assert_close(candidates.float(), scores.gather(1, items).float(), rtol=1e-5, atol=1e-5)


def check_batch_size_independence(spec: ModelSpec) -> None:
    split = kit.planted_split()
    model = kit.fit(spec, split, max_epochs=1)
    torch.testing.assert_close(kit.all_scores(model, split.n_users, 7), kit.all_scores(model, split.n_users, 1000), rtol=1e-5, atol=1e-5)


def check_no_held_out_access(spec: ModelSpec) -> None:
    split = kit.planted_split()
    first = kit.all_scores(kit.fit(spec, split, seed=0), split.n_users)
    second = kit.all_scores(kit.fit(spec, kit.with_other_held_out(split), seed=0), split.n_users)
    assert torch.equal(first, second), "scores changed when only validation/test interactions changed: the model reads held-out data"


def check_determinism(spec: ModelSpec) -> None:
    split = kit.planted_split()
    first = kit.all_scores(kit.fit(spec, split, seed=3), split.n_users)
    second = kit.all_scores(kit.fit(spec, split, seed=3), split.n_users)
    assert torch.equal(first, second), "two fits with the same seed gave different scores"


def check_checkpoint_round_trip(spec: ModelSpec) -> None:
    split = kit.planted_split()
    model = kit.fit(spec, split, max_epochs=2)
    restored = kit.reloaded(model, training_matrix(split))
    torch.testing.assert_close(kit.all_scores(restored, split.n_users), kit.all_scores(model, split.n_users), rtol=0, atol=0)


def check_users_without_training_data(spec: ModelSpec) -> None:
    split = kit.planted_split(extra_users_without_training=3)
    model = kit.fit(spec, split, max_epochs=1)
    scores = kit.all_scores(model, split.n_users)
    assert torch.isfinite(scores[-3:]).all(), "users without training interactions got non-finite scores"


def check_learns_planted_structure(spec: ModelSpec) -> None:
    split = kit.planted_split()
    ndcg = kit.held_out_ndcg(kit.fit(spec, split, max_epochs=30, keep_best=True), split)
    assert ndcg >= PLANTED_NDCG_FLOOR, f"test ndcg@10 {ndcg:.3f} on planted clusters is below {PLANTED_NDCG_FLOOR}: the model learns nothing"


DDP_NDCG_TOLERANCE = 0.05


def check_ddp_matches_single_process(spec: ModelSpec) -> None:
    # Two processes see the same global batches and average the same gradients, so a model
    # without randomness inside its training step trains the same weights; with dropout or
    # sampled noise the draws differ, so the check compares what the model learned.
    split = kit.planted_split()
    single = kit.held_out_ndcg(kit.fit(spec, split, seed=5, max_epochs=10), split)
    double = kit.held_out_ndcg(kit.fit(spec, split, seed=5, max_epochs=10, processes=2), split)
    assert abs(double - single) <= DDP_NDCG_TOLERANCE, (
        f"2 DDP processes reached test ndcg@10 {double:.3f}, 1 process {single:.3f}: the model does not train "
        "the same under DDP (does the loss average over the batch? is every parameter used in each step?)"
    )


CHECKS = (
    Check("spec_and_config", check_spec_and_config, "spec is valid; config round-trips through Hydra; constructor matches it"),
    Check("score_shapes", check_score_shapes, "score_users [B, n_items] finite; score_candidates agrees with it"),
    Check("batch_size_independence", check_batch_size_independence, "scores do not depend on the evaluation batch size"),
    Check("no_held_out_access", check_no_held_out_access, "changing only validation/test data leaves the fit unchanged"),
    Check("determinism", check_determinism, "the same seed gives the same scores"),
    Check("checkpoint_round_trip", check_checkpoint_round_trip, "a restored checkpoint scores identically"),
    Check("users_without_training_data", check_users_without_training_data, "cold users get finite scores"),
    Check("learns_planted_structure", check_learns_planted_structure, f"test ndcg@10 >= {PLANTED_NDCG_FLOOR} on planted clusters, best validation epoch of 30"),
    Check("ddp_matches_single_process", check_ddp_matches_single_process, "2 DDP processes learn what 1 process learns", slow=True),
)


def model_checks(spec: ModelSpec) -> list[Check]:
    """The checks that apply to ``spec`` (its tags decide)."""
    if spec.tags.task == "rating":  # predictions of given pairs, not rankings: checks of their own
        from recbench.testing._rating_checks import rating_checks

        return rating_checks(spec)
    if spec.tags.task == "ctr":  # click probabilities of impressions with side features
        from recbench.testing._ctr_checks import ctr_checks

        return ctr_checks(spec)
    if spec.tags.task == "sequential":  # scores come from histories: the same checks, read through history batches
        from recbench.testing._sequence_checks import sequence_checks

        return sequence_checks(spec)
    skip = set()
    if not spec.tags.deterministic:
        skip.add("determinism")
    if not spec.tags.supports_ddp or spec.tags.input_kind == "none":  # closed-form models do not train
        skip.add("ddp_matches_single_process")
    return [c for c in CHECKS if c.name not in skip]


__all__ = ["CHECKS", "Check", "model_checks"]
