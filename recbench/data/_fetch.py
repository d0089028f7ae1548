"""Finding a dataset's raw files: offline folder, local cache, or a verified download.

Everything written into the cache lands under a temporary name first and is renamed into
place only once complete and verified, so an interrupted fetch leaves nothing half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from recbench.data._digest import file_digest
from recbench.data._spec import DatasetSpec
from recbench.errors import RecbenchError

DATA_DIR_VARIABLE = "RECBENCH_DATA_DIR"
CACHE_DIR_VARIABLE = "RECBENCH_CACHE_DIR"

__all__ = ["file_digest", "find_local", "import_local", "locate", "resolve_cache_dir", "resolve_data_dir"]


def resolve_data_dir(configured: str | None) -> Path | None:
    value = configured or os.environ.get(DATA_DIR_VARIABLE)
    return Path(value).expanduser() if value else None


def resolve_cache_dir(configured: str | None) -> Path:
    value = configured or os.environ.get(CACHE_DIR_VARIABLE) or "~/.cache/recbench"
    return Path(value).expanduser()


def _has_files(folder: Path, spec: DatasetSpec) -> bool:
    return all((folder / name).is_file() for name in spec.files)


def find_local(spec: DatasetSpec, data_dir: Path | None, cache_dir: Path) -> Path | None:
    """The extracted folder or official archive already on this machine, without touching anything."""
    if data_dir is not None:
        if _has_files(data_dir / spec.folder, spec):
            return data_dir / spec.folder
        if spec.archive_name and (data_dir / spec.archive_name).is_file():
            return data_dir / spec.archive_name
    cached = cache_dir / "extracted" / spec.folder
    return cached if _has_files(cached, spec) else None


def locate(spec: DatasetSpec, data_dir: Path | None, cache_dir: Path, download: bool, progress: bool = False) -> Path:
    """Return the folder holding ``spec.files``, importing or downloading them if needed.

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
    if spec.manual_download:
        problem = spec.manual_download
    else:
        problem = "no network download was attempted (download=false)"
        if download and (spec.url or spec.file_urls):
            failed = None
            try:
                if spec.url:
                    return _extract(spec, _download(spec, cache_dir, progress), cache_dir)
                return _download_files(spec, cache_dir, progress)
            except OSError as exc:
                failed = exc
            problem = f"the download from {spec.url or spec.homepage} failed ({failed})"
    where = f"${DATA_DIR_VARIABLE} (now {data_dir})" if data_dir else f"a folder named by ${DATA_DIR_VARIABLE} or data_dir="
    wanted = ", ".join(f"{spec.folder}/{name}" for name in spec.files)
    archive = f" or the official archive {spec.archive_name}" if spec.archive_name else ""
    raise RecbenchError(
        f"dataset '{spec.name}' not found: {problem}. Put {wanted}{archive} in {where}, "
        f"or import a copy with `recbench data fetch {spec.name} --from DIR`"
        + (f"; the publisher's page is {spec.homepage}" if spec.homepage else "")
    )


def import_local(spec: DatasetSpec, source: Path, cache_dir: Path) -> Path:
    """Copy a local copy (the extracted folder, its files, or the official archive) into the cache."""
    source = Path(source).expanduser()
    if spec.archive_name and (source / spec.archive_name).is_file():
        return _extract(spec, source / spec.archive_name, cache_dir)
    if source.is_file() and spec.archive_name and source.name == spec.archive_name:
        return _extract(spec, source, cache_dir)
    for folder in (source / spec.folder, source):
        if _has_files(folder, spec):
            names = [n for n in (*spec.files, *spec.optional_files, *spec.file_urls) if (folder / n).is_file()]
            return _install(spec, cache_dir, {name: folder / name for name in dict.fromkeys(names)})
    archive = f", or the archive {spec.archive_name}" if spec.archive_name else ""
    raise RecbenchError(
        f"{source}: holds neither {spec.folder}/ nor {', '.join(spec.files)}{archive}; "
        f"point --from at the folder that contains them"
    )


def _install(spec: DatasetSpec, cache_dir: Path, files: dict[str, Path]) -> Path:
    """Copy ``files`` into a fresh staging folder, then rename it to ``extracted/<folder>``."""
    extracted = cache_dir / "extracted"
    extracted.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=extracted, prefix=f".{spec.folder}."))
    try:
        for name, path in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        return _publish_files(staging, extracted / spec.folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish(staging: Path, final: Path) -> Path:
    """An unpacked archive replaces its folder as a whole."""
    if final.exists():
        shutil.rmtree(final)
    os.replace(staging, final)
    return final


def _publish_files(staging: Path, final: Path) -> Path:
    """Plain files join their folder one by one (each rename is atomic): several datasets
    share a folder (NCF's ML-1M and Pinterest files, S3-Rec's categories)."""
    final.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = final / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
    return final


def _verify(path: Path, source: str, sha256: str | None, md5: str | None = None, name: str | None = None) -> None:
    for algorithm, expected in (("sha256", sha256), ("md5", md5)):
        if expected:
            actual = file_digest(path, algorithm)
            if actual != expected:
                raise RecbenchError(
                    f"{name or path.name}: {algorithm} is {actual}, expected {expected}; the file is corrupt or not the "
                    f"official release. Delete it and fetch it again from {source}"
                )


def _verify_archive(spec: DatasetSpec, path: Path) -> None:
    _verify(path, spec.url or spec.homepage, spec.archive_sha256, spec.archive_md5, name=path.name if not path.name.endswith(".part") else spec.archive_name)


def _fetch_url(url: str, folder: Path, name: str, progress: bool) -> Path:
    """Download ``url`` to a temporary file in ``folder``; the caller verifies and renames it."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            bar = _progress_bar(name, total) if progress else None
            for block in iter(lambda: response.read(1 << 20), b""):
                out.write(block)
                if bar is not None:
                    bar.update(len(block))
            if bar is not None:
                bar.close()
    except BaseException:
        os.unlink(partial)
        raise
    return Path(partial)


def _progress_bar(name: str, total: int | None):
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=name)


def _download(spec: DatasetSpec, cache_dir: Path, progress: bool = False) -> Path:
    target = cache_dir / "downloads" / spec.archive_name
    if target.is_file():
        _verify_archive(spec, target)
        return target
    partial = _fetch_url(spec.url, target.parent, spec.archive_name, progress)
    try:
        try:
            _verify_archive(spec, partial)
        except RecbenchError as exc:
            raise RecbenchError(f"downloaded {exc}; the download was deleted") from None
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return target


def _download_files(spec: DatasetSpec, cache_dir: Path, progress: bool) -> Path:
    """Releases published as plain files (GitHub raw URLs): fetch each, verify the known digests."""
    extracted = cache_dir / "extracted"
    extracted.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=extracted, prefix=f".{spec.folder}."))
    try:
        for name, url in spec.file_urls.items():
            try:
                partial = _fetch_url(url, staging, name, progress)
            except OSError:
                if name in spec.files:
                    raise
                continue  # a side-feature file is optional
            try:
                _verify(partial, url, spec.file_sha256.get(name), name=name)
            except RecbenchError as exc:
                raise RecbenchError(f"downloaded {exc}; the download was deleted") from None
            os.replace(partial, staging / name)
        return _publish_files(staging, extracted / spec.folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _extract(spec: DatasetSpec, archive: Path, cache_dir: Path) -> Path:
    """Unpack into the cache atomically; refuse members that would land outside it.

    The files may sit under ``spec.folder/`` in the archive (MovieLens) or at its top
    level (HetRec's Last.fm); either way they end up in ``extracted/<folder>``.
    """
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
        if _has_files(staging / spec.folder, spec):
            root = staging / spec.folder
        elif _has_files(staging, spec):
            root = staging
        else:
            raise RecbenchError(f"{archive}: does not contain {', '.join(spec.files)} under {spec.folder}/")
        if root == staging:
            return _publish(staging, extracted / spec.folder)
        return _publish(root, extracted / spec.folder)
    except zipfile.BadZipFile as exc:
        raise RecbenchError(f"{archive}: not a readable zip archive ({exc}); delete it and fetch it again") from None
    except (EOFError, zipfile.LargeZipFile, OSError) as exc:
        raise RecbenchError(f"{archive}: cannot be unpacked ({exc}); it is truncated or corrupt. Delete it and fetch it again") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
