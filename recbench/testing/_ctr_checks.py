"""The conformance checks of click-through models (task ``ctr``): probabilities of impressions."""

from __future__ import annotations

import torch

from recbench.models.ctr import CTRModel
from recbench.plugins import ModelSpec
from recbench.testing import _ctr_harness as kit
from recbench.testing._checks import Check, check_config_round_trip
from recbench.testing._harness import reloaded
from recbench.training._datamodule import training_matrix

# Test AUC a model must reach on planted impressions. Chance is 0.5; the first-order effects
# alone (year, gender) gave logistic regression 0.67, and the planted occupation x genre match
# lifted FM, DeepFM, Wide & Deep and DIN to 0.73-0.78 (30 epochs, seed 0).
PLANTED_AUC_FLOOR = 0.6


def check_spec_and_config(spec: ModelSpec) -> None:
    check_config_round_trip(spec)
    split = kit.ctr_split()
    model = kit.build(spec, split, spec.defaults())
    assert isinstance(model, CTRModel), "a click-through model derives from recbench.models.ctr.CTRModel"


def check_prediction_shapes(spec: ModelSpec) -> None:
    split = kit.ctr_split()
    model = kit.fit(spec, split, max_epochs=1)
    rows = split.test.iloc[[0, 3, 5, 3, 0]]
    predicted = kit.predictions(model, spec, split, rows)
    assert predicted.shape == (5,), f"predict gave {tuple(predicted.shape)}, expected (5,): one probability per impression"
    assert torch.isfinite(predicted).all(), "predict gave non-finite probabilities"
    assert ((predicted >= 0) & (predicted <= 1)).all(), f"predict gave values outside [0, 1]: {predicted.tolist()}"
    assert predicted[1] == predicted[3], "the same impression got two different probabilities in one call"


def check_batch_size_independence(spec: ModelSpec) -> None:
    split = kit.ctr_split()
    model = kit.fit(spec, split, max_epochs=1)
    rows = kit.probe(split)
    torch.testing.assert_close(kit.predictions(model, spec, split, rows, 7), kit.predictions(model, spec, split, rows, 5000), rtol=1e-5, atol=1e-6)


def check_no_held_out_access(spec: ModelSpec) -> None:
    split = kit.ctr_split()
    rows = kit.probe(split)
    first = kit.predictions(kit.fit(spec, split, seed=0, max_epochs=3), spec, split, rows)
    other = kit.with_other_held_out_impressions(split)
    second = kit.predictions(kit.fit(spec, other, seed=0, max_epochs=3), spec, other, rows)
    assert torch.equal(first, second), "predictions changed when only validation/test impressions changed: the model reads held-out data"


def check_determinism(spec: ModelSpec) -> None:
    split = kit.ctr_split()
    rows = kit.probe(split)
    first = kit.predictions(kit.fit(spec, split, seed=3, max_epochs=3), spec, split, rows)
    second = kit.predictions(kit.fit(spec, split, seed=3, max_epochs=3), spec, split, rows)
    assert torch.equal(first, second), "two fits with the same seed gave different predictions"


def check_checkpoint_round_trip(spec: ModelSpec) -> None:
    split = kit.ctr_split()
    model = kit.fit(spec, split, max_epochs=2)
    restored = reloaded(model, training_matrix(split))
    rows = kit.probe(split)
    torch.testing.assert_close(kit.predictions(restored, spec, split, rows), kit.predictions(model, spec, split, rows), rtol=0, atol=0)


def check_unseen_users_and_items(spec: ModelSpec) -> None:
    split = kit.ctr_split(extra_users_without_training=3, extra_items_without_training=3)
    model = kit.fit(spec, split, max_epochs=1)
    cold = split.test[(split.test["user"] >= split.n_users - 3) | (split.test["item"] >= split.n_items - 3)]
    assert len(cold) == 6
    predicted = kit.predictions(model, spec, split, cold)
    assert torch.isfinite(predicted).all(), "users or items without training impressions got non-finite probabilities"


def check_learns_planted_clicks(spec: ModelSpec) -> None:
    split = kit.ctr_split()
    auc = kit.held_out_auc(kit.fit(spec, split, max_epochs=30), spec, split)
    assert auc >= PLANTED_AUC_FLOOR, f"test AUC {auc:.3f} on planted clicks is below {PLANTED_AUC_FLOOR}: the model learns nothing"


CTR_CHECKS = (
    Check("spec_and_config", check_spec_and_config, "spec is valid; config round-trips through Hydra; constructor takes the feature fields"),
    Check("prediction_shapes", check_prediction_shapes, "predict(batch) gives [N] finite probabilities in [0, 1]"),
    Check("batch_size_independence", check_batch_size_independence, "probabilities do not depend on the batch size"),
    Check("no_held_out_access", check_no_held_out_access, "changing only validation/test impressions leaves the fit unchanged"),
    Check("determinism", check_determinism, "the same seed gives the same probabilities"),
    Check("checkpoint_round_trip", check_checkpoint_round_trip, "a restored checkpoint predicts identically"),
    Check("unseen_users_and_items", check_unseen_users_and_items, "users and items without training impressions get finite probabilities"),
    Check("learns_planted_clicks", check_learns_planted_clicks, f"test AUC >= {PLANTED_AUC_FLOOR} on planted clicks"),
)


def ctr_checks(spec: ModelSpec) -> list[Check]:
    """The checks that apply to a click-through model (its tags decide)."""
    return [c for c in CTR_CHECKS if c.name != "determinism" or spec.tags.deterministic]
