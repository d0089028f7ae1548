"""`recbench leaderboard build | diff | verify | reproduce`."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from recbench.cli._errors import user_errors
from recbench.errors import RecbenchError

DESCRIPTION = """Versioned leaderboard tables from run records.

  build      read records, write <out>/<protocol>/<dataset>/v<N>/ (table.md, .csv, .json, index.html, manifest.json)
  diff       compare two table versions: rows added, removed, changed
  verify     re-run a sample of a table's rows and check each lands where one run of its row is expected
  reproduce  re-run one recorded run by its id
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="recbench leaderboard", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{build,diff,verify,reproduce}")

    build = commands.add_parser("build", help="write table versions from run records")
    build.add_argument("results_dirs", nargs="*", default=["results"], metavar="RESULTS_DIR", help="folders holding runs/<run_id>.json (default: results)")
    build.add_argument("--out", default="leaderboards", help="where the tables go (default: leaderboards)")
    build.add_argument("--metric", help="test metric that ranks the rows (default: the protocol's valid_metric)")
    build.add_argument("--test", choices=["t", "wilcoxon"], default="t", help="paired test against the best row (default: t)")
    build.add_argument("--alpha", type=float, default=0.05, help="family-wise error rate after Holm's correction (default: 0.05)")
    build.add_argument("--strict", action="store_true", help="fail on any invalid record instead of leaving it out with a warning")
    build.add_argument("--drop-missing", action="store_true", help="allow a rebuilt version to lose runs it listed before")

    diff = commands.add_parser("diff", help="compare two table versions")
    diff.add_argument("a", metavar="A", help="a version folder (leaderboards/<protocol>/<dataset>/v1) or its table.json")
    diff.add_argument("b", metavar="B", help="the other version folder or table.json")

    verify = commands.add_parser("verify", help="re-run rows of a table and compare with their intervals")
    verify.add_argument("version_folder", metavar="VERSION_FOLDER", help="leaderboards/<protocol>/<dataset>/v<N>")
    choice = verify.add_mutually_exclusive_group()
    choice.add_argument("--rows", type=int, default=3, help="how many rows, spread from best to last (default: 3)")
    choice.add_argument("--row", action="append", dest="row_ids", metavar="ROW_ID", help="a row id from table.json (repeatable)")
    choice.add_argument("--all", action="store_true", help="every row")
    verify.add_argument("--work-dir", help="keep the re-runs' records here (default: a temporary folder, removed)")

    reproduce = commands.add_parser("reproduce", help="re-run one recorded run")
    reproduce.add_argument("run_id", metavar="RUN_ID")
    reproduce.add_argument("--from", dest="places", action="append", metavar="PLACE", help="results folders or leaderboard folders to look in (default: results and leaderboards)")
    reproduce.add_argument("--results-dir", default="results", help="where the new record goes (default: results)")
    return parser


def _train(overrides: list[str], results_dir: Path) -> subprocess.CompletedProcess:
    """`recbench train` in a child process, as the recorded command ran (never through a shell)."""
    command = [sys.executable, "-m", "recbench.cli", "train", *overrides, f"results_dir={results_dir}"]
    return subprocess.run(command, capture_output=True, text=True)


def _new_record(results_dir: Path, compression: dict | None = None, exclude: set[Path] = frozenset()) -> dict:
    """The re-run's record of the given variant (a `compress=...` run writes the float model's record too),
    among the records in ``results_dir`` other than ``exclude`` (those that were there before)."""
    from recbench.leaderboard import compression_of, read_run

    paths = sorted(set((results_dir / "runs").glob("*.json")) - set(exclude))
    records = [read_run(path).record for path in paths]
    records = [record for record in records if compression_of(record) == compression]
    if len(records) != 1:
        raise RecbenchError(f"the re-run left {len(records)} new record(s) of that variant in {results_dir}, expected one")
    return records[0]


def _change(old: float, new: float | None) -> str:
    """How a re-run's value differs from the recorded one, as `verify` and `reproduce` print it."""
    return "missing" if new is None else "identical" if new == old else f"{new - old:+.2e}"


def build(args: argparse.Namespace) -> None:
    from recbench.leaderboard import build_leaderboards

    result = build_leaderboards(args.results_dirs, args.out, args.metric, args.test, args.alpha, args.strict, args.drop_missing)
    for rejected in result.rejected:
        print(f"warning: {rejected}; left out", file=sys.stderr)
    for folder, table in result.tables:
        runs = sum(len(row.runs) for row in table.rows)
        print(f"{folder}: {len(table.rows)} rows from {runs} runs, ranked by {table.primary_metric}")
    print(f"{len(result.changed)} file(s) written" if result.changed else "all tables already up to date")


def diff(args: argparse.Namespace) -> None:
    from recbench.leaderboard import diff_tables, format_diff, read_table

    print(format_diff(diff_tables(read_table(args.a), read_table(args.b))), end="")


def verify(args: argparse.Namespace) -> None:
    from recbench.leaderboard import plan_reruns

    plans = plan_reruns(args.version_folder, rows=None if args.all else args.rows, row_ids=args.row_ids)
    work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="recbench-verify-"))
    outside = 0
    try:
        for plan in plans:
            print(f"{plan.label} (row {plan.row_id}, seed {plan.seed}): recbench train {' '.join(plan.overrides)}", flush=True)
            work.mkdir(parents=True, exist_ok=True)
            target = Path(tempfile.mkdtemp(prefix=f"{plan.row_id}-", dir=work))
            done = _train(plan.overrides, target)
            if done.returncode != 0:
                print(f"  failed:\n{done.stderr[-2000:]}")
                outside += 1
                continue
            value = _new_record(target, plan.compression)["metrics"]["test"][plan.metric]
            inside = plan.inside(value)
            outside += not inside
            interval = "no interval (one seed)" if plan.low is None else f"95% interval of one run [{plan.low:.6f}, {plan.high:.6f}]"
            print(
                f"  {plan.metric}: re-run {value:.6f}, recorded {plan.original:.6f} ({_change(plan.original, value)}); "
                f"{interval}: {'inside' if inside else 'OUTSIDE'}"
            )
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(plans) - outside} of {len(plans)} re-run(s) inside their interval")
    sys.exit(1 if outside else 0)


def reproduce(args: argparse.Namespace) -> None:
    from recbench.leaderboard import REPRODUCED_WITHIN, find_run, metric_differences, reproduced, train_overrides
    from recbench.records import device_name

    recorded = find_run(args.run_id, args.places or ["results", "leaderboards"])
    overrides = train_overrides(recorded.command)
    results_dir = Path(args.results_dir)
    before = set((results_dir / "runs").glob("*.json"))
    print(f"re-running: {recorded.command} (records to {results_dir})", flush=True)
    done = subprocess.run([sys.executable, "-m", "recbench.cli", "train", *overrides, f"results_dir={results_dir}"])
    if done.returncode != 0:
        sys.exit(done.returncode)
    rerun = _new_record(results_dir, recorded.compression, exclude=before)
    differences = metric_differences(recorded.test_metrics, rerun["metrics"]["test"])
    print(f"test metrics of {args.run_id} (recorded) and {rerun['run_id']} (re-run):")
    for name, (old, new) in differences.items():
        print(f"  {name}: {old:.6f} -> {'-' if new is None else f'{new:.6f}'} ({_change(old, new)})")
    if reproduced(differences):
        print(f"reproduced: every test metric within {REPRODUCED_WITHIN:g} of the recorded one")
        return
    here = device_name()
    where = f"recorded on {recorded.device}, re-run on {here}"
    if here != recorded.device:
        where += (
            ": another device, or CPU kernels with other vector instructions, sum floats in another order and a "
            "trained model drifts; `recbench leaderboard verify` checks a re-run against its row's interval instead"
        )
    print(
        f"NOT reproduced: a test metric is missing or differs by more than {REPRODUCED_WITHIN:g}. Runs agree only "
        f"with the same config, seed, device and thread count ({where})"
    )
    sys.exit(1)


def leaderboard_command(argv: list[str]) -> None:
    args = _parser().parse_args(argv)
    with user_errors():
        {"build": build, "diff": diff, "verify": verify, "reproduce": reproduce}[args.command](args)


def reproduce_command(argv: list[str]) -> None:
    """`recbench reproduce RUN_ID ...`: the same as `recbench leaderboard reproduce`."""
    leaderboard_command(["reproduce", *argv])
