from __future__ import annotations

import sys
import warnings

import pandas as pd

USAGE = "usage: recbench plugins list | recbench plugins check NAME"


def plugins_command(argv: list[str]) -> None:
    from recbench.plugins import get_registry

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        registry = get_registry()
    if argv[:1] == ["list"] and len(argv) == 1:
        list_plugins(registry)
    elif argv[:1] == ["check"] and len(argv) == 2:
        check_plugin(registry, argv[1])
    else:
        print(USAGE, file=sys.stderr)
        sys.exit(2)
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)


def list_plugins(registry) -> None:
    rows = [
        {"kind": p.kind[:-1], "name": p.name, "distribution": p.distribution, "version": p.version, "status": p.status}
        for p in registry.plugins
    ]
    print(pd.DataFrame(rows).to_string(index=False))


def check_plugin(registry, name: str) -> None:
    """Run the conformance kit on an installed model and print a readable report."""
    from recbench.cli._errors import user_errors
    from recbench.testing import run_checks

    with user_errors():
        plugin = registry.info("models", name)
    print(f"conformance of model '{name}' from {plugin.distribution} {plugin.version}")
    results = run_checks(plugin.spec)
    width = max(len(r.name) for r in results)
    for result in results:
        line = f"  {result.status.upper():4}  {result.name:{width}}  {result.seconds:6.2f}s"
        print(line + (f"  {result.message}" if result.message else ""))
    failed = [r.name for r in results if r.status == "fail"]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)
