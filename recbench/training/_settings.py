"""Run settings no model can make sense of, refused before any data is read."""

from __future__ import annotations

from omegaconf import DictConfig

from recbench.errors import RecbenchError

# numpy's seed range, which Lightning's seed_everything passes the seed on to.
MAX_SEED = 2**32 - 1


def check_run_settings(cfg: DictConfig) -> None:
    """Refuse a seed or trainer value outside its range, naming the key and what it accepts."""
    if not 0 <= cfg.seed <= MAX_SEED:
        raise RecbenchError(f"seed={cfg.seed} is out of range; use an integer from 0 to {MAX_SEED}")
    trainer = cfg.trainer
    at_least_one = {
        "trainer.check_val_every_n_epoch": trainer.check_val_every_n_epoch,
        "trainer.eval_batch_users": trainer.eval_batch_users,
    }
    for key, value in at_least_one.items():
        if value < 1:
            raise RecbenchError(f"{key}={value} must be at least 1")
    if trainer.patience < 0:
        raise RecbenchError(f"trainer.patience={trainer.patience} must be 0 or more (validations without improvement before stopping)")
    if trainer.max_epochs < -1:
        raise RecbenchError(f"trainer.max_epochs={trainer.max_epochs} must be -1 (no limit; early stopping ends training) or 0 and more")
    if trainer.num_threads is not None and trainer.num_threads < 1:
        raise RecbenchError(f"trainer.num_threads={trainer.num_threads} must be at least 1, or null for torch's default")
