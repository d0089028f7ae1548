from __future__ import annotations

import time
import traceback
from dataclasses import dataclass

from recbench.plugins import ModelSpec
from recbench.testing._checks import model_checks


@dataclass
class CheckResult:
    name: str
    status: str  # "pass" or "fail"
    seconds: float
    message: str = ""


def run_checks(spec: ModelSpec) -> list[CheckResult]:
    """Run every applicable check; a failure is recorded with its message, never raised."""
    results = []
    for check in model_checks(spec):
        started = time.perf_counter()
        try:
            check(spec)
        except AssertionError as exc:
            results.append(CheckResult(check.name, "fail", time.perf_counter() - started, str(exc).splitlines()[0] if str(exc) else "assertion failed"))
            continue
        except Exception as exc:  # a crashing model is a failed check, reported with where it crashed
            where = traceback.extract_tb(exc.__traceback__)[-1]
            message = f"{type(exc).__name__}: {exc} (at {where.filename}:{where.lineno})"
            results.append(CheckResult(check.name, "fail", time.perf_counter() - started, message))
            continue
        results.append(CheckResult(check.name, "pass", time.perf_counter() - started))
    return results
