from __future__ import annotations

import os
from pathlib import Path

import pytest

from recbench.testing._synthetic import write_movielens

def missing(reason: str) -> None:
    """Skip for want of a resource, except in CI, which provides every resource."""
    if os.environ.get("RECBENCH_REQUIRE_SLOW_RESOURCES"):
        pytest.fail(f"CI must provide this resource: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def movielens_dir(tmp_path_factory) -> Path:
    """A data folder laid out like the official archives, with small generated files."""
    return write_movielens(tmp_path_factory.mktemp("data"))


@pytest.fixture
def offline_env(movielens_dir, tmp_path, monkeypatch) -> Path:
    """RECBENCH_DATA_DIR at the generated files; an empty cache; downloads impossible."""
    monkeypatch.setenv("RECBENCH_DATA_DIR", str(movielens_dir))
    monkeypatch.setenv("RECBENCH_CACHE_DIR", str(tmp_path / "cache"))
    return movielens_dir


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """A folder with the real MovieLens files (ml-100k/, ml-1m/), named by RECBENCH_REAL_DATA_DIR."""
    folder = Path(os.environ.get("RECBENCH_REAL_DATA_DIR", "/nonexistent"))
    if not (folder / "ml-100k" / "u.data").is_file():
        missing(f"real MovieLens files not found in {folder}; set RECBENCH_REAL_DATA_DIR")
    return folder
