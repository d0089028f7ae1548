"""The sequential data module on hand-made and generated sequences: order, padding, truncation, leakage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from omegaconf import OmegaConf

from recbench.errors import RecbenchError
from recbench.splitting import make_split
from recbench.training._sequences import SequenceDataModule, UserSequences, check_next_item_protocol
from tests.unit.splitting.split_fixtures import interactions

LOO = {"kind": "loo", "order": "time", "min_history": 3, "seed": 2020}
PAD = 30  # n_items of the hand-made data: the padding index


def hand_made():
    """Users 0-3 with known sequences over items 0..29 (ids equal their dense index)."""
    rows = []
    for position, item in enumerate(range(0, 10)):  # user 0: items 0..9 in order
        rows.append((0, item, 100 + position))
    for position, item in enumerate([12, 11, 10, 13]):  # user 1: time order differs from item order
        rows.append((1, item, 50 - 10 * position))
    rows += [(2, 14, 1), (2, 15, 2)]  # user 2: too short to evaluate; trains only
    for item in (16, 17, 18, 19):  # user 3: all at one timestamp; the file order decides
        rows.append((3, item, 7))
    rows += [(4, item, item) for item in range(20, 30)]  # user 4 makes every item id appear
    frame = pd.DataFrame(rows, columns=["user", "item", "timestamp"])
    return make_split(interactions(frame), LOO)


def rows(sequences: torch.Tensor, lengths: torch.Tensor) -> list[list[int]]:
    return [row[:length].tolist() for row, length in zip(sequences, lengths)]


def test_histories_are_time_ordered_and_hold_what_is_masked_as_seen():
    split = hand_made()
    module = SequenceDataModule(split, max_length=20)
    valid = module.history_batch("valid", torch.tensor([0, 1, 3]))
    test = module.history_batch("test", torch.tensor([0, 1, 3]))
    # user 1's items by time: 13, 10, 11, 12 -> test 12, valid 11
    assert rows(valid["sequences"], valid["lengths"]) == [list(range(8)), [13, 10], [16, 17]]
    assert rows(test["sequences"], test["lengths"]) == [list(range(9)), [13, 10, 11], [16, 17, 18]]


def test_equal_timestamps_keep_file_order_as_the_split_does():
    split = hand_made()
    assert split.test[split.test["user"] == 3]["item"].tolist() == [19]
    assert split.valid[split.valid["user"] == 3]["item"].tolist() == [18]


def test_batches_are_right_padded_to_the_longest_history_and_truncated_to_the_latest_items():
    split = hand_made()
    module = SequenceDataModule(split, max_length=4)
    batch = module.history_batch("test", torch.tensor([1, 0]))
    assert batch["sequences"].tolist() == [[13, 10, 11, PAD], [5, 6, 7, 8]]
    assert batch["lengths"].tolist() == [3, 4]
    short = module.history_batch("valid", torch.tensor([1]))
    assert short["sequences"].shape == (1, 2)  # as wide as its longest history, no wider


def test_a_user_without_history_gets_an_all_padding_row():
    sequences = UserSequences([pd.DataFrame({"user": [0], "item": [3], "timestamp": [1]})], n_users=2, padding_index=9)
    padded, lengths = sequences.last(torch.tensor([1, 0]), 5)
    assert padded.tolist() == [[9], [3]] and lengths.tolist() == [0, 1]


def test_training_batches_hold_the_last_max_length_plus_one_training_items():
    split = hand_made()
    module = SequenceDataModule(split, max_length=3, batch_size=10)
    batches = list(module.train_dataloader())
    assert len(batches) == 1
    batch = batches[0]
    by_user = dict(zip(batch["users"].tolist(), rows(batch["sequences"], batch["lengths"])))
    assert by_user == {0: [4, 5, 6, 7], 1: [13, 10], 2: [14, 15], 3: [16, 17], 4: [24, 25, 26, 27]}
    assert batch["sequences"].shape[1] == 4 and set(batch) == {"users", "sequences", "lengths"}


def generated_split(seed: int = 0, n_users: int = 60, n_items: int = 40):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        [(u, int(i), int(t)) for u in range(n_users) for t, i in enumerate(rng.choice(n_items, rng.integers(2, 25), replace=False))],
        columns=["user", "item", "timestamp"],
    )
    frame = pd.concat([frame, pd.DataFrame({"user": 0, "item": np.arange(n_items), "timestamp": 99})]).drop_duplicates(["user", "item"])
    return make_split(interactions(frame), LOO)


def test_no_training_batch_holds_a_validation_or_test_item():
    split = generated_split()
    module = SequenceDataModule(split, max_length=8, batch_size=7, num_negatives=2)
    held_out = set(zip(split.valid["user"], split.valid["item"])) | set(zip(split.test["user"], split.test["item"]))
    trained = set(zip(split.train["user"], split.train["item"]))
    seen_users = []
    for batch in module.train_dataloader():
        seen_users += batch["users"].tolist()
        for user, row, negatives in zip(batch["users"].tolist(), batch["sequences"], batch["negatives"]):
            items = [i for i in row.tolist() if i != split.n_items]
            assert not {(user, i) for i in items} & held_out
            assert not {(user, i) for i in negatives.flatten().tolist()} & trained, "a negative is a training item"
    assert sorted(seen_users) == module.training_users.tolist(), "each training user once per epoch"


def test_test_histories_include_the_validation_item_and_never_the_test_item():
    split = generated_split()
    module = SequenceDataModule(split, max_length=50)
    users = torch.from_numpy(split.users("test"))
    batch = module.history_batch("test", users)
    valid_item = dict(zip(split.valid["user"], split.valid["item"]))
    test_item = dict(zip(split.test["user"], split.test["item"]))
    for user, history in zip(users.tolist(), rows(batch["sequences"], batch["lengths"])):
        assert history[-1] == valid_item[user]
        assert test_item[user] not in history
    for user, history in zip(users.tolist(), rows(**{k: v for k, v in module.history_batch("valid", users).items() if k != "users"})):
        assert valid_item[user] not in history and test_item[user] not in history


def test_negatives_align_with_target_positions():
    split = generated_split()
    batch = next(iter(SequenceDataModule(split, max_length=6, batch_size=5, num_negatives=3).train_dataloader()))
    batch_size, width = batch["sequences"].shape
    assert batch["negatives"].shape == (batch_size, width - 1, 3)


def test_batches_group_similar_lengths_but_every_epoch_differs():
    split = generated_split(n_users=400)
    module = SequenceDataModule(split, max_length=30, batch_size=8)
    first = [b["users"].tolist() for b in module.train_dataloader()]
    second = [b["users"].tolist() for b in module.train_dataloader()]
    assert first != second
    padded = sum(b["sequences"].numel() for b in module.train_dataloader())
    real = int(sum(b["lengths"].sum() for b in module.train_dataloader()))
    assert padded < 1.5 * real, "batches of similar length waste little on padding"


def test_the_same_seed_gives_the_same_batches():
    split = generated_split()

    def epoch(seed):
        module = SequenceDataModule(split, max_length=5, batch_size=6, num_negatives=1, seed=seed)
        return [torch.cat([b["sequences"].flatten(), b["negatives"].flatten()]) for b in module.train_dataloader()]

    assert all(torch.equal(a, b) for a, b in zip(epoch(3), epoch(3)))
    assert not all(torch.equal(a, b) for a, b in zip(epoch(3), epoch(4)))


def test_data_without_timestamps_is_refused_with_the_reason():
    split = hand_made()
    split.train = split.train.drop(columns="timestamp")
    with pytest.raises(RecbenchError, match="time order"):
        SequenceDataModule(split)


@pytest.mark.parametrize(("split_options", "accepted"), [({"kind": "loo", "order": "time"}, True), ({"kind": "temporal"}, True), ({"kind": "loo", "order": "random"}, False), ({"kind": "ratio"}, False), ({"kind": "strong"}, False)])
def test_only_time_respecting_protocols_run_sequential_models(split_options, accepted):
    protocol = OmegaConf.create({"id": "some-protocol", "split": split_options})
    if accepted:
        check_next_item_protocol(protocol)
    else:
        with pytest.raises(RecbenchError, match="protocol=loo-time-full"):
            check_next_item_protocol(protocol)
