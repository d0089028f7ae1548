"""Each compression method on its own: error bounds, sizes, sparsity, reconstruction, shapes."""

from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from recbench.compression import (
    LowRankEmbedding,
    QuantizedEmbedding,
    QuantizedLinear,
    check_compressible,
    compress,
    factorise,
    model_size_bytes,
    sparsity_of,
)
from recbench.errors import RecbenchError
from recbench.plugins import get_registry


def _embedding(rows: int = 500, dim: int = 64, seed: int = 0) -> nn.Embedding:
    torch.manual_seed(seed)
    return nn.Embedding(rows, dim)


class Tables(nn.Module):
    def __init__(self):
        super().__init__()
        self.users = _embedding(300, 32, seed=1)
        self.items = _embedding(200, 32, seed=2)
        self.head = nn.Linear(32, 8)


def test_int8_round_trip_is_within_half_a_step_per_row():
    embedding = _embedding()
    quantized = QuantizedEmbedding(embedding)
    weight = embedding.weight.detach()
    step = weight.abs().amax(dim=1, keepdim=True) / 127
    error = (quantized.weight - weight).abs()
    assert bool((error <= step / 2 + 1e-7).all())
    assert float(error.max() / weight.abs().max()) < 1 / 127
    ids = torch.tensor([[0, 5], [499, 5]])
    torch.testing.assert_close(quantized(ids), quantized.weight[ids])


def test_int8_embedding_is_about_four_times_smaller():
    embedding = _embedding(rows=1000, dim=64)
    ratio = model_size_bytes(embedding) / model_size_bytes(QuantizedEmbedding(embedding))
    # one byte per value plus a float32 scale per row: 4 * 64 / (64 + 4)
    assert ratio == pytest.approx(4 * 64 / 68)
    assert QuantizedEmbedding(embedding).weight_int8.dtype == torch.int8


def test_int8_linear_matches_the_float_layer_closely():
    torch.manual_seed(0)
    linear = nn.Linear(32, 16)
    quantized = QuantizedLinear(linear)
    inputs = torch.randn(10, 32)
    reference = linear(inputs).detach()
    assert float((quantized(inputs) - reference).abs().max()) < 0.02 * float(reference.abs().max())
    torch.testing.assert_close(quantized.bias, linear.bias.detach())


@pytest.mark.parametrize("sparsity", [0.0, 0.3, 0.5, 0.9])
def test_pruning_reaches_the_requested_global_sparsity(sparsity):
    model = Tables()
    total = sum(m.weight.numel() for m in (model.users, model.items, model.head))
    compress(model, {"method": "prune", "sparsity": sparsity})
    zeros = round(sparsity_of(model) * total)
    assert abs(zeros - sparsity * total) <= 1
    assert isinstance(model.users.weight, nn.Parameter)  # permanent: no mask or hook left behind
    assert not list(model.users._forward_pre_hooks.values())
    assert int((model.head.bias == 0).sum()) == 0  # biases are not pruned


def test_pruning_removes_the_smallest_magnitudes():
    model = Tables()
    before = torch.cat([m.weight.detach().flatten().abs() for m in (model.users, model.items, model.head)])
    compress(model, {"method": "prune", "sparsity": 0.5})
    after = torch.cat([m.weight.detach().flatten().abs() for m in (model.users, model.items, model.head)])
    kept = before[after != 0]
    removed = before[after == 0]
    assert float(removed.max()) <= float(kept.min())


@pytest.mark.parametrize("rank", [1, 4, 16])
def test_low_rank_error_equals_the_left_out_singular_values(rank):
    weight = _embedding(rows=120, dim=24).weight.detach()
    left, right = factorise(weight, rank)
    singular = torch.linalg.svdvals(weight)
    error = torch.linalg.matrix_norm(weight - left @ right)
    torch.testing.assert_close(error, singular[rank:].pow(2).sum().sqrt(), rtol=1e-4, atol=1e-5)


def test_low_rank_embedding_looks_up_rows_of_the_product():
    embedding = _embedding(rows=50, dim=16)
    factorised = LowRankEmbedding(embedding, rank=4)
    ids = torch.tensor([3, 7, 49])
    torch.testing.assert_close(factorised(ids), factorised.weight[ids])
    assert model_size_bytes(factorised) == (50 * 4 + 4 * 16) * 4


def test_full_rank_reconstructs_the_table():
    embedding = _embedding(rows=40, dim=8)
    factorised = LowRankEmbedding(embedding, rank=100)  # capped at the smaller side
    assert factorised.rank == 8
    torch.testing.assert_close(factorised.weight, embedding.weight.detach(), rtol=1e-4, atol=1e-5)


def _built(name: str, n_users: int = 30, n_items: int = 40):
    model_class = get_registry().model(name).load_class()
    model = model_class(n_users=n_users, n_items=n_items)
    return model.eval()


@pytest.mark.parametrize("name", ["bpr", "neumf"])
@pytest.mark.parametrize("method", ["int8", "prune", "lowrank"])
def test_compressed_models_score_the_same_shapes(name, method):
    model = _built(name)
    users = torch.arange(7)
    with torch.no_grad():
        before = model.score_users(users)
        compressed = compress(copy.deepcopy(model), {"method": method, "sparsity": 0.5, "rank": 4})
        after = compressed.score_users(users)
        candidates = compressed.score_candidates(users, torch.zeros(7, 3, dtype=torch.long))
    assert after.shape == before.shape == (7, 40) and after.dtype == torch.float32
    assert candidates.shape == (7, 3)
    assert bool(torch.isfinite(after).all())
    if method == "int8":
        assert model_size_bytes(compressed) * 3.5 <= model_size_bytes(model)
        torch.testing.assert_close(after, before, rtol=0.05, atol=0.05)


@pytest.mark.parametrize("name", ["pop", "itemknn", "ease"])
def test_models_without_layers_are_refused_with_their_name(name):
    model = _built(name)
    with pytest.raises(RecbenchError, match=f"model '{name}' cannot be compressed with compress=int8: .* nn.Embedding or nn.Linear"):
        check_compressible(model, {"method": "int8"}, name)


def test_low_rank_needs_an_embedding_table():
    with pytest.raises(RecbenchError, match="has no nn.Embedding layer"):
        check_compressible(nn.Sequential(nn.Linear(4, 4)), {"method": "lowrank", "rank": 2})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"method": "int4"}, "compress.method='int4' is not supported"),
        ({"method": "prune", "sparsity": 1.0}, r"compress.sparsity must lie in \[0, 1\)"),
        ({"method": "lowrank", "rank": 0}, "compress.rank must be at least 1"),
    ],
)
def test_bad_settings_are_one_clear_error(options, message):
    with pytest.raises(RecbenchError, match=message):
        check_compressible(Tables(), options)


def test_compression_is_deterministic():
    first = compress(Tables(), {"method": "int8"})
    second = compress(Tables(), {"method": "int8"})
    assert torch.equal(first.users.weight_int8, second.users.weight_int8)
    assert torch.equal(first.head.scale, second.head.scale)
