"""What the command-line tests share: the environment a user's shell would give ``recbench``."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def cli_env(movielens_dir, tmp_path) -> dict[str, str]:
    """The generated MovieLens files as the offline data folder, an empty cache, every plugin enabled."""
    env = dict(os.environ)
    env.update(RECBENCH_DATA_DIR=str(movielens_dir), RECBENCH_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("RECBENCH_DISABLE_PLUGINS", None)
    return env
