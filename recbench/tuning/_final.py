"""After the search: the best configuration, re-run with ``tune.final_seeds``. These runs write
ordinary run records to ``<results_dir>/runs/``, each with a ``tuning`` section that names the
study and its budget; they are the runs whose test metrics count."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import optuna

from recbench.records import read_per_user, write_record
from recbench.training import run
from recbench.tuning._budget import Budget
from recbench.tuning._job import TuneJob

log = logging.getLogger(__name__)


def tuning_section(job: TuneJob, study: optuna.Study, best: optuna.trial.FrozenTrial) -> dict:
    budget = Budget.of(study)
    trial_seconds = sum(t.duration.total_seconds() for t in study.get_trials(deepcopy=False) if t.duration)
    return {
        "study_name": job.study_name,
        "storage": job.storage.kind,
        "best_trial": best.number,
        "best_valid": best.value,
        "valid_metric": job.valid_metric,
        "direction": job.direction,
        "trial_seed": job.base["seed"],
        "budget": job.budget,
        "trials": {"complete": budget.complete, "pruned": budget.pruned, "failed": budget.failed},
        "trial_seconds": round(trial_seconds, 3),
        "n_workers": job.settings["n_workers"],
        "search_space": job.space.as_dict(),
    }


def existing_final_records(results_dir: Path, study_name: str, trial_number: int) -> dict[int, dict]:
    """Final runs an earlier invocation already wrote, by seed: a resumed command does not repeat them."""
    found = {}
    for path in sorted((results_dir / "runs").glob("*.json")):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        tuning = record.get("tuning") or {}
        if (record.get("compression") or {}).get("method", "none") != "none":
            continue  # a compressed variant sits beside its float model's record
        if tuning.get("study_name") == study_name and tuning.get("best_trial") == trial_number:
            found[record["seed"]] = record
    return found


def final_runs(job: TuneJob, study: optuna.Study, best: optuna.trial.FrozenTrial) -> list[dict]:
    results_dir = Path(job.base["results_dir"])
    section = tuning_section(job, study, best)
    done = existing_final_records(results_dir, job.study_name, best.number)
    staging = job.study_dir / "final"
    records = []
    for seed in job.settings["final_seeds"]:
        if seed in done:
            log.info("final run with seed %d: already recorded (%s)", seed, done[seed]["run_id"])
            records.append(done[seed])
            continue
        log.info("final run with seed %d: %s", seed, job.command(best.params, seed))
        cfg = job.trial_config(best.params, seed, staging)
        work_dir = staging / f"seed-{seed}"
        result = run(cfg, job.command(best.params, seed), work_dir)
        # Written to results_dir only once tagged, so an untagged copy never looks like an ordinary run.
        # A compressed variant (`compress=...`) is tagged and kept beside the float model's record.
        for written in (result, *result.variants):
            record = dict(written.record, tuning=section)
            write_record(results_dir, record, read_per_user(written.path))
            written.path.unlink()
            written.path.with_name(written.path.name.removesuffix(".json") + ".users.parquet").unlink(missing_ok=True)
        shutil.rmtree(work_dir / "checkpoints", ignore_errors=True)
        records.append(dict(result.record, tuning=section))
    return records
