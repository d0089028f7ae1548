"""The non-neural baselines: closed forms and similarities against plain references, solver
agreement, batch independence, and that each learns the planted clusters better than chance."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from recbench.errors import RecbenchError
from recbench.plugins import get_registry
from recbench.testing import _harness as kit
from recbench.training._datamodule import training_matrix

BASELINES = ("random", "userknn", "rp3beta", "ease", "puresvd", "ials")


def csr(dense: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(dense.astype(np.float32)).to_sparse_csr()


@pytest.fixture(scope="module")
def tiny() -> np.ndarray:
    """A 9 x 7 binary matrix with one user and one item that have no interactions."""
    rng = np.random.default_rng(7)
    dense = (rng.random((9, 7)) < 0.45).astype(np.float64)
    dense[4] = 0.0
    dense[:, 5] = 0.0
    dense[0, :3] = 1.0
    return dense


@pytest.fixture(scope="module")
def planted():
    return kit.planted_split()


def build(name: str, n_users: int, n_items: int, **overrides):
    spec = get_registry().model(name)
    return kit.build_model(spec, n_users, n_items, {**spec.defaults(), **overrides})


def fitted(name: str, dense: np.ndarray, **overrides):
    torch.manual_seed(0)
    model = build(name, *dense.shape, **overrides)
    if name == "ials":
        model.fit_matrix(csr(dense), track_loss=True)
    else:
        model.fit_matrix(csr(dense))
    return model.eval()


@pytest.mark.parametrize("name", BASELINES)
def test_score_shapes(name, planted):
    torch.manual_seed(0)
    model = build(name, planted.n_users, planted.n_items)
    model.fit_matrix(training_matrix(planted))
    with torch.no_grad():
        scores = model.score_users(torch.tensor([0, 3, 5, 3]))
    assert scores.shape == (4, planted.n_items)
    assert scores.dtype == torch.float32
    assert torch.isfinite(scores).all()
    torch.testing.assert_close(scores[1], scores[3])


@pytest.mark.parametrize("name", BASELINES[1:])
def test_beats_random_on_held_out_planted_items(name, planted):
    spec = get_registry().model(name)
    chance = kit.held_out_ndcg(kit.fit(get_registry().model("random"), planted), planted)
    learned = kit.held_out_ndcg(kit.fit(spec, planted), planted)
    assert learned > chance + 0.15, f"{name}: ndcg@10 {learned:.3f} vs random {chance:.3f}"


def test_random_scores_do_not_depend_on_the_batch():
    model = build("random", 50, 30).eval()
    everyone = model.score_users(torch.arange(50))
    assert torch.equal(model.score_users(torch.tensor([17])), everyone[[17]])
    assert torch.equal(model.score_users(torch.tensor([40, 2, 17, 2])), everyone[[40, 2, 17, 2]])
    assert ((everyone >= 0) & (everyone < 1)).all()
    assert everyone.std() > 0.2  # spread over [0, 1), roughly uniform (std 0.289)
    other = build("random", 50, 30, seed=1).eval().score_users(torch.arange(50))
    assert not torch.equal(other, everyone)


def test_ease_matches_the_closed_form(tiny):
    l2 = 2.0
    gram = tiny.T @ tiny + l2 * np.eye(tiny.shape[1])
    precision = np.linalg.inv(gram)
    expected = np.eye(tiny.shape[1]) - precision / np.diag(precision)[None, :]
    np.fill_diagonal(expected, 0.0)
    model = fitted("ease", tiny, l2=l2)
    np.testing.assert_allclose(model.weights.numpy(), expected, rtol=1e-5, atol=1e-6)
    with torch.no_grad():
        scores = model.score_users(torch.arange(tiny.shape[0])).numpy()
    np.testing.assert_allclose(scores, tiny @ expected, rtol=1e-5, atol=1e-6)


def test_puresvd_projects_onto_the_top_singular_vectors(tiny):
    _, _, vt = np.linalg.svd(tiny)
    v = vt[:3].T
    model = fitted("puresvd", tiny, factors=3)
    with torch.no_grad():
        scores = model.score_users(torch.arange(tiny.shape[0])).numpy()
    np.testing.assert_allclose(scores, tiny @ v @ v.T, atol=1e-5)


def test_puresvd_randomized_path_matches_the_exact_one(planted):
    from recbench.models.puresvd import model as puresvd

    train = training_matrix(planted)
    exact = fitted("puresvd", train.to_dense().numpy(), factors=4).item_factors.double()
    approximate = puresvd.randomized_right_vectors(train, 4).double()
    torch.testing.assert_close(exact @ exact.T, approximate @ approximate.T, atol=1e-4, rtol=0)


def cosine_reference(rows: np.ndarray, shrink: float) -> np.ndarray:
    """similarity[a, b] between the rows of a binary matrix, one pair at a time."""
    n = rows.shape[0]
    similarity = np.zeros((n, n))
    for a in range(n):
        for b in range(n):
            if a != b:
                common = float(np.sum(rows[a] * rows[b]))
                similarity[a, b] = common / (math.sqrt(rows[a].sum()) * math.sqrt(rows[b].sum()) + shrink + 1e-12)
    return similarity


def dense_neighbours(ids: torch.Tensor, weights: torch.Tensor, n: int) -> np.ndarray:
    dense = torch.zeros(ids.shape[0], n, dtype=torch.float64)
    dense.scatter_add_(1, ids, weights.double())
    return dense.numpy()


def test_userknn_similarity_and_scores_match_a_loop(tiny):
    n_users = tiny.shape[0]
    expected = cosine_reference(tiny, shrink=1.5)
    model = fitted("userknn", tiny, neighbours=n_users - 1, shrink=1.5)
    np.testing.assert_allclose(dense_neighbours(model.neighbour_ids, model.neighbour_weights, n_users), expected, atol=1e-6)
    with torch.no_grad():
        scores = model.score_users(torch.tensor([3, 0, 8])).numpy()
    np.testing.assert_allclose(scores, expected[[3, 0, 8]] @ tiny, atol=1e-5)


def test_userknn_scores_in_slices_within_its_entry_budget_and_gives_the_same_scores(tiny, monkeypatch):
    from recbench.models.userknn import model as userknn_module

    model = fitted("userknn", tiny, neighbours=tiny.shape[0] - 1, shrink=1.5)
    users = torch.tensor([3, 0, 8, 1, 6])
    with torch.no_grad():
        whole = model.score_users(users)
    expanded = []
    real_row_entries = userknn_module.row_entries
    monkeypatch.setattr(userknn_module, "ENTRY_BUDGET", 1)  # one user per slice
    monkeypatch.setattr(userknn_module, "row_entries", lambda *a: expanded.append(len(a[2])) or real_row_entries(*a))
    with torch.no_grad():
        sliced = model.score_users(users)
    assert expanded == [tiny.shape[0] - 1] * len(users)  # one user's k neighbours at a time
    assert torch.equal(sliced, whole)


def test_userknn_keeps_the_most_similar_users(tiny):
    expected = cosine_reference(tiny, shrink=0.0)
    model = fitted("userknn", tiny, neighbours=3, shrink=0.0)
    kept = np.sort(model.neighbour_weights.numpy(), axis=1)[:, ::-1]
    np.testing.assert_allclose(kept, np.sort(expected, axis=1)[:, ::-1][:, :3], atol=1e-6)


def rp3beta_reference(x: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """W[i, j] = Σ_u (x_ui / deg(i))^alpha (x_uj / deg(u))^alpha / pop(j)^beta, i ≠ j, by loops."""
    n_users, n_items = x.shape
    item_degree, user_degree = x.sum(0), x.sum(1)
    weights = np.zeros((n_items, n_items))
    for i in range(n_items):
        for j in range(n_items):
            if i == j or item_degree[j] == 0:
                continue
            walk = 0.0
            for u in range(n_users):
                if x[u, i] and x[u, j]:
                    walk += (1.0 / item_degree[i]) ** alpha * (1.0 / user_degree[u]) ** alpha
            weights[i, j] = walk / item_degree[j] ** beta
    return weights


@pytest.mark.parametrize("normalize", [False, True])
def test_rp3beta_weights_and_scores_match_a_loop(tiny, normalize):
    n_items = tiny.shape[1]
    expected = rp3beta_reference(tiny, alpha=0.8, beta=0.4)
    if normalize:
        expected = expected / np.maximum(expected.sum(1, keepdims=True), 1e-12)
    model = fitted("rp3beta", tiny, alpha=0.8, beta=0.4, neighbours=n_items - 1, normalize=normalize)
    np.testing.assert_allclose(dense_neighbours(model.neighbour_ids, model.neighbour_weights, n_items), expected, atol=1e-6)
    with torch.no_grad():
        scores = model.score_users(torch.arange(tiny.shape[0])).numpy()
    np.testing.assert_allclose(scores, tiny @ expected, atol=1e-5)


def test_rp3beta_keeps_the_largest_weights(tiny):
    expected = rp3beta_reference(tiny, alpha=1.0, beta=0.5)
    model = fitted("rp3beta", tiny, alpha=1.0, beta=0.5, neighbours=2, normalize=False)
    kept = np.sort(model.neighbour_weights.numpy(), axis=1)[:, ::-1]
    np.testing.assert_allclose(kept, np.sort(expected, axis=1)[:, ::-1][:, :2], atol=1e-6)


IALS_SMALL = {"factors": 6, "regularization": 0.5, "alpha": 4.0, "iterations": 6}


@pytest.mark.parametrize("solver", ["exact", "cg"])
def test_ials_loss_decreases_every_iteration(planted, solver):
    model = fitted("ials", training_matrix(planted).to_dense().numpy(), solver=solver, **IALS_SMALL)
    losses = np.array(model.losses)
    assert len(losses) == IALS_SMALL["iterations"]
    assert (np.diff(losses) <= 1e-4 * np.abs(losses[:-1])).all(), losses


def test_ials_cg_agrees_with_the_exact_solve(planted):
    dense = training_matrix(planted).to_dense().numpy()
    exact = fitted("ials", dense, solver="exact", **IALS_SMALL)
    cg = fitted("ials", dense, solver="cg", cg_steps=IALS_SMALL["factors"] + 2, **IALS_SMALL)
    users = torch.arange(dense.shape[0])
    with torch.no_grad():
        torch.testing.assert_close(cg.score_users(users), exact.score_users(users), atol=2e-3, rtol=1e-3)
    np.testing.assert_allclose(cg.losses, exact.losses, rtol=1e-3)


def test_ials_exact_solves_the_normal_equations(tiny):
    """After a fit, the last half-step solved every item's system; check it with a per-item loop."""
    model = fitted("ials", tiny, solver="exact", factors=3, regularization=0.3, alpha=2.0, iterations=2)
    users, items = model.user_factors.double().numpy(), model.item_factors.double().numpy()
    for i in range(tiny.shape[1]):
        observed = np.flatnonzero(tiny[:, i])
        system = users.T @ users + 0.3 * np.eye(3) + 2.0 * users[observed].T @ users[observed]
        rhs = 3.0 * users[observed].sum(0)
        np.testing.assert_allclose(items[i], np.linalg.solve(system, rhs), atol=1e-5)


def test_ials_rejects_an_unknown_solver():
    with pytest.raises(RecbenchError, match="ials: solver='lu' is not supported; use one of exact, cg"):
        build("ials", 4, 3, solver="lu")
