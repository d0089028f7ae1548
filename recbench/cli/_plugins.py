from __future__ import annotations

import sys
import warnings

import pandas as pd


def plugins_command(argv: list[str]) -> None:
    from recbench.plugins import get_registry

    if argv[:1] != ["list"]:
        print("usage: recbench plugins list", file=sys.stderr)
        sys.exit(2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        registry = get_registry()
    rows = [
        {"kind": p.kind[:-1], "name": p.name, "distribution": p.distribution, "version": p.version, "status": p.status}
        for p in registry.plugins
    ]
    print(pd.DataFrame(rows).to_string(index=False))
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
