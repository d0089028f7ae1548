"""The `recbench` command. Nothing imports the CLI.

`train` and `benchmark` are Hydra apps (all of Hydra's command line works:
overrides, -m sweeps, --cfg job, --help); the other commands are plain.
"""

from __future__ import annotations

import sys

USAGE = """usage: recbench <command> [arguments]

commands:
  train       train and evaluate one model (Hydra app: recbench train model=itemknn seed=1)
  benchmark   every installed ranking model under one protocol, as a results table
  data        list datasets (data list); counts, licence and citation (data info NAME)
  plugins     list installed plugins (plugins list); run the conformance kit (plugins check NAME)

Run `recbench <command> --help` for each command's options.
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return
    command, rest = argv[0], argv[1:]
    if command in ("train", "benchmark"):
        from recbench.cli import _hydra_apps

        _hydra_apps.launch(command, rest)
    elif command == "data":
        from recbench.cli._data import data_command

        data_command(rest)
    elif command == "plugins":
        from recbench.cli._plugins import plugins_command

        plugins_command(rest)
    else:
        print(f"recbench: unknown command '{command}'. Commands: train, benchmark, data, plugins", file=sys.stderr)
        sys.exit(2)
