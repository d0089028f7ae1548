"""Uniform negatives: never a positive of the user, right shape, reproducible from the generator seed."""

from __future__ import annotations

import pytest
import torch

from recbench.sampling import PositiveSet, uniform_negatives

N_USERS, N_ITEMS = 30, 25


@pytest.fixture(scope="module")
def interactions():
    g = torch.Generator().manual_seed(0)
    # each user has seen a random share of the items, up to 80%; user 0 all items but one
    share = torch.rand(N_USERS, 1, generator=g) * 0.8
    mask = torch.rand(N_USERS, N_ITEMS, generator=g) < share
    mask[0] = True
    mask[0, 17] = False  # user 0 has seen every item but 17
    users, items = mask.nonzero(as_tuple=True)
    return users, items, mask


def _draw(interactions, seed, num=40, users=None):
    u, i, _ = interactions
    positives = PositiveSet(u, i, N_ITEMS)
    users = torch.arange(N_USERS) if users is None else users
    return uniform_negatives(users, num, positives, torch.Generator().manual_seed(seed))


def test_positive_set_membership_matches_the_pairs(interactions):
    u, i, mask = interactions
    positives = PositiveSet(u, i, N_ITEMS)
    all_users = torch.arange(N_USERS).repeat_interleave(N_ITEMS)
    all_items = torch.arange(N_ITEMS).repeat(N_USERS)
    assert torch.equal(positives.contains(all_users, all_items), mask.flatten())


def test_negatives_have_the_requested_shape_and_item_range(interactions):
    negatives = _draw(interactions, seed=1, num=7)
    assert negatives.shape == (N_USERS, 7)
    assert negatives.dtype == torch.int64
    assert negatives.min() >= 0 and negatives.max() < N_ITEMS


def test_negatives_are_never_a_positive_of_their_user(interactions):
    _, _, mask = interactions
    users = torch.tensor([1, 5, 5, 29, 3, 1] + list(range(1, N_USERS)))  # repeated users in one batch
    assert mask[users].float().mean(dim=1).max() > 0.7  # dense users: many collisions to redraw
    negatives = _draw(interactions, seed=2, num=200, users=users)
    positive_pairs = {(u, i) for u, i in mask.nonzero().tolist()}
    drawn = {(u, i) for u, row in zip(users.tolist(), negatives.tolist()) for i in row}
    assert not drawn & positive_pairs


def test_a_user_with_one_unseen_item_always_gets_that_item(interactions):
    negatives = _draw(interactions, seed=3, num=500, users=torch.tensor([0]))
    assert negatives.tolist() == [[17] * 500]


def test_draws_cover_the_unseen_items(interactions):
    _, _, mask = interactions
    user = int((~mask).sum(dim=1).argmax())
    negatives = _draw(interactions, seed=4, num=2000, users=torch.tensor([user]))
    assert set(negatives.flatten().tolist()) == set((~mask[user]).nonzero().flatten().tolist())


def test_same_generator_seed_gives_the_same_negatives(interactions):
    assert torch.equal(_draw(interactions, seed=5), _draw(interactions, seed=5))


def test_different_generator_seeds_give_different_negatives(interactions):
    assert not torch.equal(_draw(interactions, seed=5), _draw(interactions, seed=6))


def test_dense_and_sorted_key_membership_draw_identical_negatives(monkeypatch):
    import recbench.sampling._negatives as negatives_module

    generator = torch.Generator().manual_seed(0)
    users = torch.randint(0, 50, (2000,), generator=generator)
    items = torch.randint(0, 40, (2000,), generator=generator)
    draws = []
    for limit in (1 << 26, 0):  # dense bitmap, then binary search over sorted keys
        monkeypatch.setattr(negatives_module, "DENSE_LIMIT", limit)
        positives = negatives_module.PositiveSet(users, items, 40)
        assert (positives.dense is None) == (limit == 0)
        draws.append(uniform_negatives(torch.arange(60), 3, positives, torch.Generator().manual_seed(7)))
    assert torch.equal(draws[0], draws[1])
