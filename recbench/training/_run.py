from __future__ import annotations

import hashlib
import inspect
import json
import logging
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import pandas as pd
import pytorch_lightning as pl
import torch
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.callbacks import EarlyStopping, ModelCheckpoint
from pytorch_lightning.utilities.exceptions import MisconfigurationException

from recbench.compression import check_compressible, compress, first_users, model_size_bytes, parameters_of, scoring_ms_per_1000_users
from recbench.data import load_dataset
from recbench.errors import RecbenchError
from recbench.metrics._ranking import METRICS_VERSION
from recbench.plugins import ModelSpec, check_hyperparameters, get_registry
from recbench.records import SCHEMA_VERSION, environment, new_run_id, write_record
from recbench.training._datamodule import interaction_matrix, training_matrix
from recbench.training._loggers import finish_logging, make_logger
from recbench.training._memory import peak_memory_mb, start_peak_memory
from recbench.training._protocol import check_protocol, describe, lower_is_better, metric_sources, protocol_split, protocol_task
from recbench.training._settings import check_run_settings
from recbench.training._tasks import TASKS

# Advice for generic dataloaders does not apply to pre-built tensor batches; the sparse
# notices are torch's beta labels; the pytree and all_gather ones are Lightning talking to
# a newer torch. Under DDP the evaluation gathers per-user values, so every process logs
# the same exact metric and `sync_dist` would only average identical numbers.
QUIET_WARNINGS = (
    ".*all_gather is deprecated.*",
    ".*sync_dist=True.*",
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
    logging.getLogger("lightning_fabric").setLevel(logging.WARNING)


@dataclass
class RunResult:
    """The record of the trained model; ``variants``: one result per compressed copy of it (``compress=...``)."""

    record: dict
    path: Path
    variants: list[RunResult] = field(default_factory=list)


@dataclass
class _Measured:
    """What one evaluated variant of the trained model (the float model, or a compressed one) adds to its record."""

    compression: dict
    metrics: dict
    per_user: dict[str, torch.Tensor]
    eval_seconds: float
    costs: dict


def _measure(model: pl.LightningModule, evaluation: pl.Callback, sample: list, compression: dict, eval_seconds: float) -> _Measured:
    """Collect the evaluation's results and the model's size and scoring time, right after its test."""
    return _Measured(
        compression=compression,
        metrics={"valid": _summary(evaluation, "valid"), "test": _summary(evaluation, "test")},
        per_user=dict(evaluation.results["test"]),
        eval_seconds=eval_seconds,
        costs={
            "parameters": int(sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())),
            "model_size_bytes": model_size_bytes(model),
            "scoring_ms_per_1000_users": scoring_ms_per_1000_users(model, sample),
        },
    )


def _compression_config(cfg: DictConfig) -> dict:
    """The run's ``compress`` group as a plain dict; configs composed without it mean no compression."""
    node = cfg.get("compress")
    return {"method": "none"} if node is None else OmegaConf.to_container(node, resolve=True)


def build_model(spec: ModelSpec, n_users: int, n_items: int, hyperparameters: dict[str, Any], **facts: Any):
    """Instantiate ``spec``'s class, checking its constructor against the config schema first.

    ``facts`` are further dataset facts the task hands over (the ctr task's feature ``fields``).
    """
    model_class = spec.load_class()
    parameters = inspect.signature(model_class.__init__).parameters
    accepts = {name for name in parameters if name not in ("self", "n_users", "n_items", *facts)}
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
    try:
        return model_class(n_users=n_users, n_items=n_items, **facts, **hyperparameters)
    except ValueError as exc:  # a constructor's usual way to refuse an argument; a plugin's too
        raise RecbenchError(f"model '{spec.name}': {exc} (its constructor refused the model.* values given)") from None


def _trainer(cfg: DictConfig, **arguments: Any) -> pl.Trainer:
    """Lightning's Trainer; settings it refuses (a GPU that is not there, an unknown precision) end in one message."""
    try:
        return pl.Trainer(**arguments)
    except (MisconfigurationException, ValueError) as exc:
        chosen = ", ".join(f"trainer.{key}={cfg.trainer[key]}" for key in ("accelerator", "devices", "strategy", "precision"))
        raise RecbenchError(f"Lightning refused the trainer settings ({chosen}): {exc} (trainer=cpu runs on any machine; docs/configuration.md lists the trainer settings)") from None


def _fingerprint(content: Any) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _means(per_user: dict[str, torch.Tensor]) -> dict[str, float]:
    return {name: float(values.mean()) for name, values in per_user.items() if name != "user"}


def _summary(evaluation: pl.Callback, stage: str) -> dict[str, float]:
    """The record's metrics of ``stage``: the evaluation's own aggregates where it has them, else means over users."""
    if hasattr(evaluation, "summary"):  # e.g. RMSE over all ratings, which no mean over users gives
        return evaluation.summary(stage)
    return _means(evaluation.results[stage])


def run(cfg: DictConfig, command: str, work_dir: str | Path, callbacks: Sequence[pl.Callback] = ()) -> RunResult | None:
    """Train and evaluate one model as ``cfg`` says; write and return its run record.

    With ``cfg.compress.method`` other than ``none``, the trained model is then compressed,
    evaluated again by the same evaluation, and written as a second record, returned in
    ``RunResult.variants``; a model the method cannot act on is refused before training.

    Under DDP every process runs this function; only rank 0 writes and returns the record
    (the others return None).

    ``callbacks`` join the platform's own (evaluation, early stopping, checkpoint); they see
    ``valid/<protocol.valid_metric>`` in ``trainer.callback_metrics`` after each validation.
    """
    quiet_lightning()
    memory_scope = start_peak_memory()  # before loading: the data's memory is part of the run's
    work_dir = Path(work_dir)
    registry = get_registry()
    model_name = cfg.model.name
    plugin = registry.info("models", model_name)
    spec: ModelSpec = plugin.spec
    if spec.tags.task not in TASKS:
        raise RecbenchError(f"model '{model_name}' is a {spec.tags.task} model, and no protocol evaluates {spec.tags.task} models yet")
    protocol = cfg.protocol
    check_protocol(protocol, spec.tags.task, model_name)
    check_run_settings(cfg)
    hyperparameters = {k: v for k, v in OmegaConf.to_container(cfg.model, resolve=True).items() if k != "name"}
    check_hyperparameters(spec, hyperparameters)

    if cfg.trainer.num_threads:
        torch.set_num_threads(cfg.trainer.num_threads)
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    dataset_spec = registry.dataset(cfg.dataset.name)
    data = load_dataset(dataset_spec, OmegaConf.to_container(cfg.dataset), cfg.data_dir, cfg.cache_dir, cfg.download)
    split = protocol_split(data, dataset_spec, protocol, cfg)
    if split.fold_in is not None and not spec.tags.folds_in:
        raise RecbenchError(
            f"protocol '{protocol.id}' scores users unseen in training from their fold-in history, and model "
            f"'{model_name}' cannot (it learns one vector per training user); use a protocol without held-out users"
        )
    parts = TASKS[spec.tags.task](split, spec, hyperparameters, cfg)
    model = build_model(spec, data.n_users, data.n_items, hyperparameters, **parts.model_facts)
    compression = _compression_config(cfg)
    check_compressible(model, compression, model_name)  # before any training: nothing is written on failure

    evaluation, datamodule = parts.evaluation, parts.datamodule
    monitor = f"valid/{protocol.valid_metric}"
    callbacks = [evaluation, *callbacks]
    trains = spec.tags.input_kind != "none"
    checkpoint = None
    if trains:
        checkpoint = ModelCheckpoint(dirpath=work_dir / "checkpoints", filename="best", monitor=monitor, mode=parts.mode)
        callbacks += [EarlyStopping(monitor=monitor, mode=parts.mode, patience=cfg.trainer.patience), checkpoint]
    trainer = _trainer(
        cfg,
        max_epochs=cfg.trainer.max_epochs,
        accelerator=cfg.trainer.accelerator,
        devices=cfg.trainer.devices,
        strategy=cfg.trainer.strategy,
        precision=cfg.trainer.precision,
        deterministic=cfg.trainer.deterministic,
        check_val_every_n_epoch=cfg.trainer.check_val_every_n_epoch,
        enable_progress_bar=cfg.trainer.enable_progress_bar,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        logger=make_logger(cfg, work_dir, f"{model_name}-{cfg.dataset.name}-s{cfg.seed}"),
        callbacks=callbacks,
        default_root_dir=work_dir,
    )

    started = time.perf_counter()
    model.fit_matrix(training_matrix(split) if parts.train_matrix is None else parts.train_matrix)
    if split.fold_in is not None:  # held-out users' given history, for scoring only
        model.attach_history(interaction_matrix(split.history(), split.n_users, split.n_items))
    if trains:
        trainer.fit(model, datamodule=datamodule)
    train_seconds = time.perf_counter() - started
    best = checkpoint.best_model_path if checkpoint and checkpoint.best_model_path else None
    trainer.validate(model, datamodule=datamodule, ckpt_path=best, verbose=False)
    started = time.perf_counter()
    trainer.test(model, datamodule=datamodule, ckpt_path=best, verbose=False)
    eval_seconds = time.perf_counter() - started

    model_class = f"{type(model).__module__}.{type(model).__qualname__}"
    # Scoring time is taken on the device the model was evaluated on, for the first 1,000 test users.
    model.to(trainer.strategy.root_device)
    sample = first_users(datamodule.test_dataloader())
    size_before = model_size_bytes(model)
    unchanged = {"method": "none", "size_bytes_before": size_before, "size_bytes_after": size_before}
    variants = [_measure(model, evaluation, sample, unchanged, eval_seconds)]
    if compression["method"] != "none":
        # The best checkpoint's weights are in `model` now; the compressed variant is evaluated
        # exactly like them, by the same callback on the same test users.
        started = time.perf_counter()
        compress(model, compression)
        compress_seconds = time.perf_counter() - started
        trainer.validate(model, datamodule=datamodule, verbose=False)
        started = time.perf_counter()
        trainer.test(model, datamodule=datamodule, verbose=False)
        compressed_seconds = time.perf_counter() - started
        model.to(trainer.strategy.root_device)
        section = {
            "method": compression["method"],
            **parameters_of(compression),
            "size_bytes_before": size_before,
            "size_bytes_after": model_size_bytes(model),
            "compress_seconds": round(compress_seconds, 3),
        }
        variants.append(_measure(model, evaluation, sample, section, compressed_seconds))

    # The trackers get every final test metric (Lightning logged only the monitored one); then the run is closed.
    finish_logging(trainer.logger, {v.compression["method"]: v.metrics["test"] for v in variants})
    if trainer.global_rank != 0:  # under DDP one process, rank 0, writes the records
        return None
    # Sections a protocol leaves null (ctr, outside click-through protocols) stay out of its fingerprint.
    protocol_config = {k: v for k, v in OmegaConf.to_container(protocol, resolve=True).items() if v is not None}
    record = {  # what every variant's record shares
        "schema_version": SCHEMA_VERSION,
        "run_id": "",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": {
            "name": model_name,
            "class": model_class,
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
            "task": protocol_task(protocol),
            "lower_is_better": lower_is_better(protocol),
            "fingerprint": _fingerprint(protocol_config),
            "split_fingerprint": split.fingerprint,
            "description": describe(protocol),
            "dropped": split.dropped,
            "metrics_version": METRICS_VERSION,
            "metric_sources": metric_sources(protocol),
            "valid_metric": protocol.valid_metric,
            "tie_break": protocol.tie_break,
            "config": protocol_config,
        },
        "seed": cfg.seed,
        "metrics": {},
        "training": {
            "epochs": trainer.current_epoch if trains else 0,
            "max_epochs": cfg.trainer.max_epochs,
            "patience": cfg.trainer.patience,
            "check_val_every_n_epoch": cfg.trainer.check_val_every_n_epoch,
            "best_valid": float(checkpoint.best_model_score) if best else None,
        },
        "costs": {},
        "environment": environment(),
        "command": command,
    }
    results = []
    for variant in variants:
        method = variant.compression["method"]
        per_user = pd.DataFrame({name: values.numpy() for name, values in variant.per_user.items()})
        per_user.insert(1, "user_id", data.user_ids[per_user["user"].to_numpy()])
        variant_record = {
            **record,
            "run_id": new_run_id(model_name if method == "none" else f"{model_name}-{method}", data.name, cfg.seed),
            "metrics": variant.metrics,
            "costs": {
                "train_seconds": round(train_seconds, 3),
                "eval_seconds": round(variant.eval_seconds, 3),
                "peak_memory_mb": peak_memory_mb(),
                "peak_memory_scope": memory_scope,
                **variant.costs,
            },
            "compression": variant.compression,
        }
        results.append(RunResult(variant_record, write_record(cfg.results_dir, variant_record, per_user)))
    first, *compressed = results
    first.variants = compressed
    return first
