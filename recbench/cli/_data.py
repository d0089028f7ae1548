"""`recbench data list` and `recbench data info NAME`."""

from __future__ import annotations

import sys

import pandas as pd

from recbench.cli._errors import user_errors

USAGE = "usage: recbench data list | recbench data info NAME [--data-dir DIR]"


def data_command(argv: list[str]) -> None:
    from recbench.plugins import get_registry

    data_dir = None
    if "--data-dir" in argv:
        index = argv.index("--data-dir")
        data_dir = argv[index + 1] if index + 1 < len(argv) else None
        argv = argv[:index] + argv[index + 2 :]
    registry = get_registry()
    with user_errors():
        if argv == ["list"]:
            list_datasets(registry, data_dir)
        elif len(argv) == 2 and argv[0] == "info":
            dataset_info(registry, argv[1], data_dir)
        else:
            print(USAGE, file=sys.stderr)
            sys.exit(2)


def list_datasets(registry, data_dir: str | None) -> None:
    from recbench.data._fetch import resolve_cache_dir, resolve_data_dir

    folder, cache = resolve_data_dir(data_dir), resolve_cache_dir(None)
    rows = []
    for name in registry.names("datasets"):
        spec = registry.dataset(name)
        places = [p for p in (folder, cache / "extracted") if p is not None]
        local = any(all((p / spec.folder / f).is_file() for f in spec.files) for p in places) or any(
            spec.archive_name and (p / spec.archive_name).is_file() for p in places
        )
        rows.append({"name": name, "title": spec.title, "local copy": "yes" if local else "no"})
    print(pd.DataFrame(rows).to_string(index=False))


def dataset_info(registry, name: str, data_dir: str | None) -> None:
    from recbench.config import DatasetConfig
    from recbench.data import load_dataset

    spec = registry.dataset(name)
    options = {k: v for k, v in vars(DatasetConfig(name=name)).items() if k != "name"}
    data = load_dataset(spec, options, data_dir=data_dir, download=False)
    print(f"{spec.name}: {spec.title}")
    print(f"source:    {spec.url or spec.homepage}")
    print(f"licence:   {spec.license}")
    print(f"citation:  {spec.citation}")
    print(f"raw files: " + ", ".join(f"{k} (sha256 {v[:16]}…)" for k, v in data.raw_sha256.items()))
    raw = data.raw_counts
    print(f"as loaded:               {raw['users']:>9,} users {raw['items']:>9,} items {raw['interactions']:>12,} interactions")
    print(f"after preprocessing ({', '.join(f'{k}={v}' for k, v in options.items())}):")
    print(f"                         {data.n_users:>9,} users {data.n_items:>9,} items {len(data.frame):>12,} interactions")
    print(f"fingerprint: {data.fingerprint}")
