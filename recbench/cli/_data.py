"""`recbench data list`, `recbench data info NAME`, `recbench data fetch NAME`."""

from __future__ import annotations

import sys
from pathlib import Path

from recbench.cli._errors import user_errors
from recbench.errors import RecbenchError

USAGE = """usage: recbench data list [--data-dir DIR]
       recbench data info NAME [--data-dir DIR] [OPTION=VALUE ...]
       recbench data fetch NAME [--from DIR] [--data-dir DIR]

  list    every installed dataset: declared size, licence, whether a copy is on this machine
  info    source, checksums, licence, citation; counts as loaded and after preprocessing
          (OPTION=VALUE sets dataset options, e.g. user_min=5, or path=ratings.csv for dataset table)
  fetch   download into the cache (checksum verified, with a progress bar), or import a
          local copy with --from DIR (the extracted folder, its files, or the official archive)
"""


def data_command(argv: list[str]) -> None:
    from recbench.plugins import get_registry

    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return
    with user_errors():
        flags, words = _flags(argv, ("--data-dir", "--from"))
        registry = get_registry()
        if words == ["list"]:
            list_datasets(registry, flags.get("--data-dir"))
        elif len(words) >= 2 and words[0] == "info":
            dataset_info(registry, words[1], flags.get("--data-dir"), _overrides(words[2:]))
        elif len(words) == 2 and words[0] == "fetch":
            fetch_dataset(registry, words[1], flags.get("--data-dir"), flags.get("--from"))
        else:
            print(USAGE, file=sys.stderr)
            sys.exit(2)


def _flags(argv: list[str], names: tuple[str, ...]) -> tuple[dict[str, str], list[str]]:
    flags: dict[str, str] = {}
    words: list[str] = []
    rest = iter(argv)
    for word in rest:
        name, equals, value = word.partition("=")
        if name in names:
            value = value if equals else next(rest, None)
            if not value:
                raise RecbenchError(f"{name} needs a folder, e.g. {name} /path/to/folder")
            flags[name] = value
        else:
            words.append(word)
    return flags, words


def _overrides(words: list[str]) -> dict:
    import yaml

    options = {}
    for word in words:
        key, equals, value = word.partition("=")
        if not equals:
            raise RecbenchError(f"'{word}' is not OPTION=VALUE; for example user_min=5 or path=ratings.csv")
        key = key.removeprefix("dataset.")
        options[key] = value if key in ("path", "sep") else yaml.safe_load(value)
    return options


def plain_table(header: list[str], rows: list[list[str]]) -> str:
    """Left-aligned text columns, numbers right-aligned, as a terminal shows best."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    numeric = [1 <= i <= 3 for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [str(c).rjust(w) if n and row is not header else str(c).ljust(w) for c, w, n in zip(row, widths, numeric)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _counts(counts) -> tuple[str, str, str]:
    return tuple(f"{counts[k]:,}" if k in counts else "—" for k in ("users", "items", "interactions"))


def list_datasets(registry, data_dir: str | None) -> None:
    from recbench.data._fetch import find_local, resolve_cache_dir, resolve_data_dir

    folder, cache = resolve_data_dir(data_dir), resolve_cache_dir(None)
    rows = []
    for name in registry.names("datasets"):
        spec = registry.dataset(name)
        users, items, interactions = _counts(spec.counts)
        local = "your file" if spec.reads_user_file else ("yes" if find_local(spec, folder, cache) else "no")
        rows.append([name, users, items, interactions, spec.license_name or "see info", local])
    print(plain_table(["name", "users", "items", "interactions", "licence", "local copy"], rows))
    print("\nCounts are the publisher's (— where not declared); `recbench data info NAME` loads and counts them.")


def dataset_info(registry, name: str, data_dir: str | None, overrides: dict) -> None:
    from recbench.data import default_options, load_dataset
    from recbench.data._fetch import find_local, resolve_cache_dir, resolve_data_dir

    spec = registry.dataset(name)
    print(f"{spec.name}: {spec.title}")
    sources = [spec.url] if spec.url else list(spec.file_urls.values())
    print(f"source:    {', '.join(sources) or spec.homepage or 'your own file (dataset.path)'}")
    if spec.homepage and sources:
        print(f"homepage:  {spec.homepage}")
    for label, value in (("archive md5", spec.archive_md5), ("archive sha256", spec.archive_sha256)):
        if value:
            print(f"{label + ':':<15}{value}")
    for file, digest in spec.file_sha256.items():
        print(f"sha256 of {file}: {digest}")
    if spec.url and not (spec.archive_md5 or spec.archive_sha256):
        print("checksum:  none published for this archive")
    print(f"licence:   {spec.license}")
    if spec.citation:
        print(f"citation:  {spec.citation}")
    users, items, interactions = _counts(spec.counts)
    if spec.counts:
        print(f"declared:  {users} users, {items} items, {interactions} interactions")
    if not spec.reads_user_file and find_local(spec, resolve_data_dir(data_dir), resolve_cache_dir(None)) is None:
        print(f"local copy: none. Fetch it with `recbench data fetch {name}` (or put it in $RECBENCH_DATA_DIR)")
        return
    options = {**default_options(spec), **overrides}
    data = load_dataset(spec, options, data_dir=data_dir, download=False)
    print("raw files: " + ", ".join(f"{k} (sha256 {v})" for k, v in {**data.raw_sha256, **data.feature_sha256}.items()))
    raw = data.raw_counts
    print(f"as loaded:               {raw['users']:>9,} users {raw['items']:>9,} items {raw['interactions']:>12,} interactions")
    shown = ", ".join(f"{k}={v}" for k, v in options.items() if k not in ("path",))
    print(f"after preprocessing ({shown}):")
    print(f"                         {data.n_users:>9,} users {data.n_items:>9,} items {len(data.frame):>12,} interactions")
    for kind, features in (("user", data.user_features), ("item", data.item_features)):
        if features is not None:
            print(f"{kind} features: {', '.join(map(str, features.columns[:12]))}{' …' if features.shape[1] > 12 else ''}")
    if spec.splits:
        print(f"predefined splits: {', '.join(spec.splits)}")
    if spec.candidates:
        print(f"fixed candidates: {', '.join(spec.candidates)}")
    print(f"fingerprint: {data.fingerprint}")


def fetch_dataset(registry, name: str, data_dir: str | None, source: str | None) -> None:
    from recbench.data._digest import file_digest
    from recbench.data._fetch import find_local, import_local, locate, resolve_cache_dir, resolve_data_dir

    spec = registry.dataset(name)
    if spec.reads_user_file:
        raise RecbenchError(f"dataset '{name}' reads your own file (dataset.path=...); there is nothing to fetch")
    cache = resolve_cache_dir(None)
    if source:
        folder = import_local(spec, Path(source), cache)
        print(f"imported into {folder}")
    else:
        existing = find_local(spec, resolve_data_dir(data_dir), cache)
        folder = locate(spec, resolve_data_dir(data_dir), cache, download=True, progress=sys.stderr.isatty())
        print(f"{'found' if existing == folder else 'fetched into'} {folder}")
    for file in (*spec.files, *spec.optional_files):
        path = folder / file
        if path.is_file():
            digest = file_digest(path)
            expected = spec.file_sha256.get(file)
            verdict = "" if not expected else (" (matches the release)" if digest == expected else f" (DIFFERS from the release's {expected})")
            print(f"  {file}: sha256 {digest}{verdict}")
