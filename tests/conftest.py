from __future__ import annotations

import os
from pathlib import Path

import pytest

from recbench.testing._synthetic import write_movielens

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


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
    """The real MovieLens copies (RECBENCH_REAL_DATA_DIR or ../shared/data); skips when absent."""
    folder = Path(os.environ.get("RECBENCH_REAL_DATA_DIR", SHARED_DATA))
    if not (folder / "ml-100k" / "u.data").is_file():
        pytest.skip(f"real MovieLens files not found in {folder}; set RECBENCH_REAL_DATA_DIR")
    return folder
