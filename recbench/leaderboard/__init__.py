"""Versioned leaderboards: a pure function of run records.

Records are grouped by benchmark key (dataset fingerprint, protocol version, mode and
configuration, split, metrics version); each key is one table version under
``<out>/<protocol>/<dataset>/v<N>/``. Rows are model configurations aggregated over
seeds and compared with the best row by a paired test on per-user metrics (Holm).
Reads records only: nothing here trains, imports a model, or executes a record.
"""

from recbench.leaderboard._build import TABLE_FILES, BuildResult, build_leaderboards
from recbench.leaderboard._diff import TableDiff, diff_tables, format_diff, read_table
from recbench.leaderboard._keys import BenchmarkKey, RowKey, compression_of, tuning_budget
from recbench.leaderboard._pareto import pareto_front
from recbench.leaderboard._reruns import REPRODUCED_WITHIN, RecordedRun, Rerun, find_run, metric_differences, plan_reruns, reproduced, train_overrides
from recbench.leaderboard._runs import Rejected, Run, load_runs, read_run
from recbench.leaderboard._statistics import SeedSummary, holm, paired_p_value, seed_summary
from recbench.leaderboard._table import Row, Table, build_table

__all__ = [
    "REPRODUCED_WITHIN",
    "TABLE_FILES",
    "BenchmarkKey",
    "BuildResult",
    "RecordedRun",
    "Rejected",
    "Rerun",
    "Row",
    "RowKey",
    "Run",
    "SeedSummary",
    "Table",
    "TableDiff",
    "build_leaderboards",
    "build_table",
    "compression_of",
    "diff_tables",
    "find_run",
    "format_diff",
    "holm",
    "load_runs",
    "metric_differences",
    "paired_p_value",
    "pareto_front",
    "plan_reruns",
    "read_run",
    "read_table",
    "reproduced",
    "seed_summary",
    "train_overrides",
    "tuning_budget",
]
