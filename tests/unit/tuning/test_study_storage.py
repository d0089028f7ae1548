"""Opening a study's storage: the embedded journal, database URLs, and one clear error for a bad one."""

from __future__ import annotations

import sys

import optuna
import pytest

from recbench.errors import RecbenchError
from recbench.tuning._journal import HeartbeatJournalStorage
from recbench.tuning._storage import StorageSpec, open_storage


def spec(url=None, journal_path=None):
    return StorageSpec(url=url, journal_path=journal_path, heartbeat_interval=5, grace_period=20, max_retries=2)


def test_embedded_journal_needs_no_server(tmp_path):
    storage = open_storage(spec(journal_path=tmp_path / "deep" / "journal.log"))
    assert isinstance(storage, HeartbeatJournalStorage)
    optuna.create_study(storage=storage, study_name="s").optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert (tmp_path / "deep" / "journal.log").stat().st_size > 0


def test_sqlite_url_gets_heartbeats(tmp_path):
    storage = open_storage(spec(url=f"sqlite:///{tmp_path / 'studies.db'}"))
    assert storage.get_heartbeat_interval() == 5 and storage.grace_period == 20
    assert spec(url="sqlite:///x.db").kind == "sqlite"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nosuchdb://somewhere/db", "tune.storage=nosuchdb://somewhere/db: cannot open the study storage"),
        # No server on port 1; without a driver installed, the driver is named instead (below).
        ("postgresql://user:secret@127.0.0.1:1/db", "tune.storage=postgresql://user:"),
        ("sqlite:////no/such/folder/studies.db", "cannot open the study storage"),
    ],
)
def test_bad_storage_is_one_clear_error_without_the_password(url, message):
    with pytest.raises(RecbenchError) as caught:
        open_storage(spec(url=url))
    text = str(caught.value)
    assert message in text and "secret" not in text and "\n" not in text


def test_kind_and_shown_location_hide_the_password():
    database = spec(url="postgresql+psycopg2://tuner:secret@db.example/studies")
    assert database.kind == "postgresql"
    assert "secret" not in database.shown and "db.example/studies" in database.shown


def test_missing_database_driver_is_named_with_the_install_command(monkeypatch):
    for module in ("psycopg", "psycopg2"):
        monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(RecbenchError) as caught:
        open_storage(spec(url="postgresql://user:secret@127.0.0.1:1/db"))
    text = str(caught.value)
    assert "the database driver 'psycopg" in text and "pip install 'recbench[postgres]'" in text
    assert "secret" not in text
