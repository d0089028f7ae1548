from __future__ import annotations

import contextlib
import sys

from recbench.errors import RecbenchError


@contextlib.contextmanager
def user_errors():
    """Print a RecbenchError as one message (no traceback) and exit with status 2."""
    try:
        yield
    except RecbenchError as exc:
        print(f"recbench: error: {exc}", file=sys.stderr)
        sys.exit(2)
