"""Fitting rating models on small planted ratings, the way the platform does, for the checks."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytorch_lightning as pl
import torch

from recbench.data import Interactions
from recbench.data._dataset import remap_ids
from recbench.evaluation import RatingEvaluation, RatingEvaluator
from recbench.metrics import root_mean_squared_error
from recbench.plugins import ModelSpec
from recbench.splitting import Split, make_split
from recbench.testing._harness import kit_trainer
from recbench.training import build_model
from recbench.training._ratings import RatingDataModule, rating_matrix
from recbench.training._run import quiet_lightning


KIT_BATCH_SIZES = {"ratings": 128, "user_rating_rows": 16, "item_rating_rows": 16}


def planted_ratings(n_users: int = 120, n_items: int = 80, n_clusters: int = 4, per_user: int = 20, seed: int = 0) -> np.ndarray:
    """Rows (user, item, rating, timestamp), 1-based ids, whole-star ratings 1..5.

    rating = round(3 + b_u + b_i + a + noise), clipped to 1..5, with user and item biases
    b ~ N(0, 0.7²), an affinity a of +0.8 for items of the user's cluster and -0.8 otherwise,
    and noise ~ N(0, 0.3²). Users rate half their picks in their own cluster. Biases alone
    beat the global mean; a model must learn the clusters to get much further.
    """
    rng = np.random.default_rng(seed)
    user_bias, item_bias = rng.normal(0, 0.7, n_users), rng.normal(0, 0.7, n_items)
    item_cluster = np.arange(n_items) % n_clusters
    rows = []
    for user in range(n_users):
        own = np.flatnonzero(item_cluster == user % n_clusters)
        other = np.flatnonzero(item_cluster != user % n_clusters)
        n_own = min(len(own), per_user // 2)
        for item in np.concatenate([rng.choice(own, n_own, replace=False), rng.choice(other, per_user - n_own, replace=False)]):
            affinity = 0.8 if item_cluster[item] == user % n_clusters else -0.8
            value = 3 + user_bias[user] + item_bias[item] + affinity + rng.normal(0, 0.3)
            rows.append((user + 1, item + 1, int(np.clip(np.rint(value), 1, 5)), 880000000 + int(rng.integers(0, 10_000_000))))
    return np.array(rows, dtype=np.int64)


def rating_split(seed: int = 0, extra_users_without_training: int = 0, extra_items_without_training: int = 0) -> Split:
    """A per-user 80/10/10 split of :func:`planted_ratings`.

    The extras add users (and items) whose only ratings are in the test part.
    """
    frame = pd.DataFrame(planted_ratings(seed=seed), columns=["user", "item", "rating", "timestamp"])
    frame, user_ids, item_ids = remap_ids(frame)
    data = Interactions("planted-ratings", frame, len(user_ids), len(item_ids), user_ids, item_ids, "planted-ratings", {}, {})
    split = make_split(data, {"kind": "ratio", "ratios": [0.8, 0.1, 0.1], "seed": seed})
    cold_users = np.arange(split.n_users, split.n_users + extra_users_without_training)
    cold_items = np.arange(split.n_items, split.n_items + extra_items_without_training)
    cold = pd.concat(
        [
            pd.DataFrame({"user": cold_users, "item": cold_users % split.n_items, "rating": 4}),
            pd.DataFrame({"user": cold_items % split.n_users, "item": cold_items, "rating": 2}),
        ],
        ignore_index=True,
    )
    split.test = pd.concat([split.test, cold], ignore_index=True)
    split.n_users += extra_users_without_training
    split.n_items += extra_items_without_training
    return split


def with_other_held_out_ratings(split: Split, seed: int = 1) -> Split:
    """The same training ratings with different validation and test pairs and ratings."""
    rng = np.random.default_rng(seed)
    parts = {}
    for stage in ("valid", "test"):
        frame = split.stage(stage).copy()
        frame["item"] = rng.permutation(frame["item"].to_numpy())
        frame["rating"] = rng.integers(1, 6, len(frame))
        parts[stage] = frame.drop_duplicates(["user", "item"]).reset_index(drop=True)
    fingerprint = hashlib.sha256(split.fingerprint.encode() + b"other ratings").hexdigest()
    return Split(split.train, parts["valid"], parts["test"], split.n_users, split.n_items, fingerprint)


def fit(spec: ModelSpec, split: Split, seed: int = 0, max_epochs: int = 20, hyperparameters: dict | None = None):
    """Build and fit ``spec``'s rating model for a fixed number of epochs, validating every epoch as a run does."""
    quiet_lightning()
    values = spec.defaults()
    if values.get("batch_size", 0) > 0:  # enough steps per epoch on tiny data: ~15 for rating batches, ~5 for row batches
        values["batch_size"] = KIT_BATCH_SIZES.get(spec.tags.input_kind, values["batch_size"])
    values.update(hyperparameters or {})
    pl.seed_everything(seed, workers=True, verbose=False)
    model = build_model(spec, split.n_users, split.n_items, values)
    datamodule = RatingDataModule(split, spec.tags.input_kind, batch_size=values.get("batch_size", 128), seed=seed)
    model.fit_matrix(datamodule.train_matrix)
    if spec.tags.input_kind != "none":
        trainer = kit_trainer(max_epochs, RatingEvaluation(RatingEvaluator(split, ["rmse"])))
        trainer.fit(model, datamodule=datamodule)
    model.eval()
    return model


def training_ratings(split: Split) -> torch.Tensor:
    return rating_matrix(split.train, split.n_users, split.n_items)


def all_pairs(split: Split) -> tuple[torch.Tensor, torch.Tensor]:
    """Every (user, item) of the split's id space, user-major: users [U * I], items [U * I]."""
    users = torch.arange(split.n_users).repeat_interleave(split.n_items)
    return users, torch.arange(split.n_items).repeat(split.n_users)


@torch.no_grad()
def predictions(model, users: torch.Tensor, items: torch.Tensor, batch: int = 4096) -> torch.Tensor:
    model.eval()
    parts = [model.predict(u, i).float().cpu() for u, i in zip(torch.split(users, batch), torch.split(items, batch))]
    return torch.cat(parts) if parts else torch.empty(0)


def held_out_rmse(model, split: Split, stage: str = "test") -> tuple[float, float]:
    """(the model's RMSE, the global-mean baseline's RMSE) on ``stage``, predictions clipped to the training scale."""
    frame = split.stage(stage)
    users, items = torch.from_numpy(frame["user"].to_numpy(np.int64, copy=True)), torch.from_numpy(frame["item"].to_numpy(np.int64, copy=True))
    targets = torch.from_numpy(frame["rating"].to_numpy(np.float64, copy=True))
    train = split.train["rating"].to_numpy(np.float64)
    predicted = predictions(model, users, items).double().clamp(train.min(), train.max())
    return root_mean_squared_error(predicted, targets), root_mean_squared_error(torch.full_like(targets, train.mean()), targets)
