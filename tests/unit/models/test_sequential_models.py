"""Sequential models (SASRec, GRU4Rec, Caser, BERT4Rec), their losses and the kit, on small generated data."""

from __future__ import annotations

import warnings

import pytest
import torch
import torch.nn.functional as F

from recbench.errors import RecbenchError
from recbench.models.base import keep_last, top1_loss
from recbench.models.bert4rec.spec import SPEC as BERT4REC_SPEC
from recbench.models.caser.spec import SPEC as CASER_SPEC
from recbench.models.gru4rec.spec import SPEC as GRU4REC_SPEC
from recbench.models.losses import bce_loss, bpr_loss
from recbench.models.sasrec.model import SASRec
from recbench.models.sasrec.spec import SPEC as SASREC_SPEC
from recbench.plugins import ModelSpec, ModelTags
from recbench.testing import model_checks
from recbench.testing import _harness as ranking_kit
from recbench.testing import _sequence_harness as kit
from recbench.testing._sequence_checks import SEQUENCE_CHECKS, check_no_held_out_access
from recbench.training import build_model

SPECS = [SASREC_SPEC, GRU4REC_SPEC, CASER_SPEC, BERT4REC_SPEC]
CAUSAL_SPECS = [SASREC_SPEC, GRU4REC_SPEC, CASER_SPEC]
# Popularity reaches test ndcg@10 0.075 on the planted split; a loss that learns goes well beyond.
POPULARITY_NDCG = 0.075


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*self.log.*")  # training_step called without a Trainer
        yield


@pytest.fixture(scope="module")
def split():
    return ranking_kit.planted_split()


def _model(spec, split, seed: int = 0, **overrides):
    torch.manual_seed(seed)
    return build_model(spec, split.n_users, split.n_items, kit.sequence_hyperparameters(spec, overrides))


# --- losses ---------------------------------------------------------------------------------------


def test_top1_loss_by_hand():
    positive, negative = torch.tensor([1.0]), torch.tensor([[0.0, 2.0]])
    expected = (torch.sigmoid(torch.tensor(-1.0)) + 0.5 + torch.sigmoid(torch.tensor(1.0)) + torch.sigmoid(torch.tensor(4.0))) / 2
    torch.testing.assert_close(top1_loss(positive, negative), expected)


def test_next_item_losses_score_targets_and_negatives_with_the_model_output_layer(split):
    model = _model(SASREC_SPEC, split)
    hidden, targets = torch.randn(5, model.hparams.embedding_dim), torch.tensor([0, 3, 3, 7, 1])
    negatives = torch.randint(split.n_items, (5, 4))
    logits = model.item_logits(hidden)
    torch.testing.assert_close(model.next_item_loss(hidden, targets, None, "ce"), F.cross_entropy(logits, targets))
    positive, negative = logits.gather(1, targets.unsqueeze(1)).squeeze(1), logits.gather(1, negatives)
    for name, reference in (("bce", bce_loss), ("bpr", bpr_loss), ("top1", top1_loss)):
        torch.testing.assert_close(model.next_item_loss(hidden, targets, negatives, name), reference(positive, negative), rtol=1e-5, atol=1e-6)
    with pytest.raises(RecbenchError, match="num_negatives"):
        model.next_item_loss(hidden, targets, None, "bce")


@pytest.mark.parametrize(
    ("spec", "loss"),
    [(SASREC_SPEC, "ce"), (SASREC_SPEC, "bce"), (GRU4REC_SPEC, "ce"), (GRU4REC_SPEC, "bpr"), (GRU4REC_SPEC, "top1"), (CASER_SPEC, "ce"), (BERT4REC_SPEC, None)],
    ids=["sasrec-ce", "sasrec-bce", "gru4rec-ce", "gru4rec-bpr", "gru4rec-top1", "caser-ce", "bert4rec-masked"],
)
def test_each_loss_learns_beyond_popularity(spec, loss, split):
    model = kit.fit(spec, split, max_epochs=10, hyperparameters={"loss": loss} if loss else None)
    assert kit.held_out_ndcg(model, split) > 1.5 * POPULARITY_NDCG


@pytest.mark.parametrize(("spec", "loss", "negatives"), [(SASREC_SPEC, "ce", 0), (SASREC_SPEC, "bce", 1), (GRU4REC_SPEC, "top1", 32), (CASER_SPEC, "bce", 3), (BERT4REC_SPEC, None, 0)])
def test_the_data_module_draws_negatives_only_for_pairwise_losses(spec, loss, negatives):
    values = {**spec.defaults(), **({"loss": loss} if loss else {})}
    assert spec.load_class().training_negatives(values) == negatives


@pytest.mark.parametrize("spec", [SASREC_SPEC, GRU4REC_SPEC, CASER_SPEC])
def test_an_unknown_loss_is_refused_naming_the_field(spec, split):
    with pytest.raises(RecbenchError, match="loss='softmax'.*use one of"):
        _model(spec, split, loss="softmax")


# --- what each model reads ------------------------------------------------------------------------


@pytest.mark.parametrize("spec", CAUSAL_SPECS, ids=lambda s: s.name)
def test_causal_models_never_read_later_positions(spec, split):
    model = _model(spec, split).eval()
    sequences = torch.randint(split.n_items, (3, 8))
    changed = sequences.clone()
    changed[:, 5:] = torch.randint(split.n_items, (3, 3))
    users = torch.tensor([0, 1, 2])
    with torch.no_grad():
        torch.testing.assert_close(model.encode(users, sequences)[:, :5], model.encode(users, changed)[:, :5])


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_padding_does_not_change_scores(spec, split):
    model = _model(spec, split).eval()
    pad = split.n_items
    users, lengths = torch.tensor([0, 1]), torch.tensor([3, 2])
    narrow = torch.tensor([[4, 5, 6], [7, 8, pad]])
    wide = torch.cat([narrow, torch.full((2, 4), pad)], dim=1)
    with torch.no_grad():
        torch.testing.assert_close(model.score_sequences(users, narrow, lengths), model.score_sequences(users, wide, lengths))


def test_bert4rec_masks_real_positions_only_and_scores_from_a_mask_after_the_history(split, monkeypatch):
    model = _model(BERT4REC_SPEC, split, mask_probability=0.5)
    pad, mask = split.n_items, split.n_items + 1
    seen = []
    original = model.encode
    monkeypatch.setattr(model, "encode", lambda users, sequences: seen.append(sequences.clone()) or original(users, sequences))
    batch = {"users": torch.tensor([0, 1]), "sequences": torch.tensor([[1, 2, 3, 4], [5, 6, pad, pad]]), "lengths": torch.tensor([4, 2])}
    model.training_step(batch, 0)
    inputs = seen[-1]
    assert ((inputs == mask) <= (batch["sequences"] != pad)).all(), "a pad was masked"
    assert ((inputs == batch["sequences"]) | (inputs == mask)).all()
    model.eval()
    with torch.no_grad():
        model.score_sequences(batch["users"], batch["sequences"], batch["lengths"])
    assert seen[-1].tolist() == [[1, 2, 3, 4, mask], [5, 6, mask, pad, pad]]


def test_keep_last_cuts_right_padded_rows_to_their_latest_items():
    sequences, lengths = torch.tensor([[1, 2, 3, 4], [5, 6, 9, 9]]), torch.tensor([4, 2])
    cut, kept = keep_last(sequences, lengths, 3, padding_index=9)
    assert cut.tolist() == [[2, 3, 4], [5, 6, 9]] and kept.tolist() == [3, 2]


def test_sequential_models_refuse_scoring_by_user_id(split):
    with pytest.raises(RecbenchError, match="score_sequences"):
        _model(SASREC_SPEC, split).score_users(torch.tensor([0]))


# --- the conformance kit --------------------------------------------------------------------------


def test_the_kit_gives_sequential_models_the_history_checks():
    assert [c.name for c in model_checks(SASREC_SPEC)] == [c.name for c in SEQUENCE_CHECKS]


class PeekingSASRec(SASRec):
    """Trains honestly but adds a bonus to the items it finds in the evaluator's held-out data."""

    def training_step(self, batch, batch_idx):
        for callback in self.trainer.callbacks:
            evaluator = getattr(callback, "evaluator", None)
            if evaluator is not None:
                self.stolen = torch.zeros(self.n_items).index_add_(0, evaluator.relevant["valid"].items, torch.ones(len(evaluator.relevant["valid"].items)))
        return super().training_step(batch, batch_idx)

    def item_logits(self, hidden, items=None):
        logits = super().item_logits(hidden, items)
        stolen = getattr(self, "stolen", None)
        if stolen is None:
            return logits
        return logits + (stolen if items is None else stolen[items])


def test_a_sequential_model_reading_held_out_data_is_caught():
    peeking = ModelSpec("peeking-sasrec", PeekingSASRec, SASREC_SPEC.config, ModelTags(task="sequential", input_kind="sequences"))
    with pytest.raises(AssertionError, match="reads held-out data"):
        check_no_held_out_access(peeking)


@pytest.mark.parametrize("spec", [SASREC_SPEC, BERT4REC_SPEC], ids=lambda spec: spec.name)
def test_heads_that_do_not_divide_the_width_are_one_clear_error(spec):
    with pytest.raises(RecbenchError, match=f"{spec.name}: num_heads=3 must divide embedding_dim=64"):
        build_model(spec, 5, 7, {**spec.defaults(), "num_heads": 3})
