"""What a study leaves beside it (trials table, parameter importances, Optuna's plots) and the summary printed at the end."""

from __future__ import annotations

import importlib.util
import json
import logging
import statistics
import warnings
from pathlib import Path

import optuna
import pandas as pd

from recbench.tuning._budget import Budget
from recbench.tuning._job import TuneJob

log = logging.getLogger(__name__)


def _importances(study: optuna.Study) -> dict[str, float]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return {name: float(value) for name, value in optuna.importance.get_param_importances(study).items()}
    except (ValueError, RuntimeError):  # fewer than two complete trials, or a single dimension that never varied
        return {}


def write_study_files(job: TuneJob, study: optuna.Study) -> list[Path]:
    """trials.csv and importances.json always; Optuna's HTML plots when plotly is installed."""
    folder = job.study_dir
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    study.trials_dataframe().to_csv(folder / "trials.csv", index=False)
    written.append(folder / "trials.csv")
    importances = _importances(study)
    (folder / "importances.json").write_text(json.dumps(importances, indent=2) + "\n")
    written.append(folder / "importances.json")
    if not job.settings["plots"]:
        return written
    if importlib.util.find_spec("plotly") is None:
        log.info("plots skipped: Optuna's plots need plotly (pip install 'recbench[tune]')")
        return written
    plots = {"optimization_history.html": optuna.visualization.plot_optimization_history}
    if importances:
        plots["param_importances.html"] = optuna.visualization.plot_param_importances
    if len(job.space.dimensions) > 1:
        plots["parallel_coordinate.html"] = optuna.visualization.plot_parallel_coordinate
    for name, plot in plots.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # plotting functions are partly experimental
            # "directory": one plotly.min.js beside the pages, so they open offline without a copy each
            plot(study).write_html(folder / name, include_plotlyjs="directory")
        written.append(folder / name)
    return written


def _format(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def summary(job: TuneJob, study: optuna.Study, best: optuna.trial.FrozenTrial, finals: list[dict]) -> str:
    """Best hyperparameters and validation value, then test metrics of the final runs as mean ± std."""
    budget = Budget.of(study)
    metric = job.valid_metric
    lines = [
        f"study {job.study_name} ({job.storage.kind}: {job.storage.shown})",
        f"trials: {budget.finished} of {job.n_trials} finished ({budget.complete} complete, {budget.pruned} pruned), "
        f"{budget.failed} failed; sampler {job.settings['sampler']}, pruner {job.settings['pruner']}",
        f"best trial {best.number}: valid {metric} = {best.value:.4f}",
        "",
        pd.DataFrame({"hyperparameter": list(best.params), "value": [_format(v) for v in best.params.values()]}).to_markdown(index=False),
    ]
    if finals:
        cutoff = metric.split("@")[-1]
        names = [name for name in finals[0]["metrics"]["test"] if name.endswith(f"@{cutoff}")]
        rows = []
        for name in names:
            values = [record["metrics"]["test"][name] for record in finals]
            spread = statistics.stdev(values) if len(values) > 1 else 0.0
            rows.append({"test metric": name, "mean ± std": f"{statistics.mean(values):.4f} ± {spread:.4f}"})
        seeds = ", ".join(str(record["seed"]) for record in finals)
        lines += ["", f"final runs of trial {best.number}, seeds {seeds}, test split:", pd.DataFrame(rows).to_markdown(index=False)]
    return "\n".join(lines)
