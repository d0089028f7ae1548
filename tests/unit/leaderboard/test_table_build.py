"""A table from synthetic records: numbers against hand computations and scipy, marks, files."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
from leaderboard_fixtures import values, write_run
from scipy import stats

from recbench.errors import RecbenchError
from recbench.leaderboard import TABLE_FILES, build_leaderboards

USERS = 30


def _users(seed: int, centre: float, spread: float = 0.2) -> list[float]:
    rng = np.random.default_rng(seed)
    return np.clip(centre + rng.normal(0, spread, USERS), 0, 1).round(6).tolist()


@pytest.fixture
def results(tmp_path):
    """best: 3 seeds; middle: 3 seeds close to best; pop: far below; single: one seed."""
    folder = tmp_path / "results"
    for seed in range(3):
        write_run(folder, "best", seed, values(_users(100 + seed, 0.40)), hyperparameters={"factors": 64}, train_seconds=3.0)
        write_run(folder, "middle", seed, values(_users(200 + seed, 0.38)), train_seconds=1.0)
        write_run(folder, "pop", seed, values([0.1] * USERS), train_seconds=0.1)
    write_run(folder, "single", 0, values(_users(300, 0.2)), train_seconds=5.0)
    return folder


def _table(out) -> dict:
    return json.loads((out / "ratio-811-full" / "ml-100k" / "v1" / "table.json").read_text())


def _seed_average(folder, model: str) -> np.ndarray:
    import pandas as pd

    files = sorted((folder / "runs").glob(f"run-{model}-*.users.parquet"))
    return np.mean([pd.read_parquet(f)["ndcg@10"].to_numpy() for f in files], axis=0)


def test_build_writes_every_file_of_one_version(results, tmp_path):
    out = tmp_path / "leaderboards"
    result = build_leaderboards([results], out)
    folder = out / "ratio-811-full" / "ml-100k"
    assert sorted(p.name for p in (folder / "v1").iterdir()) == sorted(TABLE_FILES)
    assert (folder / "CHANGELOG.md").is_file()
    assert [f for f, _ in result.tables] == [folder / "v1"]


def test_mean_and_interval_match_a_hand_computation(tmp_path):
    folder = tmp_path / "results"
    for seed, level in enumerate([0.1, 0.2, 0.3]):
        write_run(folder, "model", seed, values([level] * 4))
    build_leaderboards([folder], tmp_path / "out")
    [row] = _table(tmp_path / "out")["rows"]
    ndcg = row["metrics"]["ndcg@10"]
    half = 4.302652729749462 * 0.1 / math.sqrt(3)  # t(0.975, 2) * s / sqrt(n)
    assert ndcg["n"] == 3 and ndcg["mean"] == pytest.approx(0.2, abs=1e-15) and ndcg["std"] == pytest.approx(0.1, abs=1e-15)
    assert (ndcg["ci_low"], ndcg["ci_high"]) == (pytest.approx(0.2 - half, abs=1e-12), pytest.approx(0.2 + half, abs=1e-12))


def test_significance_is_scipys_paired_test_with_holm(results, tmp_path):
    build_leaderboards([results], tmp_path / "out")
    rows = {row["model"]: row for row in _table(tmp_path / "out")["rows"]}
    best = _seed_average(results, "best")
    raw = {m: stats.ttest_rel(best, _seed_average(results, m)).pvalue for m in ("middle", "pop", "single")}
    ordered = sorted(raw, key=raw.get)
    expected, running = {}, 0.0
    for step, model in enumerate(ordered):  # Holm by hand: (m - step) * p, running maximum, capped at 1
        running = max(running, min(1.0, (3 - step) * raw[model]))
        expected[model] = running
    assert rows["best"]["verdict"] == "best" and rows["best"]["rank"] == 1 and rows["best"]["p_value"] is None
    for model in raw:
        assert rows[model]["p_value"] == pytest.approx(raw[model], rel=1e-9)
        assert rows[model]["p_holm"] == pytest.approx(expected[model], rel=1e-9)
        assert rows[model]["verdict"] == ("worse" if expected[model] < 0.05 else "tied")
        assert rows[model]["users_compared"] == USERS
    assert rows["pop"]["verdict"] == "worse"
    assert rows["middle"]["verdict"] == "tied"


def test_wilcoxon_is_the_alternative_test(results, tmp_path):
    build_leaderboards([results], tmp_path / "out", test="wilcoxon")
    rows = {row["model"]: row for row in _table(tmp_path / "out")["rows"]}
    expected = stats.wilcoxon(_seed_average(results, "best"), _seed_average(results, "middle")).pvalue
    assert rows["middle"]["p_value"] == pytest.approx(expected, rel=1e-9)


def test_rows_rank_by_mean_and_carry_costs_and_the_pareto_front(results, tmp_path):
    build_leaderboards([results], tmp_path / "out")
    rows = _table(tmp_path / "out")["rows"]
    assert [row["model"] for row in rows] == ["best", "middle", "single", "pop"]
    front = {row["model"]: row["pareto"] for row in rows}
    # best: top quality; middle: cheaper than best; pop: cheapest; single: slower and worse than both
    assert front == {"best": True, "middle": True, "single": False, "pop": True}
    single = next(row for row in rows if row["model"] == "single")
    assert single["metrics"]["ndcg@10"]["ci_low"] is None and single["seeds"] == [0]
    assert rows[0]["costs"] == {"train_seconds": 3.0, "eval_seconds": 0.5, "peak_memory_mb": 100.0, "parameters": 10, "devices": ["cpu (test)"]}


def test_csv_and_markdown_show_the_same_rows(results, tmp_path):
    build_leaderboards([results], tmp_path / "out")
    version = tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1"
    table = list(csv.DictReader(io.StringIO((version / "table.csv").read_text())))
    assert [row["model"] for row in table] == ["best", "middle", "single", "pop"]
    assert table[0]["verdict"] == "best" and table[2]["ndcg@10_ci_low"] == ""
    markdown = (version / "table.md").read_text()
    assert "| 1 | best | factors=64 |" in markdown
    assert "| tied (p=" in markdown and "| worse (p" in markdown
    assert "ndcg@10 (95% CI)" in markdown and "Holm-corrected over 3 comparisons" in markdown


def test_manifest_traces_every_cell_to_runs_and_commands(results, tmp_path):
    build_leaderboards([results], tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1" / "manifest.json").read_text())
    records = sorted((results / "runs").glob("*.json"))
    assert sorted(entry["run_id"] for entry in manifest["runs"]) == sorted(p.stem for p in records)
    for entry in manifest["runs"]:
        record = json.loads((results / "runs" / f"{entry['run_id']}.json").read_text())
        assert entry["command"] == record["command"] and entry["seed"] == record["seed"]
        assert entry["test_metrics"] == record["metrics"]["test"]
    assert manifest["benchmark"]["protocol_version"] == 1 and manifest["produced_by"]["recbench"] == ["0.1.0"]
    assert {row["model"]: row["tuning_budget"] for row in manifest["rows"]} == {"best": None, "middle": None, "pop": None, "single": None}


def test_tuning_budgets_mark_untuned_and_different_budget_rows(tmp_path):
    folder = tmp_path / "results"
    budget = {"n_trials": 20, "sampler": "tpe", "study": "a"}
    write_run(folder, "a", 0, values([0.5, 0.4]), tuning=budget)
    write_run(folder, "b", 0, values([0.4, 0.4]), tuning={**budget, "study": "b"})  # same budget, other study
    write_run(folder, "c", 0, values([0.3, 0.4]), tuning={**budget, "n_trials": 5})
    write_run(folder, "d", 0, values([0.2, 0.4]))
    build_leaderboards([folder], tmp_path / "out")
    table = _table(tmp_path / "out")
    assert table["reference_budget"] == {"n_trials": 20, "sampler": "tpe"}
    assert {row["model"]: row["tuning"] for row in table["rows"]} == {
        "a": "reference budget", "b": "reference budget", "c": "different budget", "d": "not tuned",
    }
    markdown = (tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1" / "table.md").read_text()
    assert "n_trials=5, sampler=tpe (different budget)" in markdown and "| not tuned |" in markdown


def test_one_configuration_with_several_records_of_a_seed_uses_the_latest(tmp_path):
    folder = tmp_path / "results"
    write_run(folder, "a", 0, values([0.5, 0.4]), created="2024-01-01T00:00:00+00:00")
    write_run(folder, "a", 0, values([0.3, 0.4]), created="2024-02-01T00:00:00+00:00")
    build_leaderboards([folder], tmp_path / "out")
    [row] = _table(tmp_path / "out")["rows"]
    assert row["seeds"] == [0] and row["metrics"]["ndcg@10"]["mean"] == pytest.approx(0.35)
    manifest = json.loads((tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1" / "manifest.json").read_text())
    assert [entry["created"] for entry in manifest["superseded_runs"]] == ["2024-01-01T00:00:00+00:00"]


def test_hyperparameter_configurations_are_separate_rows(tmp_path):
    folder = tmp_path / "results"
    write_run(folder, "knn", 0, values([0.5, 0.4]), hyperparameters={"neighbours": 10})
    write_run(folder, "knn", 0, values([0.3, 0.4]), hyperparameters={"neighbours": 50})
    build_leaderboards([folder], tmp_path / "out")
    rows = _table(tmp_path / "out")["rows"]
    assert [row["hyperparameters"] for row in rows] == [{"neighbours": 10}, {"neighbours": 50}]
    assert rows[0]["row_id"] != rows[1]["row_id"]


def test_hostile_strings_stay_text_in_markdown_and_html(tmp_path):
    folder = tmp_path / "results"
    write_run(folder, "a", 0, values([0.5, 0.4]), hyperparameters={"note": "<script>alert(1)</script> | &amp;"})
    build_leaderboards([folder], tmp_path / "out")
    version = tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1"
    html = (version / "index.html").read_text()
    assert "<script" not in html and "&lt;script&gt;" in html
    markdown = (version / "table.md").read_text()
    assert "<script" not in markdown and "\\|" in markdown and "&amp;amp;" in markdown


def test_html_is_self_contained_with_both_charts(results, tmp_path):
    build_leaderboards([results], tmp_path / "out")
    html = (tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1" / "index.html").read_text()
    assert html.count("<svg ") == 2 and 'id="leaderboard"' in html
    assert 'id="intervals"' in html and 'id="pareto"' in html and "Pareto front" in html
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in html and "src=" not in html


def test_a_metric_no_run_has_is_an_error_naming_the_choices(results, tmp_path):
    with pytest.raises(RecbenchError, match=r"metric 'recall@10' is not in every run's test metrics; choose one of \['hr@10', 'ndcg@10'\]"):
        build_leaderboards([results], tmp_path / "out", metric="recall@10")


def test_ranking_by_another_metric(results, tmp_path):
    build_leaderboards([results], tmp_path / "out", metric="hr@10")
    assert _table(tmp_path / "out")["statistics"]["primary_metric"] == "hr@10"


def test_strict_turns_a_rejected_record_into_an_error(results, tmp_path):
    (results / "runs" / "bad.json").write_text("{")
    result = build_leaderboards([results], tmp_path / "out")
    assert [r.path.name for r in result.rejected] == ["bad.json"]
    with pytest.raises(RecbenchError, match="1 record file\\(s\\) rejected, first .*bad.json: not valid JSON"):
        build_leaderboards([results], tmp_path / "strict", strict=True)
    assert not (tmp_path / "strict").exists()
