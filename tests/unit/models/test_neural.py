"""Neural models (GMF, MLP, NeuMF, Mult-VAE, Mult-DAE, LightGCN) and the shared losses, on small generated data."""

from __future__ import annotations

import math
import warnings

import pytest
import torch
import torch.nn.functional as F

from recbench.errors import RecbenchError
from recbench.models.convncf.spec import SPEC as CONVNCF_SPEC
from recbench.models.gmf.spec import SPEC as GMF_SPEC
from recbench.models.lightgcn.model import normalised_adjacency
from recbench.models.lightgcn.spec import SPEC as LIGHTGCN_SPEC
from recbench.models.losses import bce_loss, bpr_loss, multinomial_nll, sampled_softmax_loss
from recbench.models.mlp.spec import SPEC as MLP_SPEC
from recbench.models.multdae.spec import SPEC as MULTDAE_SPEC
from recbench.models.multvae.model import kl_weight
from recbench.models.multvae.spec import SPEC as MULTVAE_SPEC
from recbench.models.neumf.spec import SPEC as NEUMF_SPEC
from recbench.testing._harness import kit_hyperparameters, planted_split
from recbench.training import InteractionDataModule, build_model
from recbench.training._datamodule import training_matrix

SPECS = [GMF_SPEC, MLP_SPEC, NEUMF_SPEC, CONVNCF_SPEC, MULTVAE_SPEC, MULTDAE_SPEC, LIGHTGCN_SPEC]
NCF_SPECS = [GMF_SPEC, MLP_SPEC, NEUMF_SPEC, CONVNCF_SPEC]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*self.log.*")  # training_step called without a Trainer
        warnings.filterwarnings("ignore", ".*[Ss]parse.*")
        yield


@pytest.fixture(scope="module")
def split():
    return planted_split()


def _model(spec, split, seed: int = 0, **overrides):
    torch.manual_seed(seed)
    model = build_model(spec, split.n_users, split.n_items, kit_hyperparameters(spec, overrides))
    model.fit_matrix(training_matrix(split))
    return model


def _first_batch(spec, split, model):
    hp = model.hparams
    datamodule = InteractionDataModule(
        split, spec.tags.input_kind, batch_size=hp.batch_size, num_negatives=hp.get("num_negatives", 1), seed=0
    )
    return next(iter(datamodule.train_dataloader()))


# --- losses against hand-computed values ---------------------------------------------------------

POSITIVE = torch.tensor([2.0, 0.0])
NEGATIVE = torch.tensor([[1.0, -1.0], [0.5, 0.0]])


def _log_sigmoid(x: float) -> float:
    return -math.log1p(math.exp(-x))


def test_bpr_loss_by_hand():
    margins = [2 - 1, 2 + 1, 0 - 0.5, 0 - 0]
    expected = -sum(_log_sigmoid(m) for m in margins) / 4
    assert bpr_loss(POSITIVE, NEGATIVE).item() == pytest.approx(expected, abs=1e-6)


def test_bce_loss_by_hand():
    # label 1: -log sigmoid(s); label 0: -log(1 - sigmoid(s)) = -log sigmoid(-s); mean over all 6 pairs
    terms = [-_log_sigmoid(2.0), -_log_sigmoid(0.0)] + [-_log_sigmoid(-s) for s in (1.0, -1.0, 0.5, 0.0)]
    assert bce_loss(POSITIVE, NEGATIVE).item() == pytest.approx(sum(terms) / 6, abs=1e-6)
    labels = torch.tensor([[1.0, 0, 0], [1.0, 0, 0]])
    logits = torch.cat([POSITIVE.unsqueeze(1), NEGATIVE], 1)
    torch.testing.assert_close(bce_loss(POSITIVE, NEGATIVE), F.binary_cross_entropy_with_logits(logits, labels))


def test_sampled_softmax_loss_by_hand():
    first = -math.log(math.exp(2) / (math.exp(2) + math.exp(1) + math.exp(-1)))
    second = -math.log(1 / (1 + math.exp(0.5) + 1))
    assert sampled_softmax_loss(POSITIVE, NEGATIVE).item() == pytest.approx((first + second) / 2, abs=1e-6)


def test_multinomial_nll_by_hand():
    logits = torch.tensor([[0.0, 0.0, math.log(2.0)]])  # softmax = (1/4, 1/4, 1/2)
    rows = torch.tensor([[1.0, 0.0, 1.0]])
    assert multinomial_nll(logits, rows).item() == pytest.approx(-(math.log(0.25) + math.log(0.5)), abs=1e-6)


def test_bpr_model_loss_unchanged_by_the_shared_loss():
    """BPR's training step gives, bit for bit, the loss of its former inline formula."""
    from recbench.models.bpr.spec import SPEC as BPR_SPEC

    split = planted_split()
    model = _model(BPR_SPEC, split, num_negatives=3)
    batch = _first_batch(BPR_SPEC, split, model)
    users = model.user_embedding(batch["users"]).unsqueeze(1)
    positives = model.item_embedding(batch["positives"]).unsqueeze(1)
    negatives = model.item_embedding(batch["negatives"])
    former = -F.logsigmoid((users * positives).sum(-1) - (users * negatives).sum(-1)).mean()
    assert torch.equal(model.training_step(batch, 0), former)


# --- every model ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_score_shapes_and_finite(spec, split):
    model = _model(spec, split).eval()
    with torch.no_grad():
        scores = model.score_users(torch.tensor([0, 5, 7]))
    assert scores.shape == (3, split.n_items)
    assert torch.isfinite(scores).all()


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_a_few_steps_reduce_the_loss(spec, split):
    model = _model(spec, split)
    batch = _first_batch(spec, split, model)
    optimizer = model.configure_optimizers()
    model.train()

    def loss() -> torch.Tensor:
        torch.manual_seed(1)  # the same dropout masks and VAE noise at every evaluation
        return model.training_step(batch, 0)

    before = loss().item()
    for _ in range(30):
        optimizer.zero_grad()
        loss().backward()
        optimizer.step()
    assert loss().item() < before


# --- NCF family ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", NCF_SPECS, ids=lambda s: s.name)
def test_chunked_scoring_equals_unchunked(spec, split):
    model = _model(spec, split).eval()
    users = torch.arange(split.n_users)
    with torch.no_grad():
        whole = model.score_users(users, chunk_items=split.n_items)
        for chunk in (1, 7, 33):
            torch.testing.assert_close(model.score_users(users, chunk_items=chunk), whole, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("spec", NCF_SPECS, ids=lambda s: s.name)
def test_scores_match_the_training_logits(spec, split):
    """Full scoring (items shared by all users) and training (items per row) compute the same function."""
    model = _model(spec, split).eval()
    users = torch.tensor([0, 3, 9])
    items = torch.tensor([[1, 2, 3], [4, 0, 4], [7, 8, 1]])
    with torch.no_grad():
        torch.testing.assert_close(model.logits(users, items), model.score_users(users).gather(1, items), rtol=1e-5, atol=1e-6)


def test_scoring_chunks_bound_memory(split):
    model = _model(NEUMF_SPEC, split).eval()
    model.score_chunk_elements = 64 * model.feature_width  # 64 pairs per chunk
    seen = []
    original = model.logits
    model.logits = lambda users, items: (seen.append(users.shape[0] * items.shape[1]), original(users, items))[1]
    with torch.no_grad():
        model.score_users(torch.arange(8))
    assert max(seen) <= 64 and sum(seen) == 8 * split.n_items


def test_convncf_logits_are_a_cnn_over_the_outer_product(split):
    """The window-product first layer and channels-last convolutions compute the paper's network:
    conv2d (kernel 2, stride 2, ReLU) over the explicit d x d map p_u q_i^T, down to 1 x 1."""
    model = _model(CONVNCF_SPEC, split, embedding_dim=8, channels=4).eval()
    users, items = torch.tensor([0, 3, 9]), torch.tensor([[1, 2], [4, 0], [7, 7]])
    with torch.no_grad():
        p = model.user_embedding(users).unsqueeze(1).expand(-1, 2, -1).reshape(6, 8)
        q = model.item_embedding(items).reshape(6, 8)
        maps = torch.einsum("nr,nc->nrc", p, q).unsqueeze(1)  # [6, 1, 8, 8]
        for convolution in model.convolutions:
            maps = F.relu(F.conv2d(maps, convolution.weight, convolution.bias, stride=2))
        expected = model.output(maps.flatten(1)).view(3, 2)
        torch.testing.assert_close(model.logits(users, items), expected, rtol=1e-5, atol=1e-6)


def test_convncf_pretraining_fits_only_the_embeddings(split):
    model = _model(CONVNCF_SPEC, split, pretrain_epochs=3)
    before = {name: value.clone() for name, value in model.state_dict().items()}
    model.on_fit_start()
    changed = {name for name, value in model.state_dict().items() if not torch.equal(value, before[name])}
    assert changed == {"user_embedding.weight", "item_embedding.weight"}


def test_convncf_refuses_a_map_the_convolutions_cannot_halve(split):
    with pytest.raises(RecbenchError, match="embedding_dim=24 must be a power of two"):
        _model(CONVNCF_SPEC, split, embedding_dim=24)


# --- Mult-VAE / Mult-DAE ------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [MULTVAE_SPEC, MULTDAE_SPEC], ids=lambda s: s.name)
def test_autoencoder_scores_use_only_the_training_row(spec, split):
    model = _model(spec, split).eval()
    users = torch.arange(split.n_users)
    with torch.no_grad():
        scores = model.score_users(users)
        rows = model.history_rows(users)
        torch.testing.assert_close(scores, model(rows, noisy=False)[0])
        # Another training matrix in which only user 0's row differs changes only user 0's scores.
        dense = training_matrix(split).to_dense()
        dense[0] = 0.0
        dense[0, :3] = 1.0
        model.attach_history(dense.to_sparse_csr())
        changed = model.score_users(users)
    assert not torch.allclose(changed[0], scores[0])
    torch.testing.assert_close(changed[1:], scores[1:])


def test_multvae_scores_are_deterministic_and_use_the_mean(split):
    model = _model(MULTVAE_SPEC, split).eval()
    users = torch.tensor([0, 1, 2])
    with torch.no_grad():
        rows = model.history_rows(users)
        encoded = model.encoder(F.normalize(rows, dim=1))
        expected = model.decoder(encoded[:, : model.latent_dim])
        torch.testing.assert_close(model.score_users(users), expected)
        model.train()  # scoring ignores the mode: no dropout, no sampling
        torch.testing.assert_close(model.score_users(users), expected)


def test_multvae_kl_annealing():
    for step, weight in [(0, 0.0), (10, 0.1), (20, 0.2), (500, 0.2)]:
        assert kl_weight(step, anneal_cap=0.2, total_anneal_steps=100) == pytest.approx(weight)
    assert kl_weight(7, anneal_cap=0.3, total_anneal_steps=0) == 0.3


# --- LightGCN -----------------------------------------------------------------------------------------


def test_normalised_adjacency_by_hand():
    # user 0 - items 0, 1; user 1 - item 1.  Degrees: u0 2, u1 1, i0 1, i1 2.
    train = torch.tensor([[1.0, 1.0], [0.0, 1.0]]).to_sparse_csr()
    dense = normalised_adjacency(train, 2, 2).to_dense()
    expected = torch.zeros(4, 4)
    for user, item, value in [(0, 0, 1 / math.sqrt(2 * 1)), (0, 1, 1 / math.sqrt(2 * 2)), (1, 1, 1 / math.sqrt(1 * 2))]:
        expected[user, 2 + item] = expected[2 + item, user] = value
    torch.testing.assert_close(dense, expected)


def test_lightgcn_adjacency_is_not_checkpointed_and_rebuilds(split):
    model = _model(LIGHTGCN_SPEC, split)
    assert set(model.state_dict()) == {"embedding.weight"}
    restored = build_model(LIGHTGCN_SPEC, split.n_users, split.n_items, kit_hyperparameters(LIGHTGCN_SPEC))
    restored.load_state_dict(model.state_dict())
    restored.attach_history(training_matrix(split))
    model.eval(), restored.eval()
    with torch.no_grad():
        torch.testing.assert_close(restored.score_users(torch.arange(5)), model.score_users(torch.arange(5)))


def test_lightgcn_cache_follows_the_weights(split):
    model = _model(LIGHTGCN_SPEC, split).eval()
    users = torch.arange(split.n_users)
    with torch.no_grad():
        before = model.score_users(users)
        assert torch.equal(model.score_users(users), before)  # served from the cache
        model.embedding.weight.mul_(2.0)  # an in-place change, as an optimiser step or a checkpoint load makes
        after = model.score_users(users)
    torch.testing.assert_close(after, 4 * before)
    fresh = _model(LIGHTGCN_SPEC, split, seed=5).eval()
    with torch.no_grad():
        model.load_state_dict(fresh.state_dict())
        torch.testing.assert_close(model.score_users(users), fresh.score_users(users))


def test_lightgcn_propagation_averages_layers(split):
    model = _model(LIGHTGCN_SPEC, split, n_layers=2)
    adjacency = model.adjacency().to_dense()
    e0 = model.embedding.weight.detach()
    e1 = adjacency @ e0
    e2 = adjacency @ e1
    torch.testing.assert_close(model.propagate().detach(), (e0 + e1 + e2) / 3, rtol=1e-5, atol=1e-6)


# --- NeuMF pre-training -------------------------------------------------------------------------------


def test_neumf_pretraining_trains_towers_apart_then_fuses_without_changing_scores(split):
    model = _model(NEUMF_SPEC, split, pretrain=True, pretrain_epochs=1)
    assert not bool(model.fused)
    batch = _first_batch(NEUMF_SPEC, split, model)
    optimizer = model.configure_optimizers()
    for _ in range(5):
        optimizer.zero_grad()
        model.training_step(batch, 0).backward()
        optimizer.step()
    assert model.output.weight.grad is None  # the fused layer is untouched while pre-training
    model.eval()
    users = torch.arange(10)
    with torch.no_grad():
        before = model.score_users(users)
        model.fuse()
        after = model.score_users(users)
    assert bool(model.fused)
    torch.testing.assert_close(after, before, rtol=1e-5, atol=1e-6)
    restored = build_model(NEUMF_SPEC, split.n_users, split.n_items, kit_hyperparameters(NEUMF_SPEC, {"pretrain": True}))
    restored.load_state_dict(model.state_dict())
    restored.eval()
    with torch.no_grad():
        torch.testing.assert_close(restored.score_users(users), after)
