"""SHA-256 of raw files, remembered by (path, size, mtime_ns) so a cache hit does not re-read gigabytes.

A file rewritten in place gets a new mtime_ns (nanoseconds) or size, which misses the memo
and hashes again; the memo only ever saves time, never changes a digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def remembered_sha256(path: Path, cache_dir: Path | None) -> str:
    """``file_digest(path)``, memoised under ``cache_dir/digests`` when a cache folder is given."""
    if cache_dir is None:
        return file_digest(path)
    resolved = Path(path).resolve()
    stat = resolved.stat()
    identity = {"path": str(resolved), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    memo = cache_dir / "digests" / (hashlib.sha256(str(resolved).encode()).hexdigest() + ".json")
    try:
        stored = json.loads(memo.read_text())
        if {k: stored.get(k) for k in identity} == identity and len(stored.get("sha256", "")) == 64:
            return stored["sha256"]
    except (OSError, ValueError):
        pass
    digest = file_digest(resolved)
    partial = None
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=memo.parent, prefix=".tmp-")
        with os.fdopen(fd, "w") as handle:
            json.dump({**identity, "sha256": digest}, handle)
        os.replace(partial, memo)
    except OSError:
        if partial and os.path.exists(partial):
            os.unlink(partial)  # a read-only cache only costs the next run a re-hash
    return digest
