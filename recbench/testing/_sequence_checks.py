"""The conformance checks of sequential models (task ``sequential``): scores from histories.

The same checks as for ranking models, reading scores through the history batches a run
hands the model. "No held-out access" compares validation scores: their histories hold
training items only, while test histories legitimately include the validation item.
"""

from __future__ import annotations


import torch

from recbench.plugins import ModelSpec
from recbench.testing import _harness as ranking_kit
from recbench.testing import _sequence_harness as kit
from recbench.testing._checks import PLANTED_NDCG_FLOOR, Check, check_spec_and_config
from recbench.training._datamodule import training_matrix


def check_score_shapes(spec: ModelSpec) -> None:
    split = ranking_kit.planted_split()
    model = kit.fit(spec, split, max_epochs=1)
    batch = kit.datamodule(spec, split).history_batch("test", torch.tensor([0, 3, 5]))
    with torch.no_grad():
        scores = model.score_sequences(batch["users"], batch["sequences"], batch["lengths"])
        assert scores.shape == (3, split.n_items), f"score_sequences gave {tuple(scores.shape)}, expected (3, {split.n_items})"
        assert torch.isfinite(scores).all(), "score_sequences gave non-finite scores"
        items = torch.tensor([[1, 2, 3, 4], [0, 9, 8, 7], [5, 5, 6, 1]])
        candidates = model.score_sequence_candidates(batch["users"], batch["sequences"], batch["lengths"], items)
    assert candidates.shape == (3, 4), f"score_sequence_candidates gave {tuple(candidates.shape)}, expected (3, 4)"
    torch.testing.assert_close(candidates.float(), scores.gather(1, items).float(), rtol=1e-5, atol=1e-5)


def check_batch_size_independence(spec: ModelSpec) -> None:
    # Batches of different sizes are padded to different widths: scores must not move.
    split = ranking_kit.planted_split()
    model = kit.fit(spec, split, max_epochs=1)
    torch.testing.assert_close(kit.all_scores(model, split, batch_users=7), kit.all_scores(model, split, batch_users=1000), rtol=1e-5, atol=1e-5)


def check_no_held_out_access(spec: ModelSpec) -> None:
    split = ranking_kit.planted_split()
    first = kit.all_scores(kit.fit(spec, split, seed=0, max_epochs=5), split, stage="valid")
    second = kit.all_scores(kit.fit(spec, ranking_kit.with_other_held_out(split), seed=0, max_epochs=5), split, stage="valid")
    assert torch.equal(first, second), "scores changed when only validation/test interactions changed: the model reads held-out data"


def check_determinism(spec: ModelSpec) -> None:
    split = ranking_kit.planted_split()
    first = kit.all_scores(kit.fit(spec, split, seed=3, max_epochs=5), split)
    second = kit.all_scores(kit.fit(spec, split, seed=3, max_epochs=5), split)
    assert torch.equal(first, second), "two fits with the same seed gave different scores"


def check_checkpoint_round_trip(spec: ModelSpec) -> None:
    split = ranking_kit.planted_split()
    model = kit.fit(spec, split, max_epochs=2)
    restored = ranking_kit.reloaded(model, training_matrix(split))
    torch.testing.assert_close(kit.all_scores(restored, split), kit.all_scores(model, split), rtol=0, atol=0)


def check_users_without_history(spec: ModelSpec) -> None:
    split = ranking_kit.planted_split(extra_users_without_training=3)
    model = kit.fit(spec, split, max_epochs=1)
    scores = kit.all_scores(model, split)
    assert torch.isfinite(scores[-3:]).all(), "users with an empty history got non-finite scores"


def check_learns_planted_structure(spec: ModelSpec) -> None:
    split = ranking_kit.planted_split()
    ndcg = kit.held_out_ndcg(kit.fit(spec, split, max_epochs=30), split)
    assert ndcg >= PLANTED_NDCG_FLOOR, f"test ndcg@10 {ndcg:.3f} on planted clusters is below {PLANTED_NDCG_FLOOR}: the model learns nothing"


SEQUENCE_CHECKS = (
    Check("spec_and_config", check_spec_and_config, "spec is valid; config round-trips through Hydra; constructor matches it"),
    Check("score_shapes", check_score_shapes, "score_sequences [B, n_items] finite; score_sequence_candidates agrees with it"),
    Check("batch_size_independence", check_batch_size_independence, "scores do not depend on the evaluation batch size (nor its padding)"),
    Check("no_held_out_access", check_no_held_out_access, "changing only validation/test data leaves validation scores unchanged"),
    Check("determinism", check_determinism, "the same seed gives the same scores"),
    Check("checkpoint_round_trip", check_checkpoint_round_trip, "a restored checkpoint scores identically"),
    Check("users_without_training_data", check_users_without_history, "users with an empty history get finite scores"),
    Check("learns_planted_structure", check_learns_planted_structure, f"test ndcg@10 >= {PLANTED_NDCG_FLOOR} on planted clusters"),
)


def sequence_checks(spec: ModelSpec) -> list[Check]:
    """The checks that apply to sequential ``spec`` (its tags decide)."""
    return [c for c in SEQUENCE_CHECKS if c.name != "determinism" or spec.tags.deterministic]
