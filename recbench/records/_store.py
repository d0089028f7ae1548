from __future__ import annotations

import json
import math
import os
import platform
import re
import tempfile
import uuid
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from recbench.errors import RecbenchError

SCHEMA_VERSION = 1
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")

# Top-level keys every record carries, with the type each must have.
REQUIRED = {
    "schema_version": int,
    "run_id": str,
    "created": str,
    "model": dict,
    "hyperparameters": dict,
    "dataset": dict,
    "protocol": dict,
    "seed": int,
    "metrics": dict,
    "costs": dict,
    "environment": dict,
    "command": str,
}


def new_run_id(model: str, dataset: str, seed: int) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    return f"{stamp}-{model}-{dataset}-s{seed}-{uuid.uuid4().hex[:6]}"


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def device_name() -> str:
    """The GPU's name, or the CPU's architecture and the vector instructions torch's kernels use.

    Both decide float results: AVX2 and AVX512 kernels sum a matrix product in different
    orders, and a trained model drifts from such differences, so a run re-made on another
    kind of CPU agrees with its record only within noise.
    """
    import torch

    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"cpu ({platform.processor() or platform.machine()}, {torch.backends.cpu.get_cpu_capability()})"


def environment() -> dict[str, str]:
    import torch

    device = device_name()
    return {
        "recbench": _version("recbench"),
        "torch": torch.__version__,
        "pytorch-lightning": _version("pytorch-lightning"),
        "hydra-core": _version("hydra-core"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "device": device,
        "cpu_count": str(os.cpu_count()),
        "torch_threads": str(torch.get_num_threads()),  # timings depend on it
    }


def validate_record(record: Any, where: str) -> dict:
    """Check a record's shape and value ranges; raise naming ``where`` and the offending key."""
    if not isinstance(record, dict):
        raise RecbenchError(f"{where}: a run record must be a JSON object")
    for key, kind in REQUIRED.items():
        if key not in record:
            raise RecbenchError(f"{where}: missing key '{key}'")
        if not isinstance(record[key], kind) or (kind is int and isinstance(record[key], bool)):
            raise RecbenchError(f"{where}: '{key}' must be {kind.__name__}, got {type(record[key]).__name__}")
    if record["schema_version"] != SCHEMA_VERSION:
        raise RecbenchError(f"{where}: schema_version {record['schema_version']} is not {SCHEMA_VERSION}")
    if not RUN_ID.fullmatch(record["run_id"]):
        raise RecbenchError(f"{where}: run_id {record['run_id']!r} is not a plain file name")
    for stage, values in record["metrics"].items():
        if not isinstance(values, dict):
            raise RecbenchError(f"{where}: metrics.{stage} must be an object")
        for name, value in values.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
                raise RecbenchError(f"{where}: metrics.{stage}.{name} must be a finite number, got {value!r}")
    return record


def _atomic_write(path: Path, write) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(temporary)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; records are meant to be shared
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_record(results_dir: str | Path, record: dict, per_user: pd.DataFrame | None = None) -> Path:
    """Write ``runs/<run_id>.json`` (and ``runs/<run_id>.users.parquet``), each atomically.

    The per-user file is written first: a record that exists always has its per-user
    metrics, and an interrupted run leaves neither a partial JSON nor a stray temporary.
    """
    validate_record(record, f"record {record.get('run_id')}")
    runs = Path(results_dir) / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    if per_user is not None:
        _atomic_write(runs / f"{record['run_id']}.users.parquet", lambda p: per_user.to_parquet(p, index=False))

    def dump(target: str) -> None:
        with open(target, "w") as handle:
            json.dump(record, handle, indent=2, sort_keys=True)
            handle.write("\n")

    path = runs / f"{record['run_id']}.json"
    _atomic_write(path, dump)
    return path


def read_record(path: str | Path) -> dict:
    path = Path(path)
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise RecbenchError(f"{path}: not a readable JSON run record ({exc})") from None
    return validate_record(record, str(path))


def read_per_user(record_path: str | Path) -> pd.DataFrame:
    path = Path(record_path)
    return pd.read_parquet(path.with_name(path.name.removesuffix(".json") + ".users.parquet"))
