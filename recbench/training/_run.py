from __future__ import annotations

import hashlib
import inspect
import json
import logging
import resource
import time
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pytorch_lightning as pl
import torch
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.callbacks import EarlyStopping, ModelCheckpoint
from pytorch_lightning.loggers import CSVLogger

from recbench.data import load_dataset
from recbench.errors import RecbenchError
from recbench.evaluation import RankingEvaluation, RankingEvaluator
from recbench.metrics import metric_key
from recbench.metrics._ranking import METRICS_VERSION
from recbench.plugins import ModelSpec, get_registry
from recbench.records import SCHEMA_VERSION, environment, new_run_id, write_record
from recbench.splitting import make_split
from recbench.training._datamodule import InteractionDataModule, training_matrix

# Advice for generic dataloaders does not apply to pre-built tensor batches; the sparse
# notices are torch's beta labels; the pytree one is Lightning talking to a newer torch.
QUIET_WARNINGS = (
    ".*does not have many workers.*",
    ".*smaller than the logging interval.*",
    ".*Checkpoint directory .* exists and is not empty.*",
    ".*Sparse CSR tensor support is in beta.*",
    ".*Sparse invariant checks are implicitly disabled.*",
    ".*LeafSpec.*is deprecated.*",
)


def quiet_lightning() -> None:
    """Silence the notices listed above and Lightning's informational start-up lines."""
    for pattern in QUIET_WARNINGS:
        warnings.filterwarnings("ignore", pattern)
    logging.getLogger("pytorch_lightning").setLevel(logging.WARNING)
    logging.getLogger("lightning.pytorch").setLevel(logging.WARNING)


@dataclass
class RunResult:
    record: dict
    path: Path


def build_model(spec: ModelSpec, n_users: int, n_items: int, hyperparameters: dict[str, Any]):
    """Instantiate ``spec``'s class, checking its constructor against the config schema first."""
    model_class = spec.load_class()
    parameters = inspect.signature(model_class.__init__).parameters
    accepts = {name for name in parameters if name not in ("self", "n_users", "n_items")}
    if not {"n_users", "n_items"} <= set(parameters):
        raise RecbenchError(f"model '{spec.name}': {model_class.__name__}.__init__ must accept n_users and n_items")
    has_var_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    unknown = sorted(set(hyperparameters) - accepts) if not has_var_keyword else []
    if unknown:
        raise RecbenchError(
            f"model '{spec.name}': config fields {unknown} are not parameters of {model_class.__name__}.__init__; "
            "add them to the constructor or remove them from the config dataclass"
        )
    required = [
        name
        for name, p in parameters.items()
        if name in accepts and p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
    ]
    missing = sorted(set(required) - set(hyperparameters))
    if missing:
        raise RecbenchError(
            f"model '{spec.name}': constructor parameters {missing} have no config field; add them to the config dataclass"
        )
    return model_class(n_users=n_users, n_items=n_items, **hyperparameters)


def _fingerprint(content: Any) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _peak_memory_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if torch.cuda.is_available():
        peak = max(peak, torch.cuda.max_memory_allocated() / 2**20)
    return round(peak, 1)


def _means(per_user: dict[str, torch.Tensor]) -> dict[str, float]:
    return {name: float(values.mean()) for name, values in per_user.items() if name != "user"}


def run(cfg: DictConfig, command: str, work_dir: str | Path) -> RunResult:
    """Train and evaluate one model as ``cfg`` says; write and return its run record."""
    quiet_lightning()
    work_dir = Path(work_dir)
    registry = get_registry()
    model_name = cfg.model.name
    plugin = registry.info("models", model_name)
    spec: ModelSpec = plugin.spec
    if spec.tags.task != "ranking":
        raise RecbenchError(f"model '{model_name}' is a {spec.tags.task} model; this protocol evaluates ranking models")
    protocol = cfg.protocol
    computed = [metric_key(name, k) for name in protocol.metrics for k in protocol.cutoffs]
    if protocol.valid_metric not in computed:
        raise RecbenchError(f"protocol.valid_metric='{protocol.valid_metric}' is not computed; choose one of {computed}")

    if cfg.trainer.num_threads:
        torch.set_num_threads(cfg.trainer.num_threads)
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    data = load_dataset(registry.dataset(cfg.dataset.name), OmegaConf.to_container(cfg.dataset), cfg.data_dir, cfg.cache_dir, cfg.download)
    split = make_split(data, OmegaConf.to_container(protocol.split))
    hyperparameters = {k: v for k, v in OmegaConf.to_container(cfg.model, resolve=True).items() if k != "name"}
    model = build_model(spec, data.n_users, data.n_items, hyperparameters)

    evaluator = RankingEvaluator(split, list(protocol.metrics), list(protocol.cutoffs))
    evaluation = RankingEvaluation(evaluator, logged=[protocol.valid_metric])
    monitor = f"valid/{protocol.valid_metric}"
    callbacks: list[pl.Callback] = [evaluation]
    trains = spec.tags.input_kind != "none"
    checkpoint = None
    if trains:
        checkpoint = ModelCheckpoint(dirpath=work_dir / "checkpoints", filename="best", monitor=monitor, mode="max")
        callbacks += [EarlyStopping(monitor=monitor, mode="max", patience=cfg.trainer.patience), checkpoint]
    trainer = pl.Trainer(
        max_epochs=cfg.trainer.max_epochs,
        accelerator=cfg.trainer.accelerator,
        devices=cfg.trainer.devices,
        precision=cfg.trainer.precision,
        deterministic=cfg.trainer.deterministic,
        check_val_every_n_epoch=cfg.trainer.check_val_every_n_epoch,
        enable_progress_bar=cfg.trainer.enable_progress_bar,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        logger=CSVLogger(work_dir, name="logs"),
        callbacks=callbacks,
        default_root_dir=work_dir,
    )
    datamodule = InteractionDataModule(
        split,
        spec.tags.input_kind,
        batch_size=hyperparameters.get("batch_size", 2048),
        num_negatives=hyperparameters.get("num_negatives", 1),
        eval_batch_users=cfg.trainer.eval_batch_users,
        seed=cfg.seed,
    )

    started = time.perf_counter()
    model.fit_matrix(training_matrix(split))
    if trains:
        trainer.fit(model, datamodule=datamodule)
    train_seconds = time.perf_counter() - started
    best = checkpoint.best_model_path if checkpoint and checkpoint.best_model_path else None
    trainer.validate(model, datamodule=datamodule, ckpt_path=best, verbose=False)
    started = time.perf_counter()
    trainer.test(model, datamodule=datamodule, ckpt_path=best, verbose=False)
    eval_seconds = time.perf_counter() - started

    test = evaluation.results["test"]
    per_user = pd.DataFrame({name: values.numpy() for name, values in test.items()})
    per_user.insert(1, "user_id", data.user_ids[per_user["user"].to_numpy()])
    protocol_config = OmegaConf.to_container(protocol, resolve=True)
    record = {
        "schema_version": SCHEMA_VERSION,
        "run_id": new_run_id(model_name, data.name, cfg.seed),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": {
            "name": model_name,
            "class": f"{type(model).__module__}.{type(model).__qualname__}",
            "distribution": plugin.distribution,
            "version": plugin.version,
            "input_kind": spec.tags.input_kind,
        },
        "hyperparameters": hyperparameters,
        "dataset": {
            "name": data.name,
            "fingerprint": data.fingerprint,
            "raw_sha256": data.raw_sha256,
            "options": OmegaConf.to_container(cfg.dataset),
            "counts": data.counts(),
            "raw_counts": data.raw_counts,
        },
        "protocol": {
            "id": protocol.id,
            "version": protocol.version,
            "mode": protocol.mode,
            "fingerprint": _fingerprint(protocol_config),
            "split_fingerprint": split.fingerprint,
            "metrics_version": METRICS_VERSION,
            "valid_metric": protocol.valid_metric,
            "tie_break": protocol.tie_break,
            "config": protocol_config,
        },
        "seed": cfg.seed,
        "metrics": {"valid": _means(evaluation.results["valid"]), "test": _means(test)},
        "training": {
            "epochs": trainer.current_epoch if trains else 0,
            "max_epochs": cfg.trainer.max_epochs,
            "best_valid": float(checkpoint.best_model_score) if best else None,
        },
        "costs": {
            "train_seconds": round(train_seconds, 3),
            "eval_seconds": round(eval_seconds, 3),
            "peak_memory_mb": _peak_memory_mb(),
            "parameters": int(sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())),
        },
        "environment": environment(),
        "command": command,
    }
    path = write_record(cfg.results_dir, record, per_user)
    return RunResult(record, path)
