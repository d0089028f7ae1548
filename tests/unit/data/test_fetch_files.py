"""Releases published as plain files (NCF, S3-Rec, Goodbooks): per-file downloads and local imports."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

from recbench.data import DatasetSpec
from recbench.data._fetch import find_local, import_local, locate
from recbench.errors import RecbenchError

TRAIN, TEST = b"0\t1\t5\t10\n1\t2\t4\t20\n", b"0\t3\t5\t30\n"


def spec(base: str, prefix: str = "a", sha256: dict | None = None, optional: tuple = ()) -> DatasetSpec:
    files = (f"{prefix}.train", f"{prefix}.test")
    return DatasetSpec(
        name=f"toy-{prefix}",
        title="Toy",
        folder="shared",
        files=files,
        optional_files=optional,
        parser=lambda folder: None,
        file_urls={f: f"{base}/{f}" for f in (*files, *optional)},
        file_sha256=sha256 or {},
    )


def test_files_are_downloaded_verified_and_cached(http_folder, tmp_path):
    www, base, requests = http_folder
    (www / "a.train").write_bytes(TRAIN)
    (www / "a.test").write_bytes(TEST)
    digests = {"a.train": hashlib.sha256(TRAIN).hexdigest()}
    cache = tmp_path / "cache"
    folder = locate(spec(base, sha256=digests), None, cache, download=True)
    assert folder == cache / "extracted" / "shared"
    assert (folder / "a.train").read_bytes() == TRAIN and (folder / "a.test").read_bytes() == TEST
    assert locate(spec(base, sha256=digests), None, cache, download=True) == folder
    assert sorted(requests) == ["/a.test", "/a.train"]  # the second call found the cache


def test_a_file_with_a_wrong_digest_leaves_nothing(http_folder, tmp_path):
    www, base, _ = http_folder
    (www / "a.train").write_bytes(TRAIN)
    (www / "a.test").write_bytes(TEST)
    cache = tmp_path / "cache"
    with pytest.raises(RecbenchError, match=r"downloaded a\.train: sha256 is .*; the download was deleted"):
        locate(spec(base, sha256={"a.train": "0" * 64}), None, cache, download=True)
    assert [p for p in cache.rglob("*") if p.is_file()] == []


def test_a_failed_download_of_a_required_file_leaves_nothing(http_folder, tmp_path):
    www, base, _ = http_folder
    (www / "a.train").write_bytes(TRAIN)  # a.test is missing: 404
    cache = tmp_path / "cache"
    with pytest.raises(RecbenchError, match="the download from .* failed"):
        locate(spec(base), None, cache, download=True)
    assert [p for p in cache.rglob("*") if p.is_file()] == []


def test_a_missing_optional_file_is_skipped(http_folder, tmp_path):
    www, base, _ = http_folder
    (www / "a.train").write_bytes(TRAIN)
    (www / "a.test").write_bytes(TEST)
    folder = locate(spec(base, optional=("a.attributes",)), None, tmp_path / "cache", download=True)
    assert sorted(p.name for p in folder.iterdir()) == ["a.test", "a.train"]


def test_two_datasets_share_a_folder_without_removing_each_other(http_folder, tmp_path):
    www, base, _ = http_folder
    for prefix in ("a", "b"):
        (www / f"{prefix}.train").write_bytes(TRAIN)
        (www / f"{prefix}.test").write_bytes(TEST)
    cache = tmp_path / "cache"
    locate(spec(base, "a"), None, cache, download=True)
    locate(spec(base, "b"), None, cache, download=True)
    assert find_local(spec(base, "a"), None, cache) and find_local(spec(base, "b"), None, cache)


@pytest.mark.parametrize("layout", ["folder", "files"])
def test_import_a_local_copy(tmp_path, layout):
    source = tmp_path / "copy"
    where = source / "shared" if layout == "folder" else source
    where.mkdir(parents=True)
    (where / "a.train").write_bytes(TRAIN)
    (where / "a.test").write_bytes(TEST)
    (where / "unrelated.txt").write_text("not copied")
    folder = import_local(spec("http://unused.invalid"), source, tmp_path / "cache")
    assert sorted(p.name for p in folder.iterdir()) == ["a.test", "a.train"]


def test_import_an_archive_with_its_files_at_the_top_level(tmp_path):
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("u.data", TRAIN)
        bundle.writestr("readme.txt", b"hi")
    toy = DatasetSpec(name="toy", title="Toy", folder="toy-2k", files=("u.data",), parser=lambda f: None, url="https://example.invalid/bundle.zip")
    folder = import_local(toy, tmp_path, tmp_path / "cache")
    assert folder == tmp_path / "cache" / "extracted" / "toy-2k" and (folder / "u.data").read_bytes() == TRAIN


def test_import_from_a_folder_without_the_files_says_what_it_wants(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(RecbenchError, match=r"holds neither shared/ nor a\.train, a\.test"):
        import_local(spec("http://unused.invalid"), tmp_path / "empty", tmp_path / "cache")
