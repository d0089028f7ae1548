"""Running ``recbench`` as a user does, in a subprocess, and reading the records it leaves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


RECBENCH = [sys.executable, "-m", "recbench.cli"]


def recbench(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*RECBENCH, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def records(results: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((results / "runs").glob("*.json"))]
