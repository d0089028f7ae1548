from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING


@dataclass
class DatasetConfig:
    """Which dataset, and how it is preprocessed. Every field enters the dataset fingerprint."""

    name: str = MISSING  # (str) registered dataset name, e.g. ml-100k
    rating_threshold: Optional[float] = None  # (float) keep interactions with rating >= this; null keeps all
    user_min: int = 0  # (int) iterative k-core: minimum interactions per user (0 = off)
    item_min: int = 0  # (int) iterative k-core: minimum interactions per item (0 = off)
    duplicates: str = "first"  # (str) repeated (user, item) pairs: keep the "first" or "last" by time, or "keep" all (sequences)
    session_gap: Optional[float] = None  # (float) seconds of inactivity that end a session: each session becomes its own sequence; null = whole histories
    path: Optional[str] = None  # (str) datasets table, atomic, sequences: your file (its content, not its location, enters the fingerprint)
    columns: Any = None  # (dict) table/atomic: recbench column -> your column, e.g. {user: userId, item: movieId}; null = the usual names
    sep: Optional[str] = None  # (str) table/atomic/sequences: field separator; null = by suffix (.csv ",", .tsv and .inter tab; sequences: whitespace)
    header: bool = True  # (bool) table: the first line names the columns; false = columns gives positions 0, 1, ...


@dataclass
class SplitConfig:
    """How interactions are divided; see docs/protocol.md for each kind."""

    kind: str = "ratio"  # (str) ratio | loo | temporal | strong | predefined
    ratios: List[float] = field(default_factory=lambda: [0.8, 0.1, 0.1])  # (list) train/valid/test shares (of rows; of users for strong)
    seed: int = 2020  # (int) split seed, fixed by the protocol so every run shares one test set
    order: str = "time"  # (str) loo and predefined validation: "time" (latest last) or "random"
    min_history: int = 3  # (int) loo: users with fewer interactions stay in training only
    target_share: float = 0.2  # (float) strong: share of a held-out user's interactions to predict
    name: Optional[str] = None  # (str) predefined: the dataset's own split, e.g. u1 or ncf


@dataclass
class CandidatesConfig:
    """What each evaluated user's held-out items are ranked against when mode is sampled."""

    count: int = 0  # (int) negatives per evaluated user; 0 with mode=full
    strategy: str = "uniform"  # (str) uniform | popularity (training counts) | external (the dataset's file)
    seed: int = 2020  # (int) fixed by the protocol: negatives are part of the split


@dataclass
class CTRConfig:
    """Click-through protocols: how ratings become clicks (label 1 = rating >= 4)."""

    rating_3: str = "drop"  # (str) what a rating of 3 is: "drop" (neither click nor non-click) or "negative"


@dataclass
class ProtocolConfig:
    """A named, versioned evaluation protocol. Its id and version go into every record."""

    id: str = MISSING  # (str) protocol name, e.g. ratio-811-full
    version: int = 1  # (int) bump when anything below changes meaning
    split: SplitConfig = field(default_factory=SplitConfig)
    mode: str = "full"  # (str) "full": rank every item the user has not seen; "sampled": rank against candidates
    candidates: CandidatesConfig = field(default_factory=CandidatesConfig)
    metrics: List[str] = field(default_factory=lambda: ["hr", "precision", "recall", "ndcg", "mrr", "map"])
    cutoffs: List[int] = field(default_factory=lambda: [5, 10, 20])  # (list) k of each metric@k
    valid_metric: str = "ndcg@10"  # (str) early stopping and model selection use this, on validation only
    tie_break: str = "item_index"  # (str) equal scores: the lower item index ranks first
    ctr: Optional[CTRConfig] = None  # click-through protocols only; null elsewhere (and left out of the fingerprint)


@dataclass
class TrainerConfig:
    """Arguments of the Lightning Trainer plus the platform's early-stopping settings."""

    max_epochs: int = 100  # (int) upper bound on training epochs
    patience: int = 10  # (int) validations without improvement before stopping (epochs when validating every epoch)
    accelerator: str = "auto"  # (str) Lightning accelerator: auto, cpu, gpu
    devices: Any = 1  # (int|str) Lightning devices; with several, batch_size stays the global batch
    strategy: str = "auto"  # (str) Lightning strategy, e.g. ddp (one process per device)
    precision: str = "32-true"  # (str) Lightning precision
    deterministic: bool = True  # (bool) ask torch for deterministic kernels
    eval_batch_users: int = 2048  # (int) users scored at once during evaluation; bounds memory
    check_val_every_n_epoch: int = 1  # (int) validate every n epochs
    enable_progress_bar: bool = False  # (bool) Lightning progress bar
    num_threads: Optional[int] = None  # (int) torch CPU threads; null keeps torch's default (one per core)


@dataclass
class CompressConfig:
    """Post-training compression of the best checkpoint, recorded as its own run beside the float model."""

    method: str = "none"  # (str) none | int8 | prune | lowrank; see docs/compression.md
    sparsity: float = 0.5  # (float) prune: share of all embedding and linear weights set to zero (smallest magnitudes)
    rank: int = 16  # (int) lowrank: rank of each embedding table's truncated SVD


@dataclass
class CSVLoggerConfig:
    """logger=csv (default): Lightning's CSVLogger, <work dir>/logs/version_*/metrics.csv."""

    name: str = "csv"  # (str) which logger: csv | tensorboard | wandb


@dataclass
class TensorBoardLoggerConfig:
    """logger=tensorboard: Lightning's TensorBoardLogger, event files under <work dir>/tensorboard/."""

    name: str = "tensorboard"  # (str) which logger: csv | tensorboard | wandb
    options: Dict[str, Any] = field(default_factory=dict)  # (dict) further TensorBoardLogger arguments, e.g. {log_graph: true}


@dataclass
class WandbLoggerConfig:
    """logger=wandb: Lightning's WandbLogger; offline (files under <work dir>/wandb/) without credentials or network."""

    name: str = "wandb"  # (str) which logger: csv | tensorboard | wandb
    project: str = "recbench"  # (str) W&B project
    entity: Optional[str] = None  # (str) W&B team or user; null = your default entity
    group: Optional[str] = None  # (str) runs shown together; null = the study name for `recbench tune` runs
    tags: List[str] = field(default_factory=list)  # (list) labels of the run
    mode: Optional[str] = None  # (str) online | offline | disabled; null = $WANDB_MODE, else online, falling back to offline
    options: Dict[str, Any] = field(default_factory=dict)  # (dict) further WandbLogger / wandb.init arguments, e.g. {notes: ...}


@dataclass
class TrainConfig:
    """The primary config of `recbench train` (and of each run in `recbench benchmark`)."""

    dataset: DatasetConfig = MISSING
    protocol: ProtocolConfig = MISSING
    model: Any = MISSING  # typed by the chosen model's own schema (generated from its spec)
    trainer: TrainerConfig = MISSING
    compress: CompressConfig = field(default_factory=CompressConfig)
    logger: Any = None  # experiment tracking: a logger/ option (csv, tensorboard, wandb); null = csv
    seed: int = 0  # (int) seeds model initialisation and sampling
    results_dir: str = "results"  # (str) run records go to <results_dir>/runs/
    data_dir: Optional[str] = None  # (str) offline data folder; defaults to $RECBENCH_DATA_DIR
    cache_dir: Optional[str] = None  # (str) download cache; defaults to $RECBENCH_CACHE_DIR or ~/.cache/recbench
    download: bool = True  # (bool) fetch missing raw files from the publisher's URL


@dataclass
class BenchmarkConfig(TrainConfig):
    """`recbench benchmark`: the train config plus which models to run."""

    models: List[str] = field(default_factory=list)  # (list) model names; empty = every installed ranking model


@dataclass
class SearchDimension:
    """One hyperparameter's range, as Optuna's ``suggest_*`` takes it; a model spec's ``search_space`` entries."""

    type: str = MISSING  # (str) float | int | categorical
    low: Any = None  # (number) float/int: lower bound, included
    high: Any = None  # (number) float/int: upper bound, included
    log: bool = False  # (bool) float/int: sample on a log scale
    step: Any = None  # (number) float/int: spacing of the values; the grid sampler needs it for floats
    choices: Optional[List[Any]] = None  # (list) categorical: the values to choose from


@dataclass
class TuneConfig:
    """`recbench tune`: the Optuna study. Budget keys (n_trials, timeout, sampler, pruner) name the study."""

    n_trials: int = 20  # (int) finished (complete or pruned) trials the study aims at; failed trials do not count
    timeout: Optional[float] = None  # (float) seconds one `recbench tune` invocation may search; null = no limit
    n_workers: int = 1  # (int) processes sharing the study on this machine, one device each
    devices: Optional[List[int]] = None  # (list) GPU indices the workers take in turn; null = every visible GPU
    storage: Optional[str] = None  # (str) null = a journal file under results_dir/studies/; or an Optuna storage URL
    study_name: Optional[str] = None  # (str) null = derived from model, dataset, protocol, fixed config and budget
    sampler: str = "tpe"  # (str) tpe | random | grid | cmaes | gp
    sampler_seed: int = 0  # (int) seeds the sampler (each worker and each resumption derive their own from it)
    pruner: str = "median"  # (str) none | median | hyperband; pruning reads the validation metric every epoch
    warmup_epochs: int = 1  # (int) epochs a trial always runs before the pruner may stop it
    direction: Optional[str] = None  # (str) maximize | minimize; null follows the metric's higher_is_better
    final_seeds: List[int] = field(default_factory=lambda: [0, 1, 2])  # (list) seeds of the runs of the best config
    heartbeat_interval: int = 10  # (int) seconds between a running trial's signs of life in the storage
    grace_period: int = 60  # (int) seconds without a sign of life before a trial counts as crashed and is retried
    max_retries: int = 2  # (int) times a crashed trial is run again with the same hyperparameters
    max_failures: Optional[int] = None  # (int) failed trials after which the search stops; null = n_trials
    plots: bool = True  # (bool) write Optuna's history and parameter-importance plots beside the study
    start_from_defaults: bool = True  # (bool) the first trial tries the model's configured values, so tuning never ends below them on validation


@dataclass
class TuneCommandConfig(TrainConfig):
    """The primary config of `recbench tune`: a train config, the study settings and the search space."""

    tune: TuneConfig = field(default_factory=TuneConfig)
    # model field -> SearchDimension; default: the model spec's space. Typed loosely because OmegaConf cannot
    # add a dataclass-typed entry from the command line (`+search.x={...}`); recbench.tuning checks each entry.
    search: Dict[str, Any] = field(default_factory=dict)


def register_schemas() -> None:
    store = ConfigStore.instance()
    store.store(name="train_schema", node=TrainConfig)
    store.store(name="benchmark_schema", node=BenchmarkConfig)
    store.store(name="tune_schema", node=TuneCommandConfig)
    store.store(group="trainer", name="trainer_schema", node=TrainerConfig)
    store.store(group="protocol", name="protocol_schema", node=ProtocolConfig)
    store.store(group="compress", name="compress_schema", node=CompressConfig)
    store.store(group="logger", name="csv_schema", node=CSVLoggerConfig)
    store.store(group="logger", name="tensorboard_schema", node=TensorBoardLoggerConfig)
    store.store(group="logger", name="wandb_schema", node=WandbLoggerConfig)
