"""`recbench train` and `recbench benchmark`: compose, build, fit, record."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shlex
import sys
from pathlib import Path
from typing import Iterator

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, read_write

from recbench.cli._errors import check_protocol_section_overrides, user_errors
from recbench.cli._table import results_table

CONFIG_MODULE = "pkg://recbench.conf"
CHOICES = ("dataset", "protocol", "model")
RELAUNCH_VARIABLE = "RECBENCH_APP"
# What Lightning's DDP launcher sets in the process it starts from; cleared after each job.
DDP_VARIABLES = ("LOCAL_RANK", "NODE_RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "OMP_NUM_THREADS", RELAUNCH_VARIABLE)


def reproduce_command(overrides: list[str], choices: dict[str, str], seed: int) -> str:
    """`recbench train` with every group choice and the seed spelled out, then the user's overrides."""
    given = {o.split("=", 1)[0].lstrip("+~") for o in overrides}
    pinned = [f"{group}={choices[group]}" for group in CHOICES if group not in given]
    if "seed" not in given:
        pinned.append(f"seed={seed}")
    return shlex.join(["recbench", "train", *pinned, *overrides])


@contextlib.contextmanager
def ddp_relaunches_this_job(hydra_config) -> Iterator[None]:
    """Make Lightning's DDP launcher re-run exactly this job for each further process, whatever launched it.

    Lightning starts the other processes as ``python -m <__main__'s module> <sys.argv[1:]>`` in
    ``hydra.run.dir``. In a sweep job that would be the whole sweep again, and under a launcher's
    pool (joblib, submitit) the pool's own program; for the job's duration they are recbench's
    command with this job's overrides and output folder. Afterwards the variables Lightning set and
    its process group are cleared, so the next job run by this process starts its own processes.
    """
    import torch.distributed

    main = sys.modules["__main__"]
    saved_argv, saved_spec = sys.argv, getattr(main, "__spec__", None)
    saved_env = {name: os.environ.get(name) for name in DDP_VARIABLES}
    sys.argv = [sys.argv[0], *hydra_config.overrides.task]
    main.__spec__ = importlib.util.find_spec("recbench.cli")
    os.environ[RELAUNCH_VARIABLE] = "train"
    with read_write(hydra_config.run):
        hydra_config.run.dir = hydra_config.runtime.output_dir
    try:
        yield
    finally:
        sys.argv, main.__spec__ = saved_argv, saved_spec
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if torch.distributed.is_available() and torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()


@hydra.main(version_base="1.3", config_path=CONFIG_MODULE, config_name="train")
def train(cfg: DictConfig) -> float:
    from recbench.training import run

    hydra_config = HydraConfig.get()
    choices = dict(hydra_config.runtime.choices)
    command = reproduce_command(list(hydra_config.overrides.task), choices, cfg.seed)
    with user_errors(), ddp_relaunches_this_job(hydra_config):
        result = run(cfg, command, hydra_config.runtime.output_dir)
    if result is None:  # a DDP worker process: rank 0 reports
        return None
    record = result.record
    print(record["protocol"]["description"])
    print(results_table([record, *(variant.record for variant in result.variants)], cfg.protocol.valid_metric))
    for written in (result, *result.variants):
        print(f"record: {written.path}")
    return record["metrics"]["valid"][cfg.protocol.valid_metric]


def default_suite(registry, accelerator: str) -> tuple[list[str], list[str]]:
    """The ranking models `recbench benchmark` runs when no models=[...] is given, and those it leaves
    out: models tagged heavy_on_cpu, unless a GPU will train them."""
    import torch

    ranking = [n for n in registry.names("models") if registry.model(n).tags.task == "ranking"]
    gpu = accelerator in ("auto", "gpu", "cuda") and torch.cuda.is_available()
    left_out = [] if gpu else [n for n in ranking if registry.model(n).tags.heavy_on_cpu]
    return [n for n in ranking if n not in left_out], left_out


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
        names, left_out = list(cfg.models), []
        if not names:
            names, left_out = default_suite(registry, cfg.trainer.accelerator)
        for name in names:
            registry.model(name)  # unknown names fail here, before any training
    if left_out:
        print(
            f"left out on this CPU: {', '.join(left_out)} (hours per run at their defaults without a GPU); "
            f"name them to run them anyway, e.g. models=[{','.join(left_out)}]",
            flush=True,
        )
    records, failures = [], []
    for name in names:
        model_cfg = compose(config_name="train", overrides=[*overrides, f"model={name}"])
        choices = {"dataset": model_cfg.dataset.name, "protocol": model_cfg.protocol.id, "model": name}
        command = reproduce_command([*overrides, f"model={name}"], choices, model_cfg.seed)
        print(f"== {name}: {command}", flush=True)
        try:
            result = run(model_cfg, command, Path(hydra_config.runtime.output_dir) / name)
            if result is None:  # a DDP worker process: rank 0 reports
                continue
        except RecbenchError as exc:  # one failing model must not lose the others' results
            print(f"recbench: error: model '{name}': {exc}", file=sys.stderr)
            failures.append(name)
            continue
        records.append(result.record)
    table = results_table(records, cfg.protocol.valid_metric)
    from recbench.training import describe_protocol

    print(f"\n{cfg.dataset.name}, test split, seed {cfg.seed}. {describe_protocol(cfg.protocol)}\n{table}")
    (Path(hydra_config.runtime.output_dir) / "results.md").write_text(table + "\n")
    print(f"records: {Path(cfg.results_dir) / 'runs'}")
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
        sys.exit(1)


def launch(command: str, argv: list[str]) -> None:
    from recbench.config import register_schemas
    from recbench.plugins import get_registry

    register_schemas()
    registry = get_registry()
    registry.register_with_hydra()
    # Lightning's DDP launcher re-runs sys.argv in each worker process; the variable tells
    # that re-run (whose arguments are Hydra overrides only) which app it is.
    os.environ[RELAUNCH_VARIABLE] = command
    with user_errors():
        check_protocol_section_overrides(argv, command)
    sys.argv = [sys.argv[0], *argv]
    {"train": train, "benchmark": benchmark}[command]()


def train_command(argv: list[str]) -> None:
    launch("train", argv)


def benchmark_command(argv: list[str]) -> None:
    launch("benchmark", argv)
