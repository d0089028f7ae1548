from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING


@dataclass
class DatasetConfig:
    """Which dataset, and how it is preprocessed. Every field enters the dataset fingerprint."""

    name: str = MISSING  # (str) registered dataset name, e.g. ml-100k
    rating_threshold: Optional[float] = None  # (float) keep interactions with rating >= this; null keeps all
    user_min: int = 0  # (int) iterative k-core: minimum interactions per user (0 = off)
    item_min: int = 0  # (int) iterative k-core: minimum interactions per item (0 = off)
    duplicates: str = "first"  # (str) repeated (user, item) pairs: keep the "first" or "last" by time


@dataclass
class SplitConfig:
    kind: str = "ratio"  # (str) "ratio": per-user random split of each user's interactions
    ratios: List[float] = field(default_factory=lambda: [0.8, 0.1, 0.1])  # (list) train/valid/test shares
    seed: int = 2020  # (int) split seed, fixed by the protocol so every run shares one test set


@dataclass
class ProtocolConfig:
    """A named, versioned evaluation protocol. Its id and version go into every record."""

    id: str = MISSING  # (str) protocol name, e.g. ratio-811-full
    version: int = 1  # (int) bump when anything below changes meaning
    split: SplitConfig = field(default_factory=SplitConfig)
    mode: str = "full"  # (str) "full": rank every item the user has not seen
    metrics: List[str] = field(default_factory=lambda: ["hr", "precision", "recall", "ndcg", "mrr", "map"])
    cutoffs: List[int] = field(default_factory=lambda: [5, 10, 20])  # (list) k of each metric@k
    valid_metric: str = "ndcg@10"  # (str) early stopping and model selection use this, on validation only
    tie_break: str = "item_index"  # (str) equal scores: the lower item index ranks first


@dataclass
class TrainerConfig:
    """Arguments of the Lightning Trainer plus the platform's early-stopping settings."""

    max_epochs: int = 100  # (int) upper bound on training epochs
    patience: int = 10  # (int) epochs without validation improvement before stopping
    accelerator: str = "auto"  # (str) Lightning accelerator: auto, cpu, gpu
    devices: Any = 1  # (int|str) Lightning devices
    precision: str = "32-true"  # (str) Lightning precision
    deterministic: bool = True  # (bool) ask torch for deterministic kernels
    eval_batch_users: int = 2048  # (int) users scored at once during evaluation; bounds memory
    check_val_every_n_epoch: int = 1  # (int) validate every n epochs
    enable_progress_bar: bool = False  # (bool) Lightning progress bar
    num_threads: Optional[int] = None  # (int) torch CPU threads; null keeps torch's default (one per core)


@dataclass
class TrainConfig:
    """The primary config of `recbench train` (and of each run in `recbench benchmark`)."""

    dataset: DatasetConfig = MISSING
    protocol: ProtocolConfig = MISSING
    model: Any = MISSING  # typed by the chosen model's own schema (generated from its spec)
    trainer: TrainerConfig = MISSING
    seed: int = 0  # (int) seeds model initialisation and sampling
    results_dir: str = "results"  # (str) run records go to <results_dir>/runs/
    data_dir: Optional[str] = None  # (str) offline data folder; defaults to $RECBENCH_DATA_DIR
    cache_dir: Optional[str] = None  # (str) download cache; defaults to $RECBENCH_CACHE_DIR or ~/.cache/recbench
    download: bool = True  # (bool) fetch missing raw files from the publisher's URL


@dataclass
class BenchmarkConfig(TrainConfig):
    """`recbench benchmark`: the train config plus which models to run."""

    models: List[str] = field(default_factory=list)  # (list) model names; empty = every installed ranking model


def register_schemas() -> None:
    store = ConfigStore.instance()
    store.store(name="train_schema", node=TrainConfig)
    store.store(name="benchmark_schema", node=BenchmarkConfig)
    store.store(group="trainer", name="trainer_schema", node=TrainerConfig)
    store.store(group="protocol", name="protocol_schema", node=ProtocolConfig)
