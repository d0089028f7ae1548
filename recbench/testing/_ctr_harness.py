"""Fitting click-through models on small planted impressions, the way the platform does, for the checks."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np
import pandas as pd
import pytorch_lightning as pl
import torch

from recbench.data import Interactions
from recbench.evaluation import CTREvaluation, CTREvaluator
from recbench.metrics import roc_auc
from recbench.plugins import ModelSpec
from recbench.splitting import make_split
from recbench.testing._harness import kit_hyperparameters, kit_trainer
from recbench.training import build_model
from recbench.training._ctr import CTRDataModule, CTRSplit, impressions
from recbench.training._datamodule import training_matrix
from recbench.training._run import quiet_lightning

OCCUPATIONS = ["artist", "doctor", "engineer", "writer"]
GENRES = ["Action", "Comedy", "Drama", "Sci-Fi"]
START = 880_000_000  # timestamps, seconds


def planted_impressions(n_users: int = 120, n_items: int = 80, per_user: int = 30, seed: int = 0):
    """(ratings, user features, item features) in ML-100K's shapes; 0-based dense ids, ratings 1 or 5.

    A click (rating 5) has logit -2 + 2.5 [the item's main genre is the one the user's
    occupation likes] + 1.5 [the item is from 1990-94] + 1 [the user is "M"]. The first-order
    effects (year, gender) are there for every model; the occupation x genre match only
    for models that learn interactions between fields. Items are picked uniformly.
    """
    rng = np.random.default_rng(seed)
    group = np.arange(n_users) % len(OCCUPATIONS)
    male = np.arange(n_users) % 3 != 0
    users = pd.DataFrame(
        {
            "age": 18 + (np.arange(n_users) * 7) % 50,
            "gender": np.where(male, "M", "F"),
            "occupation": [OCCUPATIONS[g] for g in group],
            "zip": [f"{10000 + 1000 * (u % 7) + u}" for u in range(n_users)],
        }
    )
    genre = np.arange(n_items) % len(GENRES)
    year = 1990 + (np.arange(n_items) * 3) % 10
    items = pd.DataFrame({"title": [f"Movie {i} ({y})" for i, y in enumerate(year)], "year": year})
    for index, name in enumerate(GENRES):  # a main genre, and every fifth item a second one
        items[f"genre:{name}"] = ((genre == index) | ((np.arange(n_items) % 5 == 0) & ((genre + 1) % len(GENRES) == index))).astype("int8")
    rows = []
    for user in range(n_users):
        for item in rng.choice(n_items, per_user, replace=False):
            logit = -2.0 + 2.5 * (genre[item] == group[user]) + 1.5 * (year[item] < 1995) + 1.0 * male[user]
            click = rng.random() < 1 / (1 + np.exp(-logit))
            rows.append((user, item, 5 if click else 1, START + int(rng.integers(0, 10_000_000))))
    return pd.DataFrame(rows, columns=["user", "item", "rating", "timestamp"]), users, items


def ctr_split(seed: int = 0, extra_users_without_training: int = 0, extra_items_without_training: int = 0) -> CTRSplit:
    """The ctr-811 split of :func:`planted_impressions`, labelled and encoded by the platform's own code.

    The extras add users (and items) with side features whose only impressions are in the test part.
    """
    frame, users, items = planted_impressions(seed=seed)
    n_users, n_items = len(users) + extra_users_without_training, len(items) + extra_items_without_training
    if extra_users_without_training:
        users = pd.concat([users, users.iloc[:extra_users_without_training]], ignore_index=True)
    if extra_items_without_training:
        items = pd.concat([items, items.iloc[:extra_items_without_training]], ignore_index=True)
    data = Interactions(
        "planted-impressions", frame, n_users, n_items, np.arange(n_users), np.arange(n_items), "planted-impressions", {}, {}, users, items
    )
    split = make_split(data, {"kind": "ratio", "ratios": [0.8, 0.1, 0.1], "seed": seed})
    cold_users = np.arange(len(users) - extra_users_without_training, n_users)
    cold_items = np.arange(len(items) - extra_items_without_training, n_items)
    cold = pd.concat(
        [
            pd.DataFrame({"user": cold_users, "item": cold_users % n_items, "rating": 5}),
            pd.DataFrame({"user": cold_items % n_users, "item": cold_items, "rating": 1}),
        ],
        ignore_index=True,
    ).assign(timestamp=START + 20_000_000)
    split.test = pd.concat([split.test, cold], ignore_index=True)
    return impressions(split, data, {"rating_3": "drop"})


def with_other_held_out_impressions(split: CTRSplit, seed: int = 1) -> CTRSplit:
    """The same training impressions with other validation and test items, times and labels."""
    rng = np.random.default_rng(seed)
    parts = {}
    for stage in ("valid", "test"):
        frame = split.stage(stage).copy()
        frame["item"] = rng.permutation(frame["item"].to_numpy())
        frame["timestamp"] = rng.permutation(frame["timestamp"].to_numpy())
        frame["label"] = rng.integers(0, 2, len(frame)).astype(np.float32)
        parts[stage] = frame.reset_index(drop=True)
    fingerprint = hashlib.sha256(split.fingerprint.encode() + b"other impressions").hexdigest()
    return replace(split, valid=parts["valid"], test=parts["test"], fingerprint=fingerprint)


def build(spec: ModelSpec, split: CTRSplit, hyperparameters: dict):
    return build_model(spec, split.n_users, split.n_items, hyperparameters, fields=split.features.fields)


def data_module(spec: ModelSpec, split: CTRSplit, hyperparameters: dict, seed: int = 0) -> CTRDataModule:
    return CTRDataModule(
        split, spec.tags.input_kind, batch_size=hyperparameters.get("batch_size", 64), max_history=hyperparameters.get("max_history", 50), seed=seed
    )


def fit(spec: ModelSpec, split: CTRSplit, seed: int = 0, max_epochs: int = 20, hyperparameters: dict | None = None):
    """Build and fit ``spec``'s click-through model for a fixed number of epochs, validating every epoch as a run does."""
    quiet_lightning()
    values = kit_hyperparameters(spec, hyperparameters)
    pl.seed_everything(seed, workers=True, verbose=False)
    model = build(spec, split, values)
    model.fit_matrix(training_matrix(split))
    trainer = kit_trainer(max_epochs, CTREvaluation(CTREvaluator(split, ["auc"])))
    trainer.fit(model, datamodule=data_module(spec, split, values, seed))
    model.eval()
    return model


def probe(split: CTRSplit) -> pd.DataFrame:
    """Impressions to predict: every (user, item) pair after the last training impression, then the test part."""
    users = np.arange(split.n_users).repeat(split.n_items)
    items = np.tile(np.arange(split.n_items), split.n_users)
    late = int(split.train["timestamp"].max()) + 1
    pairs = pd.DataFrame({"user": users, "item": items, "timestamp": late})
    return pd.concat([pairs, split.test[["user", "item", "timestamp"]]], ignore_index=True)


@torch.no_grad()
def predictions(model, spec: ModelSpec, split: CTRSplit, rows: pd.DataFrame, batch: int = 4096) -> torch.Tensor:
    """Click probabilities [len(rows)] of ``rows`` (user, item, timestamp), ``batch`` impressions at a time."""
    model.eval()
    inputs = data_module(spec, split, dict(model.hparams))
    columns = [torch.from_numpy(rows[name].to_numpy(np.int64, copy=True)) for name in ("user", "item", "timestamp")]
    parts = [model.predict(inputs.batch(*chunk)).float() for chunk in zip(*(torch.split(c, batch) for c in columns))]
    return torch.cat(parts) if parts else torch.empty(0)


def held_out_auc(model, spec: ModelSpec, split: CTRSplit) -> float:
    test = split.test
    return roc_auc(predictions(model, spec, split, test), torch.from_numpy(test["label"].to_numpy(np.float64)))
