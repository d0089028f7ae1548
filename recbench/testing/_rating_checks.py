"""The conformance checks of rating models (task ``rating``): predictions instead of rankings."""

from __future__ import annotations


import torch

from recbench.plugins import ModelSpec
from recbench.testing import _rating_harness as kit
from recbench.testing._checks import Check, check_spec_and_config
from recbench.testing._harness import reloaded

# Share of the global-mean baseline's test RMSE a model must stay under on planted ratings.
# Biases alone reach about 0.8 of it; learning the clusters goes well below.
PLANTED_RMSE_SHARE = 0.9


def check_prediction_shapes(spec: ModelSpec) -> None:
    split = kit.rating_split()
    model = kit.fit(spec, split, max_epochs=1)
    users, items = torch.tensor([0, 3, 5, 3, 0]), torch.tensor([1, 2, 3, 2, 7])
    with torch.no_grad():
        predicted = model.predict(users, items)
    assert predicted.shape == (5,), f"predict gave {tuple(predicted.shape)}, expected (5,): one rating per (user, item) pair"
    assert torch.isfinite(predicted).all(), "predict gave non-finite ratings"
    assert predicted[1] == predicted[3], "the same pair got two different predictions in one call"


def check_batch_size_independence(spec: ModelSpec) -> None:
    split = kit.rating_split()
    model = kit.fit(spec, split, max_epochs=1)
    users, items = kit.all_pairs(split)
    torch.testing.assert_close(kit.predictions(model, users, items, 7), kit.predictions(model, users, items, 5000), rtol=1e-5, atol=1e-5)


def check_no_held_out_access(spec: ModelSpec) -> None:
    split = kit.rating_split()
    users, items = kit.all_pairs(split)
    first = kit.predictions(kit.fit(spec, split, seed=0, max_epochs=5), users, items)
    second = kit.predictions(kit.fit(spec, kit.with_other_held_out_ratings(split), seed=0, max_epochs=5), users, items)
    assert torch.equal(first, second), "predictions changed when only validation/test ratings changed: the model reads held-out data"


def check_determinism(spec: ModelSpec) -> None:
    split = kit.rating_split()
    users, items = kit.all_pairs(split)
    first = kit.predictions(kit.fit(spec, split, seed=3, max_epochs=5), users, items)
    second = kit.predictions(kit.fit(spec, split, seed=3, max_epochs=5), users, items)
    assert torch.equal(first, second), "two fits with the same seed gave different predictions"


def check_checkpoint_round_trip(spec: ModelSpec) -> None:
    split = kit.rating_split()
    model = kit.fit(spec, split, max_epochs=2)
    restored = reloaded(model, kit.training_ratings(split))
    users, items = kit.all_pairs(split)
    torch.testing.assert_close(kit.predictions(restored, users, items), kit.predictions(model, users, items), rtol=0, atol=0)


def check_unseen_users_and_items(spec: ModelSpec) -> None:
    split = kit.rating_split(extra_users_without_training=3, extra_items_without_training=3)
    model = kit.fit(spec, split, max_epochs=1)
    users = torch.tensor([split.n_users - 1, split.n_users - 2, 0, 1])
    items = torch.tensor([0, 1, split.n_items - 1, split.n_items - 3])
    with torch.no_grad():
        assert torch.isfinite(model.predict(users, items)).all(), "users or items without training ratings got non-finite predictions"


def check_learns_planted_ratings(spec: ModelSpec) -> None:
    split = kit.rating_split()
    model_rmse, baseline_rmse = kit.held_out_rmse(kit.fit(spec, split, max_epochs=30), split)
    assert model_rmse <= PLANTED_RMSE_SHARE * baseline_rmse, (
        f"test RMSE {model_rmse:.3f} on planted ratings is not below {PLANTED_RMSE_SHARE} x the global mean's "
        f"{baseline_rmse:.3f}: the model learns nothing"
    )


RATING_CHECKS = (
    Check("spec_and_config", check_spec_and_config, "spec is valid; config round-trips through Hydra; constructor matches it"),
    Check("prediction_shapes", check_prediction_shapes, "predict(users [N], items [N]) gives [N] finite ratings"),
    Check("batch_size_independence", check_batch_size_independence, "predictions do not depend on the batch size"),
    Check("no_held_out_access", check_no_held_out_access, "changing only validation/test ratings leaves the fit unchanged"),
    Check("determinism", check_determinism, "the same seed gives the same predictions"),
    Check("checkpoint_round_trip", check_checkpoint_round_trip, "a restored checkpoint predicts identically"),
    Check("unseen_users_and_items", check_unseen_users_and_items, "users and items without training ratings get finite predictions"),
    Check(
        "learns_planted_ratings",
        check_learns_planted_ratings,
        f"test RMSE <= {PLANTED_RMSE_SHARE} x the global mean's on planted ratings",
    ),
)


def rating_checks(spec: ModelSpec) -> list[Check]:
    """The checks that apply to a rating model (its tags decide)."""
    return [c for c in RATING_CHECKS if c.name != "determinism" or spec.tags.deterministic]
