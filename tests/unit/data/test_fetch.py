"""locate: extracted files, an official archive in the data folder, the cache, a verified download."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from recbench.data import DatasetSpec
from recbench.data._fetch import locate
from recbench.errors import RecbenchError

FOLDER = "toy-1"
ARCHIVE = f"{FOLDER}.zip"
CONTENT = b"1\t1\t5\t100\n2\t1\t3\t200\n"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return path


def _spec(archive: Path | None, url: str = f"https://example.invalid/data/{ARCHIVE}", **checks) -> DatasetSpec:
    if archive is not None and not checks:
        data = archive.read_bytes()
        checks = {"archive_sha256": hashlib.sha256(data).hexdigest(), "archive_md5": hashlib.md5(data).hexdigest()}
    return DatasetSpec(
        name="toy", title="Toy", folder=FOLDER, files=("u.data",), parser=lambda folder: None, url=url, **checks
    )


@pytest.fixture
def official_zip(tmp_path) -> Path:
    source = tmp_path / "publisher"
    source.mkdir()
    return _zip(source / ARCHIVE, {f"{FOLDER}/u.data": CONTENT, f"{FOLDER}/README": b"toy"})


@pytest.fixture
def dirs(tmp_path):
    data, cache = tmp_path / "data", tmp_path / "cache"
    data.mkdir()
    return data, cache


def _all_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_finds_extracted_files_in_the_data_folder(dirs, official_zip):
    data, cache = dirs
    (data / FOLDER).mkdir()
    (data / FOLDER / "u.data").write_bytes(CONTENT)
    assert locate(_spec(official_zip), data, cache, download=False) == data / FOLDER
    assert not cache.exists()


def test_imports_the_official_archive_from_the_data_folder_into_the_cache(dirs, official_zip):
    data, cache = dirs
    (data / ARCHIVE).write_bytes(official_zip.read_bytes())
    folder = locate(_spec(official_zip), data, cache, download=False)
    assert folder == cache / "extracted" / FOLDER
    assert (folder / "u.data").read_bytes() == CONTENT
    assert _all_files(cache / "extracted") == [FOLDER, f"{FOLDER}/README", f"{FOLDER}/u.data"]


def test_uses_the_cache_once_the_archive_is_gone(dirs, official_zip):
    data, cache = dirs
    (data / ARCHIVE).write_bytes(official_zip.read_bytes())
    locate(_spec(official_zip), data, cache, download=False)
    (data / ARCHIVE).unlink()
    assert locate(_spec(official_zip), data, cache, download=False) == cache / "extracted" / FOLDER
    assert locate(_spec(official_zip), None, cache, download=False) == cache / "extracted" / FOLDER


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_archive_with_a_wrong_checksum_is_refused(dirs, official_zip, algorithm):
    data, cache = dirs
    (data / ARCHIVE).write_bytes(official_zip.read_bytes())
    spec = _spec(official_zip, **{f"archive_{algorithm}": "0" * (64 if algorithm == "sha256" else 32)})
    with pytest.raises(RecbenchError, match=f"{ARCHIVE}: {algorithm} is"):
        locate(spec, data, cache, download=False)
    assert not (cache / "extracted" / FOLDER).exists()


@pytest.mark.parametrize("evil", ["../evil", f"{FOLDER}/../../evil", "{tmp_path}/evil-absolute"])
def test_archive_member_outside_the_folder_is_refused_and_nothing_is_extracted(tmp_path, dirs, evil):
    data, cache = dirs
    evil = evil.format(tmp_path=tmp_path)
    archive = _zip(data / ARCHIVE, {f"{FOLDER}/u.data": CONTENT, evil: b"pwned"})
    with pytest.raises(RecbenchError, match="points outside the archive folder"):
        locate(_spec(archive), data, cache, download=False)
    assert _all_files(cache / "extracted") == []
    assert not any(p.name.startswith("evil") for p in tmp_path.rglob("*"))


def test_archive_without_the_expected_files_is_refused(dirs):
    data, cache = dirs
    archive = _zip(data / ARCHIVE, {"other/u.data": CONTENT})
    with pytest.raises(RecbenchError, match=f"does not contain u.data under {FOLDER}/"):
        locate(_spec(archive), data, cache, download=False)
    assert _all_files(cache / "extracted") == []


def test_unreadable_archive_is_a_recbench_error(dirs):
    data, cache = dirs
    archive = data / ARCHIVE
    archive.write_bytes(b"this is not a zip file")
    with pytest.raises(RecbenchError, match="not a readable zip archive"):
        locate(_spec(archive), data, cache, download=False)


@pytest.mark.parametrize("with_data_dir", [True, False])
def test_nothing_found_without_download_names_the_data_dir_variable(dirs, official_zip, with_data_dir):
    data, cache = dirs
    with pytest.raises(RecbenchError) as info:
        locate(_spec(official_zip), data if with_data_dir else None, cache, download=False)
    message = str(info.value)
    assert "RECBENCH_DATA_DIR" in message
    assert f"{FOLDER}/u.data" in message and ARCHIVE in message
    assert "download=false" in message


# --- downloads through a local HTTP server ----------------------------------------------------------


def test_download_is_verified_extracted_and_cached(http_folder, official_zip, tmp_path):
    www, base, requests = http_folder
    (www / ARCHIVE).write_bytes(official_zip.read_bytes())
    cache = tmp_path / "cache"
    spec = _spec(official_zip, url=f"{base}/{ARCHIVE}")
    folder = locate(spec, None, cache, download=True)
    assert folder == cache / "extracted" / FOLDER
    assert (folder / "u.data").read_bytes() == CONTENT
    assert _all_files(cache / "downloads") == [ARCHIVE]
    assert (cache / "downloads" / ARCHIVE).read_bytes() == official_zip.read_bytes()
    assert locate(spec, None, cache, download=True) == folder
    assert requests == [f"/{ARCHIVE}"]  # the second call was served from the cache


def test_download_with_a_wrong_checksum_leaves_nothing_in_the_cache(http_folder, official_zip, tmp_path):
    www, base, _ = http_folder
    (www / ARCHIVE).write_bytes(official_zip.read_bytes())
    cache = tmp_path / "cache"
    spec = _spec(official_zip, url=f"{base}/{ARCHIVE}", archive_sha256="0" * 64)
    with pytest.raises(RecbenchError, match="downloaded .*sha256.*deleted"):
        locate(spec, None, cache, download=True)
    assert _all_files(cache / "downloads") == []
    assert _all_files(cache / "extracted") == []


def test_failed_download_is_a_recbench_error_and_leaves_no_partial_file(http_folder, official_zip, tmp_path):
    _, base, requests = http_folder
    cache = tmp_path / "cache"
    spec = _spec(official_zip, url=f"{base}/{ARCHIVE}")  # the server has no such file: 404
    with pytest.raises(RecbenchError, match=f"the download from {base}/{ARCHIVE} failed"):
        locate(spec, None, cache, download=True)
    assert requests == [f"/{ARCHIVE}"]
    assert _all_files(cache / "downloads") == []
