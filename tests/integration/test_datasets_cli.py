"""`recbench data list | info | fetch` end to end on generated files in the publishers' formats."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from recbench.testing._synthetic import planted_interactions, write_publishers, write_table


RECBENCH = [sys.executable, "-m", "recbench.cli", "data"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return write_publishers(tmp_path_factory.mktemp("publishers"))


@pytest.fixture
def env(generated, tmp_path) -> dict[str, str]:
    return dict(os.environ, RECBENCH_DATA_DIR=str(generated), RECBENCH_CACHE_DIR=str(tmp_path / "cache"))


def data(*args: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*RECBENCH, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_list_shows_every_dataset_with_size_licence_and_local_copy(env, tmp_path):
    done = data("list", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines()[1:] if line.strip() and not line.startswith("Counts")}
    assert {"ml-100k", "ml-1m", "ml-20m", "ncf-ml-1m", "amazon-beauty-s3rec", "yelp", "table", "atomic", "sequences"} <= set(rows)
    assert "6,040" in rows["ml-1m"] and "1,000,209" in rows["ml-1m"] and "GroupLens" in rows["ml-1m"]
    assert rows["ml-1m"].rstrip().endswith("yes") and rows["table"].rstrip().endswith("your file")


def test_info_prints_counts_licence_citation_and_checksums(env, tmp_path):
    done = data("info", "ml-1m", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "archive md5:   c4d9eecfca2ab87c1945afe126590906" in out and "Harper and Joseph A. Konstan" in out
    assert "as loaded:" in out and "2,400 interactions" in out and "after preprocessing" in out
    assert "user features: gender, age, occupation, zip" in out


def test_info_with_options_and_a_users_own_file(env, tmp_path):
    path = write_table(tmp_path / "mine.csv", planted_interactions())
    done = data("info", "table", f"path={path}", "columns={user: uid, item: iid, rating: stars}", "user_min=20", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2,400 interactions" in done.stdout and "user_min=20" in done.stdout


def test_info_on_a_malformed_file_names_file_and_line(env, tmp_path):
    path = write_table(tmp_path / "mine.csv", planted_interactions())
    lines = path.read_text().splitlines()
    lines[3] = "1,2,lots,5"
    path.write_text("\n".join(lines) + "\n")
    done = data("info", "table", f"path={path}", "columns={user: uid, item: iid, rating: stars}", env=env, cwd=tmp_path)
    assert done.returncode == 2 and "mine.csv, line 4: rating 'lots' is not a number" in done.stderr
    assert "Traceback" not in done.stderr


def test_fetch_imports_a_local_copy_into_the_cache(env, generated, tmp_path):
    env["RECBENCH_DATA_DIR"] = str(tmp_path / "empty")
    done = data("fetch", "amazon-beauty-s3rec", "--from", str(generated / "s3rec"), env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cache" / "extracted" / "s3rec" / "Beauty.txt").is_file()
    assert "Beauty.txt: sha256" in done.stdout
    listed = data("list", env=env, cwd=tmp_path).stdout
    assert [line for line in listed.splitlines() if line.startswith("amazon-beauty-s3rec")][0].rstrip().endswith("yes")


def test_fetch_of_a_manual_dataset_explains_the_licence(env, tmp_path):
    env["RECBENCH_DATA_DIR"] = str(tmp_path / "empty")
    done = data("fetch", "yelp", env=env, cwd=tmp_path)
    assert done.returncode == 2 and "licence requires" in done.stderr and "--from DIR" in done.stderr
    assert "Traceback" not in done.stderr


def test_fetch_of_a_generic_loader_has_nothing_to_fetch(env, tmp_path):
    done = data("fetch", "sequences", env=env, cwd=tmp_path)
    assert done.returncode == 2 and "nothing to fetch" in done.stderr
