"""Keep the `recbench` command's start-up short.

Lightning imports torchmetrics, and torchmetrics runs ``import scipy.signal`` whenever SciPy is
installed, only to alias ``scipy.signal.hamming`` for one of its audio test dependencies
(Lightning-AI/torchmetrics#3457). That import takes about 1 s here, a tenth of a short
`recbench train`. recbench needs SciPy for leaderboard statistics, never scipy.signal, so the
command registers scipy.signal as a module that imports the real one the first time any name
other than ``hamming`` is looked up on it. Nothing changes for code that does use scipy.signal.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

SIGNAL = "scipy.signal"


def _hamming(*args, **kwargs):
    from scipy.signal.windows import hamming

    return hamming(*args, **kwargs)


class _ImportedOnFirstUse(types.ModuleType):
    hamming = staticmethod(_hamming)  # the one name torchmetrics checks for

    def __getattr__(self, name: str):  # only reached for names not set on the module
        if name.startswith("__"):  # tools that scan sys.modules (inspect) ask for dunders
            raise AttributeError(name)
        if sys.modules.get(SIGNAL) is self:
            del sys.modules[SIGNAL]  # so the import below loads the real module
        return getattr(importlib.import_module(SIGNAL), name)


def defer_scipy_signal() -> None:
    """Register scipy.signal to be imported on first use; a no-op without SciPy or once imported."""
    if SIGNAL in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(SIGNAL)
    except ModuleNotFoundError:  # SciPy is not installed
        return
    if spec is None:
        return
    stand_in = _ImportedOnFirstUse(SIGNAL)
    stand_in.__spec__, stand_in.__loader__ = spec, spec.loader
    stand_in.__file__, stand_in.__path__ = spec.origin, spec.submodule_search_locations
    sys.modules[SIGNAL] = stand_in
