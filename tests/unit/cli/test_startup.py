"""The `recbench` command imports Lightning without importing scipy.signal, and scipy.signal still works."""

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("scipy")


def run_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_lightning_imports_without_scipy_signal_and_scipy_signal_loads_on_first_use():
    out = run_python(
        """
        import inspect, sys
        from recbench.cli._startup import defer_scipy_signal
        defer_scipy_signal()
        import pytorch_lightning  # torchmetrics imports scipy.signal and checks `hamming` on it
        inspect.getmodule(inspect)  # scans every module's __file__
        print("loaded" if "scipy.signal._peak_finding" in sys.modules else "deferred")

        import numpy as np
        import scipy.signal
        from scipy.signal.windows import hamming
        assert np.array_equal(scipy.signal.hamming(7), hamming(7))
        assert callable(scipy.signal.find_peaks)
        from scipy import signal
        assert signal.butter is scipy.signal.butter
        assert type(sys.modules["scipy.signal"]).__name__ == "module"
        print("loaded" if "scipy.signal._peak_finding" in sys.modules else "deferred")
        """
    )
    assert out.splitlines() == ["deferred", "loaded"]


def test_an_already_imported_scipy_signal_is_left_alone():
    out = run_python(
        """
        import sys
        import scipy.signal
        real = sys.modules["scipy.signal"]
        from recbench.cli._startup import defer_scipy_signal
        defer_scipy_signal()
        print(sys.modules["scipy.signal"] is real)
        """
    )
    assert out == "True"
