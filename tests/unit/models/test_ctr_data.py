"""The ctr task's data: labels from ratings, encoded side features, histories, batches, and the kit catching broken models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from recbench.errors import RecbenchError
from recbench.models.ctr import FieldEmbedding, as_fields
from recbench.plugins import ModelSpec, ModelTags
from recbench.testing import _ctr_harness as kit
from recbench.testing._ctr_checks import check_no_held_out_access, check_prediction_shapes
from recbench.training._ctr import CTRDataModule, CTRSplit, encode_features, impressions, label_impressions


def ml_100k_users() -> pd.DataFrame:
    return pd.DataFrame(
        {"age": [17, 18, 56, 33], "gender": ["M", "F", "M", None], "occupation": ["writer", "artist", "writer", "none"], "zip": ["55105", "T8H1N", " 9", None]}
    )


def movie_items() -> pd.DataFrame:
    items = pd.DataFrame({"title": ["A (1995)", "B", "C (1977)"], "year": pd.array([1995, pd.NA, 1977], dtype="Int64")})
    items["genre:Action"] = [1, 0, 1]
    items["genre:Comedy"] = [1, 0, 0]
    items["genre:Drama"] = [0, 0, 1]
    return items


def test_fields_are_encoded_with_zero_for_missing_and_a_padding_item():
    tables = encode_features(ml_100k_users(), movie_items(), 5, 4, "toy")  # user 4 and item 3 lack side rows
    names = [f["name"] for f in tables.fields]
    assert names == ["user", "age", "gender", "occupation", "zip", "item", "year", "genres"]
    cardinality = {f["name"]: f["cardinality"] for f in tables.fields}
    # ages: under 18 | 18-24 | ... | 56+, the ML-1M groups; 0 = unknown
    assert tables.user["age"].tolist() == [1, 2, 7, 3, 0] and cardinality["age"] == 8
    assert tables.user["gender"].tolist() == [2, 1, 2, 0, 0] and cardinality["gender"] == 3
    assert tables.user["occupation"].tolist() == [3, 1, 3, 2, 0]
    assert tables.user["zip"].tolist() == [1, 3, 2, 0, 0] and cardinality["zip"] == 4  # "551", "9", "T8H"
    assert tables.user["user"].tolist() == [1, 2, 3, 4, 5] and cardinality["user"] == 6
    assert tables.item["item"].tolist() == [1, 2, 3, 4, 0]  # last row: history padding
    assert tables.item["year"].tolist() == [2, 0, 1, 0, 0]
    genres = tables.item["genres"]
    assert genres.shape == (5, 2) and [sorted(row) for row in genres.tolist()] == [[1, 2], [0, 0], [1, 3], [0, 0], [0, 0]]
    assert [f["name"] for f in tables.fields if f["multi_hot"]] == ["genres"]


def test_ml_1m_age_codes_fall_into_the_same_groups():
    users = pd.DataFrame({"gender": ["F"] * 7, "age": [1, 18, 25, 35, 45, 50, 56], "occupation": [10] * 7, "zip": ["48067"] * 7})
    assert encode_features(users, movie_items(), 7, 3, "toy").user["age"].tolist() == [1, 2, 3, 4, 5, 6, 7]


def test_a_dataset_without_side_features_is_refused_naming_the_fix():
    with pytest.raises(RecbenchError, match=r"dataset 'plain' has no user side features.*ml-100k with u.user"):
        encode_features(None, movie_items(), 4, 3, "plain")


def test_rating_3_is_dropped_or_a_non_click():
    frame = pd.DataFrame({"user": [0, 0, 1, 1], "item": [0, 1, 2, 3], "rating": [5, 3, 4, 1]})
    assert label_impressions(frame, "drop")["label"].tolist() == [1, 1, 0]
    assert label_impressions(frame, "negative")["label"].tolist() == [1, 0, 1, 0]
    with pytest.raises(RecbenchError, match="rating_3='maybe'"):
        label_impressions(frame, "maybe")


def test_rating_3_policy_and_side_files_enter_the_split_fingerprint():
    frame, users, items = kit.planted_impressions()
    frame.loc[frame.index % 4 == 0, "rating"] = 3
    from recbench.data import Interactions
    from recbench.splitting import make_split

    data = Interactions("toy", frame, len(users), len(items), np.arange(len(users)), np.arange(len(items)), "f", {}, {}, users, items, {"u.user": "a"})
    split = make_split(data, {"kind": "ratio", "ratios": [0.8, 0.1, 0.1], "seed": 1})
    dropped, negative = impressions(split, data, {"rating_3": "drop"}), impressions(split, data, {"rating_3": "negative"})
    assert dropped.fingerprint != negative.fingerprint != split.fingerprint
    assert len(negative.test) == len(split.test) > len(dropped.test)
    assert dropped.dropped["rating_3"] == (split.valid["rating"] == 3).sum() + (split.test["rating"] == 3).sum()
    data.feature_sha256 = {"u.user": "b"}
    assert impressions(split, data, {"rating_3": "drop"}).fingerprint != dropped.fingerprint


def test_histories_hold_the_users_earlier_training_items_in_time_order():
    train = pd.DataFrame({"user": [0, 0, 0, 0, 1], "item": [5, 6, 7, 8, 2], "timestamp": [30, 10, 20, 20, 5], "label": [1.0, 0, 1, 0, 1]})
    features = encode_features(ml_100k_users(), movie_items(), 3, 10, "toy")
    split = CTRSplit(train, train.iloc[:0], train.iloc[:0], 3, 10, "f", features=features)
    module = CTRDataModule(split, "impressions_with_history", max_history=2)
    batch = module.batch(torch.tensor([0, 0, 0, 1, 2]), torch.tensor([1, 1, 1, 1, 1]), torch.tensor([31, 20, 10, 6, 99]))
    assert batch["history_lengths"].tolist() == [2, 1, 0, 1, 0]
    items = batch["history"]["item"].tolist()  # the item field's index is the item id + 1; 0 pads
    # user 0 at t=31: the last two of 6 (t=10), 7 and 8 (t=20, in file order), 5 (t=30); at t=20 only 6 is earlier
    assert items[0] == [8 + 1, 5 + 1] and items[1] == [6 + 1, 0] and items[2] == [0, 0]
    assert items[3] == [2 + 1, 0] and items[4] == [0, 0]
    assert batch["history"]["genres"].shape[:2] == (5, 2)


def test_training_batches_carry_labels_and_held_out_batches_do_not():
    split = kit.ctr_split()
    module = CTRDataModule(split, "impressions", batch_size=100)
    train = next(iter(module.train_dataloader()))
    assert set(train) == {"users", "items", "features", "labels"} and len(train["labels"]) == 100
    assert set(train["features"]) == {f["name"] for f in split.features.fields}
    held_out = list(module.val_dataloader())
    assert all("labels" not in batch and "history" not in batch for batch in held_out)
    assert torch.cat([b["positions"] for b in held_out]).tolist() == list(range(len(split.valid)))


def test_multi_hot_fields_are_mean_pooled_over_their_values():
    fields = as_fields([{"name": "genres", "cardinality": 4, "owner": "item", "multi_hot": True}, {"name": "item", "cardinality": 3, "owner": "item"}])
    layer = FieldEmbedding(fields, 2)
    table = layer.tables["genres"].weight
    out = layer({"genres": torch.tensor([[1, 3, 0], [0, 0, 0]]), "item": torch.tensor([1, 2])})
    assert out.shape == (2, 2, 2)
    torch.testing.assert_close(out[0, 0], (table[1] + table[3]) / 2)
    assert torch.equal(out[1, 0], torch.zeros(2))


def _broken_spec(kind: str) -> ModelSpec:
    from recbench.models.lr.model import LogisticRegression
    from recbench.models.lr.spec import LogisticRegressionConfig

    class Logits(LogisticRegression):
        """Forgets the sigmoid: returns logits where probabilities belong."""

        def predict(self, batch):
            return self.logits(batch) * 10 - 5

    class Peeking(LogisticRegression):
        """Shifts its bias by the share of clicks the evaluator holds for the validation stage."""

        def on_train_epoch_end(self):
            for callback in self.trainer.callbacks:
                if hasattr(callback, "evaluator"):
                    with torch.no_grad():
                        self.linear.bias += float(callback.evaluator.impressions["valid"][1].mean())

    model_class = {"logits": Logits, "peeking": Peeking}[kind]
    return ModelSpec(kind, model_class, LogisticRegressionConfig, ModelTags(task="ctr", input_kind="impressions"))


def test_the_kit_catches_a_model_returning_logits():
    # the platform's own evaluation refuses it already while the kit fits the model
    with pytest.raises((AssertionError, RecbenchError), match=r"outside \[0, 1\]|apply a sigmoid"):
        check_prediction_shapes(_broken_spec("logits"))


def test_the_kit_catches_a_model_reading_held_out_labels():
    with pytest.raises(AssertionError, match="reads held-out data"):
        check_no_held_out_access(_broken_spec("peeking"))
