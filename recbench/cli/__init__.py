"""The `recbench` command. Nothing imports the CLI.

`train` and `benchmark` are Hydra apps (all of Hydra's command line works:
overrides, -m sweeps, --cfg job, --help); the other commands are plain.
"""

from __future__ import annotations

import importlib
import os
import sys
import warnings

from recbench.cli._startup import defer_scipy_signal

USAGE = """usage: recbench <command> [arguments]

commands:
  train       train and evaluate one model (Hydra app: recbench train model=itemknn seed=1)
  benchmark   every installed ranking model under one protocol, as a results table
  data        list datasets (data list); counts, licence, citation (data info NAME); download or import (data fetch NAME)
  tune        Optuna study over a model's search space (recbench tune model=bpr tune.n_trials=20)
  leaderboard versioned tables from run records (leaderboard build | diff | verify | reproduce)
  reproduce   re-run the command of one run record and compare (reproduce RUN_ID)
  plugins     list installed plugins (plugins list); run the conformance kit (plugins check NAME)

Run `recbench <command> --help` for each command's options.
"""


# command -> (module, function taking the remaining arguments); imported only when called.
COMMANDS = {
    "train": ("recbench.cli._hydra_apps", "train_command"),
    "benchmark": ("recbench.cli._hydra_apps", "benchmark_command"),
    "tune": ("recbench.cli._tune", "tune_command"),
    "data": ("recbench.cli._data", "data_command"),
    "plugins": ("recbench.cli._plugins", "plugins_command"),
    "leaderboard": ("recbench.cli._leaderboard", "leaderboard_command"),
    "reproduce": ("recbench.cli._leaderboard", "reproduce_command"),
}


_python_show_warning = warnings.showwarning


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """recbench's own warnings as one line, like its errors; other libraries' keep Python's format."""
    from recbench.errors import RecbenchWarning

    if issubclass(category, RecbenchWarning):
        print(f"recbench: warning: {message}", file=sys.stderr if file is None else file)
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return
    command, rest = argv[0], argv[1:]
    relaunched = os.environ.get("RECBENCH_APP")
    if relaunched and "LOCAL_RANK" in os.environ and command not in COMMANDS:
        command, rest = relaunched, argv  # a DDP worker re-running a Hydra app with its overrides
    if command not in COMMANDS:
        print(f"recbench: unknown command '{command}'. Commands: {', '.join(COMMANDS)}", file=sys.stderr)
        sys.exit(2)
    module_name, function = COMMANDS[command]
    warnings.showwarning = show_warning
    defer_scipy_signal()
    getattr(importlib.import_module(module_name), function)(rest)
