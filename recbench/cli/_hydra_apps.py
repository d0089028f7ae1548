"""`recbench train` and `recbench benchmark`: compose, build, fit, record."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from recbench.cli._errors import user_errors
from recbench.cli._table import results_table

CONFIG_MODULE = "pkg://recbench.conf"
CHOICES = ("dataset", "protocol", "model")


def reproduce_command(overrides: list[str], choices: dict[str, str], seed: int) -> str:
    """`recbench train` with every group choice and the seed spelled out, then the user's overrides."""
    given = {o.split("=", 1)[0].lstrip("+~") for o in overrides}
    pinned = [f"{group}={choices[group]}" for group in CHOICES if group not in given]
    if "seed" not in given:
        pinned.append(f"seed={seed}")
    return shlex.join(["recbench", "train", *pinned, *overrides])


@hydra.main(version_base="1.3", config_path=CONFIG_MODULE, config_name="train")
def train(cfg: DictConfig) -> float:
    from recbench.training import run

    hydra_config = HydraConfig.get()
    choices = dict(hydra_config.runtime.choices)
    command = reproduce_command(list(hydra_config.overrides.task), choices, cfg.seed)
    with user_errors():
        result = run(cfg, command, hydra_config.runtime.output_dir)
    record = result.record
    print(results_table([record], cfg.protocol.valid_metric))
    print(f"record: {result.path}")
    return record["metrics"]["valid"][cfg.protocol.valid_metric]


@hydra.main(version_base="1.3", config_path=CONFIG_MODULE, config_name="benchmark")
def benchmark(cfg: DictConfig) -> None:
    from hydra import compose

    from recbench.errors import RecbenchError
    from recbench.plugins import get_registry
    from recbench.training import run

    hydra_config = HydraConfig.get()
    overrides = [o for o in hydra_config.overrides.task if not o.split("=", 1)[0].lstrip("+~") == "models"]
    registry = get_registry()
    with user_errors():
        names = list(cfg.models) or [n for n in registry.names("models") if registry.model(n).tags.task == "ranking"]
        for name in names:
            registry.model(name)  # unknown names fail here, before any training
    records, failures = [], []
    for name in names:
        model_cfg = compose(config_name="train", overrides=[*overrides, f"model={name}"])
        choices = {"dataset": model_cfg.dataset.name, "protocol": model_cfg.protocol.id, "model": name}
        command = reproduce_command([*overrides, f"model={name}"], choices, model_cfg.seed)
        print(f"== {name}: {command}", flush=True)
        try:
            result = run(model_cfg, command, Path(hydra_config.runtime.output_dir) / name)
        except RecbenchError as exc:  # one failing model must not lose the others' results
            print(f"recbench: error: model '{name}': {exc}", file=sys.stderr)
            failures.append(name)
            continue
        records.append(result.record)
    table = results_table(records, cfg.protocol.valid_metric)
    print(f"\n{cfg.dataset.name} / {cfg.protocol.id} (full ranking, test split, seed {cfg.seed})\n{table}")
    (Path(hydra_config.runtime.output_dir) / "results.md").write_text(table + "\n")
    print(f"records: {Path(cfg.results_dir) / 'runs'}")
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
        sys.exit(1)


def launch(command: str, argv: list[str]) -> None:
    from recbench.config import register_schemas
    from recbench.plugins import get_registry

    register_schemas()
    get_registry().register_with_hydra()
    sys.argv = [f"recbench-{command}", *argv]
    {"train": train, "benchmark": benchmark}[command]()
