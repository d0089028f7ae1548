"""Finding a dataset's raw files: offline folder, local cache, or a verified download."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from recbench.data._spec import DatasetSpec
from recbench.errors import RecbenchError

DATA_DIR_VARIABLE = "RECBENCH_DATA_DIR"
CACHE_DIR_VARIABLE = "RECBENCH_CACHE_DIR"


def resolve_data_dir(configured: str | None) -> Path | None:
    value = configured or os.environ.get(DATA_DIR_VARIABLE)
    return Path(value).expanduser() if value else None


def resolve_cache_dir(configured: str | None) -> Path:
    value = configured or os.environ.get(CACHE_DIR_VARIABLE) or "~/.cache/recbench"
    return Path(value).expanduser()


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _has_files(folder: Path, spec: DatasetSpec) -> bool:
    return all((folder / name).is_file() for name in spec.files)


def locate(spec: DatasetSpec, data_dir: Path | None, cache_dir: Path, download: bool) -> Path:
    """Return the folder holding ``spec.files``, importing or downloading the archive if needed.

    Order: extracted files in the data folder; the official archive in the data folder;
    the cache; a download (verified, then cached).
    """
    if data_dir is not None:
        if _has_files(data_dir / spec.folder, spec):
            return data_dir / spec.folder
        if spec.archive_name and (data_dir / spec.archive_name).is_file():
            return _extract(spec, data_dir / spec.archive_name, cache_dir)
    cached = cache_dir / "extracted" / spec.folder
    if _has_files(cached, spec):
        return cached
    problem = "no network download was attempted (download=false)"
    if download and spec.url:
        try:
            archive = _download(spec, cache_dir)
        except OSError as exc:
            problem = f"the download from {spec.url} failed ({exc})"
        else:
            return _extract(spec, archive, cache_dir)
    where = f"${DATA_DIR_VARIABLE} (now {data_dir})" if data_dir else f"a folder named by ${DATA_DIR_VARIABLE} or data_dir="
    wanted = ", ".join(f"{spec.folder}/{name}" for name in spec.files)
    archive = f" or the official archive {spec.archive_name}" if spec.archive_name else ""
    raise RecbenchError(
        f"dataset '{spec.name}' not found: {problem}. Put {wanted}{archive} in {where}"
        + (f"; the publisher's page is {spec.homepage}" if spec.homepage else "")
    )


def _verify_archive(spec: DatasetSpec, path: Path) -> None:
    checks = [("sha256", spec.archive_sha256), ("md5", spec.archive_md5)]
    for algorithm, expected in checks:
        if expected and file_digest(path, algorithm) != expected:
            actual = file_digest(path, algorithm)
            raise RecbenchError(
                f"{path.name}: {algorithm} is {actual}, expected {expected}; the file is corrupt or not the "
                f"official release. Delete it and fetch it again from {spec.url}"
            )


def _download(spec: DatasetSpec, cache_dir: Path) -> Path:
    target = cache_dir / "downloads" / spec.archive_name
    if target.is_file():
        _verify_archive(spec, target)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{spec.archive_name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(spec.url, timeout=60) as response:
            shutil.copyfileobj(response, out)
        try:
            _verify_archive(spec, Path(partial))
        except RecbenchError as exc:
            raise RecbenchError(f"downloaded {exc}; the download was deleted") from None
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target


def _extract(spec: DatasetSpec, archive: Path, cache_dir: Path) -> Path:
    """Unpack into the cache atomically; refuse members that would land outside it."""
    _verify_archive(spec, archive)
    extracted = cache_dir / "extracted"
    extracted.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=extracted, prefix=f".{spec.folder}."))
    try:
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.namelist():
                resolved = (staging / member).resolve()
                if not resolved.is_relative_to(staging.resolve()):
                    raise RecbenchError(f"{archive}: member '{member}' points outside the archive folder; refusing it")
            bundle.extractall(staging)
        if not _has_files(staging / spec.folder, spec):
            raise RecbenchError(f"{archive}: does not contain {', '.join(spec.files)} under {spec.folder}/")
        final = extracted / spec.folder
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging / spec.folder, final)
        return final
    except zipfile.BadZipFile as exc:
        raise RecbenchError(f"{archive}: not a readable zip archive ({exc}); delete it and fetch it again") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
