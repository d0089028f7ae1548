"""Rating models: the bias baseline's closed form, SVD++'s implicit term and AutoRec's reconstruction
against plain references. That every rating model learns the planted ratings (test RMSE well
below the global mean's) is the conformance kit's check, run for every built-in in tests/unit/testing."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from recbench.errors import RecbenchError
from recbench.plugins import get_registry
from recbench.testing import _rating_harness as kit


def csr(dense: np.ndarray) -> torch.Tensor:
    """Sparse CSR of the non-NaN entries of ``dense`` (NaN = unrated)."""
    users, items = np.nonzero(~np.isnan(dense))
    indices = torch.from_numpy(np.stack([users, items]).astype(np.int64))
    values = torch.from_numpy(dense[users, items].astype(np.float32))
    return torch.sparse_coo_tensor(indices, values, dense.shape).coalesce().to_sparse_csr()


@pytest.fixture(scope="module")
def ratings() -> np.ndarray:
    """6 users x 5 items of whole-star ratings; user 5 and item 4 have none."""
    rng = np.random.default_rng(3)
    dense = rng.integers(1, 6, (6, 5)).astype(np.float64)
    dense[rng.random((6, 5)) < 0.35] = np.nan
    dense[5, :] = np.nan
    dense[:, 4] = np.nan
    dense[0, :2] = [5.0, 1.0]
    return dense


def build(name: str, n_users: int, n_items: int, **overrides):
    spec = get_registry().model(name)
    return kit.build_model(spec, n_users, n_items, {**spec.defaults(), **overrides})


def test_bias_one_pass_is_koren_decoupled_estimate(ratings):
    model = build("bias", *ratings.shape, user_regularisation=3.0, item_regularisation=2.0, iterations=1)
    model.fit_matrix(csr(ratings))
    mu = np.nanmean(ratings)
    rated = ~np.isnan(ratings)
    residual = np.where(rated, ratings - mu, 0.0)
    item_bias = residual.sum(0) / (2.0 + rated.sum(0))
    user_bias = np.where(rated, residual - item_bias, 0.0).sum(1) / (3.0 + rated.sum(1))
    assert float(model.global_mean) == pytest.approx(mu, abs=1e-6)
    np.testing.assert_allclose(model.item_bias.numpy(), item_bias, atol=1e-6)
    np.testing.assert_allclose(model.user_bias.numpy(), user_bias, atol=1e-6)


def test_bias_passes_converge_to_the_regularised_least_squares_solution(ratings):
    model = build("bias", *ratings.shape, user_regularisation=3.0, item_regularisation=2.0, iterations=200)
    model.fit_matrix(csr(ratings))
    n_users, n_items = ratings.shape
    users, items = np.nonzero(~np.isnan(ratings))
    # Normal equations of Σ (r - μ - b_u - b_i)² + 3 Σ b_u² + 2 Σ b_i², solved directly.
    design = np.zeros((len(users), n_users + n_items))
    design[np.arange(len(users)), users] = 1.0
    design[np.arange(len(users)), n_users + items] = 1.0
    penalty = np.diag([3.0] * n_users + [2.0] * n_items)
    target = ratings[users, items] - np.nanmean(ratings)
    solution = np.linalg.solve(design.T @ design + penalty, design.T @ target)
    np.testing.assert_allclose(model.user_bias.numpy(), solution[:n_users], atol=1e-5)
    np.testing.assert_allclose(model.item_bias.numpy(), solution[n_users:], atol=1e-5)


def test_bias_predicts_mean_plus_the_known_side_for_unseen_users_and_items(ratings):
    model = build("bias", *ratings.shape)
    model.fit_matrix(csr(ratings))
    with torch.no_grad():
        unseen_user = model.predict(torch.tensor([5]), torch.tensor([1]))
        unseen_item = model.predict(torch.tensor([2]), torch.tensor([4]))
    assert float(unseen_user) == pytest.approx(float(model.global_mean + model.item_bias[1]), abs=1e-6)
    assert float(unseen_item) == pytest.approx(float(model.global_mean + model.user_bias[2]), abs=1e-6)


def test_bias_without_regularisation_and_without_ratings_stays_finite(ratings):
    model = build("bias", *ratings.shape, user_regularisation=0.0, item_regularisation=0.0)
    model.fit_matrix(csr(ratings))
    assert torch.isfinite(model.user_bias).all() and torch.isfinite(model.item_bias).all()


def test_bias_refuses_zero_passes():
    with pytest.raises(RecbenchError, match="iterations=0"):
        build("bias", 3, 3, iterations=0)


def test_svdpp_implicit_term_is_the_scaled_sum_of_the_users_item_factors(ratings):
    torch.manual_seed(0)
    model = build("svdpp", *ratings.shape, embedding_dim=4)
    model.fit_matrix(csr(ratings))
    with torch.no_grad():
        implicit, _ = model.implicit_user(torch.tensor([0, 5, 0]))
        for row, user in enumerate([0, 5, 0]):
            rated = np.flatnonzero(~np.isnan(ratings[user]))
            expected = model.implicit_factors.weight[rated].sum(0) / np.sqrt(max(len(rated), 1)) if len(rated) else torch.zeros(4)
            torch.testing.assert_close(implicit[row], expected)
        users, items = torch.tensor([0, 1, 2]), torch.tensor([1, 2, 0])
        implicit, _ = model.implicit_user(users)
        p, q = model.user_factors(users), model.item_factors(items)
        by_hand = model.global_mean + model.user_bias(users).squeeze(-1) + model.item_bias(items).squeeze(-1) + (q * (p + implicit)).sum(-1)
        torch.testing.assert_close(model.predict(users, items), by_hand)


@pytest.mark.parametrize("name", ["iautorec", "uautorec"])
def test_autorec_predicts_from_the_reconstruction_of_the_training_row(name, ratings):
    torch.manual_seed(0)
    model = build(name, *ratings.shape, hidden_dim=7)
    model.fit_matrix(csr(ratings))
    rows = np.nan_to_num(ratings, nan=0.0).astype(np.float32)
    rows = rows.T if name == "iautorec" else rows  # I-AutoRec reads each item's ratings from every user
    with torch.no_grad():
        reconstruction = model(torch.from_numpy(rows))
        users, items = torch.tensor([0, 3, 5, 2, 0]), torch.tensor([1, 1, 4, 0, 3])
        predicted = model.predict(users, items)
    expected = reconstruction[items, users] if name == "iautorec" else reconstruction[users, items]
    torch.testing.assert_close(predicted, expected)


@pytest.mark.parametrize("name", ["iautorec", "uautorec"])
def test_autorec_predictions_do_not_depend_on_its_chunk_size(name, ratings):
    torch.manual_seed(0)
    model = build(name, *ratings.shape, hidden_dim=7)
    model.fit_matrix(csr(ratings))
    users, items = torch.arange(6).repeat_interleave(5), torch.arange(5).repeat(6)  # every pair
    with torch.no_grad():
        whole = model.predict(users, items)
        model.prediction_chunk_rows = 2
        chunked = model.predict(users, items)
    torch.testing.assert_close(whole, chunked)


def test_autorec_refuses_an_unknown_optimizer():
    with pytest.raises(RecbenchError, match="optimizer='sgd' is not supported"):
        build("iautorec", 4, 4, optimizer="sgd")


def test_autorec_lbfgs_needs_every_row_in_one_batch():
    split = kit.rating_split()
    with pytest.raises(RecbenchError, match="set batch_size=0"):
        kit.fit(get_registry().model("iautorec"), split, max_epochs=1, hyperparameters={"batch_size": 16})
