"""The run's Lightning logger, from the ``logger`` config group: csv (default), tensorboard, wandb.

Every logger receives what Lightning logs during the run (the monitored validation metric
per epoch); the experiment trackers (tensorboard, wandb) also receive the run's resolved
config at the start and every final test metric at the end (``finish_logging``).
"""

from __future__ import annotations

import importlib
import netrc
import os
import socket
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.loggers import CSVLogger, Logger, TensorBoardLogger, WandbLogger
from pytorch_lightning.utilities.rank_zero import rank_zero_only

from recbench.errors import RecbenchError

LOGGERS = ("csv", "tensorboard", "wandb")
WANDB_MODES = ("online", "offline", "disabled")
PROBE_SECONDS = 3.0  # how long W&B's server may take to accept a connection before the run goes offline


def make_logger(cfg: DictConfig, work_dir: str | Path, run_name: str) -> Logger:
    """The Lightning logger ``cfg.logger`` names, writing under ``work_dir``; ``run_name`` labels the run in W&B.

    A config composed without a ``logger`` node gets the CSV logger.
    """
    settings = OmegaConf.to_container(cfg.logger, resolve=True) if cfg.get("logger") is not None else {"name": "csv"}
    name = settings.get("name", "csv")
    work_dir = Path(work_dir)
    if name == "csv":
        return CSVLogger(work_dir, name="logs")
    config = OmegaConf.to_container(cfg, resolve=True)
    options = dict(settings.get("options") or {})
    if name == "tensorboard":
        logger = _tensorboard(work_dir, options)
    elif name == "wandb":
        logger = _wandb(settings, work_dir, run_name, dict(options))
        try:
            logger.log_hyperparams(config)  # starts the W&B run
        except Exception as exc:  # a rejected key, a server that stops answering: the run goes on offline
            if logger._wandb_init.get("mode") != "online":
                raise
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            print(f"recbench: W&B could not start online ({reason}); the run is logged offline", file=sys.stderr)
            logger = _wandb(dict(settings, mode="offline"), work_dir, run_name, options)
        else:
            return logger
    else:
        raise RecbenchError(f"logger.name={name!r} is not a logger; choose one of {', '.join(LOGGERS)} (e.g. logger=tensorboard)")
    logger.log_hyperparams(config)
    return logger


def finish_logging(logger: Logger | None, test_metrics: dict[str, dict[str, float]]) -> None:
    """Log the final test metrics of each evaluated variant (``none``: the trained model; else a compression
    method) to the experiment trackers as ``test/<metric>`` or ``test-<method>/<metric>``, then close the run,
    so the next run in this process (a trial, a benchmark model) starts its own. The CSV log keeps what
    Lightning logged, as before."""
    if not isinstance(logger, (TensorBoardLogger, WandbLogger)):
        return
    for method, metrics in test_metrics.items():
        prefix = "test" if method == "none" else f"test-{method}"
        logger.log_metrics({f"{prefix}/{name}": value for name, value in metrics.items()})
    logger.finalize("success")
    if isinstance(logger, WandbLogger) and rank_zero_only.rank == 0:
        import wandb

        if wandb.run is not None:
            wandb.finish()


def _tensorboard(work_dir: Path, options: dict[str, Any]) -> TensorBoardLogger:
    options.setdefault("default_hp_metric", False)  # Lightning's placeholder hp_metric of -1 means nothing here
    try:
        return TensorBoardLogger(work_dir, name="tensorboard", **options)
    except ModuleNotFoundError as exc:
        raise RecbenchError(f"logger=tensorboard needs TensorBoard's writer: pip install 'recbench[tracking]' ({exc})") from None
    except TypeError as exc:
        raise RecbenchError(f"logger.options: {exc}") from None


def _wandb(settings: dict, work_dir: Path, run_name: str, options: dict[str, Any]) -> WandbLogger:
    try:
        wandb = importlib.import_module("wandb")
    except ImportError as exc:
        raise RecbenchError(f"logger=wandb needs the wandb package, which failed to import ({exc}); pip install wandb") from None
    mode = settings.get("mode") or os.environ.get("WANDB_MODE") or "online"
    if mode == "dryrun":
        mode = "offline"
    if mode not in WANDB_MODES:
        raise RecbenchError(f"logger.mode={mode!r} is not one of {', '.join(WANDB_MODES)}")
    if mode == "online":
        reason = _why_offline()
        if reason:
            mode = "offline"
            if rank_zero_only.rank == 0:
                print(f"recbench: W&B runs offline ({reason}); upload later with `wandb sync {work_dir / 'wandb'}`", file=sys.stderr)
    if wandb.run is not None and rank_zero_only.rank == 0:
        wandb.finish()  # left open by a run that raised (e.g. a pruned trial): a new run must not reuse it
    options.setdefault("name", run_name)
    tags = settings.get("tags")
    try:
        return WandbLogger(
            save_dir=str(work_dir),
            project=settings.get("project"),
            entity=settings.get("entity"),
            group=settings.get("group"),
            tags=list(tags) if tags else None,
            mode=mode,
            **options,
        )
    except TypeError as exc:
        raise RecbenchError(f"logger.options: {exc}") from None


def _why_offline() -> str | None:
    """Why W&B cannot run online here (no credentials, no network), or None."""
    server = urlparse(os.environ.get("WANDB_BASE_URL") or "https://api.wandb.ai")
    host = server.hostname or "api.wandb.ai"
    if not (os.environ.get("WANDB_API_KEY") or _netrc_has(host)):
        return f"no W&B credentials: neither WANDB_API_KEY nor a ~/.netrc entry for {host}"
    if not _reachable(host, server.port or (80 if server.scheme == "http" else 443), PROBE_SECONDS):
        return f"{host} is not reachable"
    return None


def _netrc_has(host: str) -> bool:
    path = os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
    try:
        return netrc.netrc(path).authenticators(host) is not None
    except (OSError, netrc.NetrcParseError):
        return False


def _reachable(host: str, port: int, seconds: float) -> bool:
    """A TCP connection within ``seconds``; in a thread, because name resolution ignores socket timeouts."""
    reached: list[bool] = []

    def probe() -> None:
        try:
            socket.create_connection((host, port), timeout=seconds).close()
            reached.append(True)
        except OSError:
            pass

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(seconds)
    return bool(reached)
