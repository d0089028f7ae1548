"""Which commands `leaderboard verify` and `reproduce` would run, and how a re-run is judged."""

from __future__ import annotations

import pytest
from leaderboard_fixtures import values, write_run

from recbench.errors import RecbenchError
from recbench.leaderboard import build_leaderboards, find_run, metric_differences, plan_reruns, reproduced, train_overrides


def test_overrides_of_a_recorded_command_drop_its_results_dir():
    command = "recbench train dataset=ml-100k model=pop seed=0 results_dir=/tmp/x 'model.note=a b'"
    assert train_overrides(command) == ["dataset=ml-100k", "model=pop", "seed=0", "model.note=a b"]


@pytest.mark.parametrize(
    "command",
    [
        "recbench tune model=pop",
        "rm -rf /",
        "recbench train model=pop -m",
        "recbench train model=pop --cfg=job",
        "recbench train hydra.run.dir=/etc",
        "recbench train model=pop; echo",
        "recbench train 'model=pop",
    ],
)
def test_anything_but_plain_train_overrides_is_refused(command):
    with pytest.raises(RecbenchError):
        train_overrides(command)


@pytest.fixture
def version(tmp_path):
    results = tmp_path / "results"
    for seed in range(2):
        for model, level in (("a", 0.5), ("b", 0.4), ("c", 0.3), ("d", 0.2)):
            write_run(results, model, seed, values([level, level + 0.01 * seed]))
    build_leaderboards([results], tmp_path / "out")
    return tmp_path / "out" / "ratio-811-full" / "ml-100k" / "v1"


def test_plans_spread_over_the_ranking_and_use_the_lowest_seed(version):
    plans = plan_reruns(version, rows=2)
    assert [plan.label for plan in plans] == ["a", "d"]
    assert plans[0].seed == 0 and plans[0].overrides == ["dataset=ml-100k", "protocol=ratio-811-full", "model=a", "seed=0"]
    assert plans[0].original == pytest.approx(0.5)
    # seeds at 0.5 and 0.505: one run is expected in 0.5025 ± t(0.975, 1) · 0.003536 · sqrt(1.5) = ± 0.0550,
    # wider than the mean's interval (± 0.0318), which 0.55 is outside
    assert plans[0].inside(0.5025) and plans[0].inside(0.55) and not plans[0].inside(0.56)
    assert plans[0].low == pytest.approx(0.5025 - 0.0550, abs=1e-4)
    assert [plan.label for plan in plan_reruns(version, rows=None)] == ["a", "b", "c", "d"]
    assert [plan.label for plan in plan_reruns(version, row_ids=[plans[1].row_id])] == ["d"]
    with pytest.raises(RecbenchError, match="no row nope"):
        plan_reruns(version, row_ids=["nope"])


def test_a_run_is_found_in_results_or_in_manifests(version, tmp_path):
    plan = plan_reruns(version, rows=1)[0]
    expected = "recbench train dataset=ml-100k protocol=ratio-811-full model=a seed=0"
    from_record, from_manifest = find_run(plan.run_id, [tmp_path / "results"]), find_run(plan.run_id, [tmp_path / "out"])
    assert from_record.command == from_manifest.command == expected
    assert from_record.test_metrics == from_manifest.test_metrics
    assert from_record.test_metrics["ndcg@10"] == pytest.approx(0.5)
    assert from_record.compression is None and from_manifest.compression is None
    with pytest.raises(RecbenchError, match="run nope not found"):
        find_run("nope", [tmp_path / "out"])


def test_a_rerun_reproduces_only_when_every_metric_comes_back_equal_up_to_float_noise():
    recorded = {"ndcg@10": 0.3, "hr@10": 0.7}
    assert reproduced(metric_differences(recorded, {"ndcg@10": 0.3, "hr@10": 0.7}))
    assert reproduced(metric_differences(recorded, {"ndcg@10": 0.3 + 1e-8, "hr@10": 0.7}))
    assert not reproduced(metric_differences(recorded, {"ndcg@10": 0.3001, "hr@10": 0.7}))
    assert not reproduced(metric_differences(recorded, {"ndcg@10": 0.3}))
    assert metric_differences(recorded, {"ndcg@10": 0.3}) == {"hr@10": (0.7, None), "ndcg@10": (0.3, 0.3)}
