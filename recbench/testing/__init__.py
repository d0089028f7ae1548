"""The conformance kit: checks every model, built-in or third-party, must pass.

Use it from a plugin's tests in either of two ways::

    from recbench.testing import ModelConformance
    from my_plugin.spec import SPEC

    class TestMyModel(ModelConformance):
        spec = SPEC
        expected_failures = {"determinism": "uses non-deterministic CUDA kernels"}

or parametrise a test yourself::

    @pytest.mark.parametrize("check", model_checks(SPEC), ids=str)
    def test_conformance(check):
        check(SPEC)

``recbench plugins check NAME`` runs the same checks on an installed plugin.
"""

from __future__ import annotations

from typing import ClassVar

from recbench.plugins import ModelSpec
from recbench.testing._checks import CHECKS, Check, model_checks
from recbench.testing._report import CheckResult, run_checks

__all__ = ["CHECKS", "Check", "CheckResult", "ModelConformance", "model_checks", "run_checks"]


class ModelConformance:
    """Mixin for a pytest class: set ``spec`` (and ``expected_failures``) to run every check."""

    spec: ClassVar[ModelSpec]
    expected_failures: ClassVar[dict[str, str]] = {}

    def pytest_generate_tests(self, metafunc):
        if metafunc.function.__name__ == "test_conformance":
            import pytest

            checks = [pytest.param(c, marks=[pytest.mark.slow] if c.slow else [], id=c.name) for c in model_checks(self.spec)]
            metafunc.parametrize("check", checks)

    def test_conformance(self, check: Check):
        import pytest

        reason = self.expected_failures.get(check.name)
        if reason is None:
            check(self.spec)
            return
        try:
            check(self.spec)
        except AssertionError:
            pytest.xfail(reason)
        pytest.fail(f"check '{check.name}' was declared to fail ({reason}) but passed; remove it from expected_failures")
