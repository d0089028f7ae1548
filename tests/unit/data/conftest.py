from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from recbench.data import load_dataset
from recbench.plugins import get_registry
from recbench.testing._synthetic import write_publishers


@pytest.fixture(scope="session")
def publishers_dir(tmp_path_factory) -> Path:
    """A data folder with every publisher's layout, generated (120 users, 160 items, 2,400 interactions)."""
    return write_publishers(tmp_path_factory.mktemp("publishers"))


@pytest.fixture
def data_copy(publishers_dir, tmp_path) -> Path:
    """A private copy of the generated folder that a test may damage."""
    return Path(shutil.copytree(publishers_dir, tmp_path / "data"))


@pytest.fixture
def load(tmp_path):
    """load(name_or_spec, data_dir, **options): load_dataset offline with a fresh cache per test."""

    def run(spec, data_dir=None, cache_dir=None, **options):
        spec = get_registry().dataset(spec) if isinstance(spec, str) else spec
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # generated files differ from the official digests
            return load_dataset(spec, options, data_dir=str(data_dir) if data_dir else None, cache_dir=str(cache_dir or tmp_path / "cache"), download=False)

    return run
