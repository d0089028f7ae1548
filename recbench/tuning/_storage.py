"""Where a study lives: an embedded journal file under results_dir (no server), or any Optuna
storage URL (SQLite for one machine, PostgreSQL or MySQL for many)."""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass
from pathlib import Path

import optuna

from recbench.errors import RecbenchError
from recbench.tuning._journal import HeartbeatJournalStorage

# Drivers a storage URL may need, and where they come from.
DRIVERS = {"postgresql": "pip install 'recbench[postgres]' (psycopg 3 and psycopg2)", "mysql": "pip install PyMySQL"}


@dataclass(frozen=True)
class StorageSpec:
    """``url`` None means the embedded journal file ``journal_path``."""

    url: str | None
    journal_path: Path | None
    heartbeat_interval: int
    grace_period: int
    max_retries: int

    @property
    def kind(self) -> str:
        """journal, sqlite, postgresql, mysql, ...: recorded with the results."""
        if self.url is None:
            return "journal"
        return self.url.split(":", 1)[0].split("+", 1)[0]

    @property
    def shown(self) -> str:
        """The location without a password, for messages and records."""
        if self.url is None:
            return str(self.journal_path)
        try:
            from sqlalchemy.engine import make_url

            return make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # not a URL SQLAlchemy can read: show the scheme only
            return f"{self.kind}://..."


def retry_callback(max_retries: int):
    # Renamed in Optuna 4.9; the old name still works there, with a deprecation warning.
    retry = getattr(optuna.storages, "RetryHeartbeatStaleTrialCallback", None) or optuna.storages.RetryFailedTrialCallback
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)  # stable in use since Optuna 2.8
        return retry(max_retry=max_retries)


def _database(spec: StorageSpec) -> optuna.storages.RDBStorage:
    engine_kwargs = {"pool_pre_ping": True}
    if spec.kind == "sqlite":
        # Workers of one machine write to one file; wait for the lock instead of failing at once.
        engine_kwargs = {"connect_args": {"timeout": 120}}
    keywords = dict(
        engine_kwargs=engine_kwargs,
        heartbeat_interval=spec.heartbeat_interval,
        grace_period=spec.grace_period,
    )
    callback_keyword = (
        "heartbeat_stale_trial_callback"
        if "heartbeat_stale_trial_callback" in inspect.signature(optuna.storages.RDBStorage).parameters
        else "failed_trial_callback"
    )
    keywords[callback_keyword] = retry_callback(spec.max_retries)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)  # heartbeats: stable in use since Optuna 2.9
        return optuna.storages.RDBStorage(spec.url, **keywords)


def open_storage(spec: StorageSpec) -> optuna.storages.BaseStorage:
    """The storage, with heartbeats and retries of crashed trials; one clear error if it cannot be opened."""
    if spec.url is None:
        from optuna.storages.journal import JournalFileBackend

        spec.journal_path.parent.mkdir(parents=True, exist_ok=True)
        backend = JournalFileBackend(str(spec.journal_path))
        return HeartbeatJournalStorage(backend, spec.heartbeat_interval, spec.grace_period, retry_callback(spec.max_retries))
    try:
        return _database(spec)
    except ImportError as exc:
        # Optuna re-raises SQLAlchemy's missing driver as a bare ImportError; the module is in its cause.
        missing = exc.name or getattr(exc.__cause__, "name", None) or getattr(exc.__context__, "name", None)
        hint = DRIVERS.get(spec.kind, f"install the Python driver for '{spec.kind}'")
        raise RecbenchError(f"tune.storage={spec.shown}: the database driver '{missing}' is not installed; {hint}") from None
    except Exception as exc:  # SQLAlchemy and driver errors: a bad URL, a server that does not answer
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RecbenchError(
            f"tune.storage={spec.shown}: cannot open the study storage ({type(exc).__name__}: {reason}); "
            "give an Optuna storage URL such as sqlite:///studies.db or postgresql://user:password@host/database, "
            "or null for the embedded journal file"
        ) from None
