"""Every shipped protocol composes, runs end to end and says what its numbers mean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_module

import recbench.conf
from recbench.config import register_schemas
from recbench.errors import RecbenchError
from recbench.metrics import RANKING_METRICS
from recbench.plugins import get_registry
from recbench.training import run


PROTOCOL_DIR = Path(recbench.conf.__file__).parent / "protocol"
PROTOCOLS = sorted(p.stem for p in PROTOCOL_DIR.glob("*.yaml"))
# Protocols that rank items (others, e.g. rating prediction, have their own tests).
RANKING = [p for p in PROTOCOLS if set(yaml.safe_load((PROTOCOL_DIR / f"{p}.yaml").read_text())["metrics"]) <= set(RANKING_METRICS)]


@pytest.fixture(scope="module", autouse=True)
def hydra_nodes():
    register_schemas()
    get_registry().register_with_hydra()


# The generated catalogue is small: sampled protocols draw fewer negatives there.
SMALL = "protocol.candidates.count=20"


def _config(*overrides: str):
    with initialize_config_module(config_module="recbench.conf", version_base="1.3"):
        return compose(config_name="train", overrides=list(overrides))


@pytest.mark.parametrize("name", PROTOCOLS)
def test_protocol_file_is_named_by_its_id_and_matches_the_schema(name):
    assert yaml.safe_load((PROTOCOL_DIR / f"{name}.yaml").read_text())["id"] == name
    cfg = _config(f"protocol={name}")
    assert cfg.protocol.id == name and cfg.protocol.version >= 1
    assert (cfg.protocol.mode == "sampled") == ("neg" in name or "pop" in name)


@pytest.mark.parametrize("name", [p for p in RANKING if p != "ncf-99neg"])
def test_each_protocol_runs_and_records_its_id_fingerprint_and_description(name, offline_env, tmp_path):
    sampled = [SMALL] if _config(f"protocol={name}").protocol.mode == "sampled" else []
    cfg = _config(f"protocol={name}", "model=itemknn", f"results_dir={tmp_path}", *sampled)
    record = run(cfg, "recbench train", tmp_path).record
    protocol = record["protocol"]
    assert protocol["id"] == name and len(protocol["split_fingerprint"]) == 64
    assert ("SAMPLED" in protocol["description"]) == (cfg.protocol.mode == "sampled")
    assert 0 < record["metrics"]["test"]["hr@20"] <= 1
    saved = json.loads(next((tmp_path / "runs").glob("*.json")).read_text())
    assert saved["protocol"]["description"] == protocol["description"]


def test_sampled_numbers_exceed_full_ranking_numbers_on_the_same_split(offline_env, tmp_path):
    full = run(_config("protocol=loo-time-full", "model=pop", f"results_dir={tmp_path}"), "c", tmp_path).record
    sampled = run(_config("protocol=loo-time-99neg", SMALL, "model=pop", f"results_dir={tmp_path}"), "c", tmp_path).record
    assert sampled["metrics"]["test"]["hr@10"] > full["metrics"]["test"]["hr@10"]
    assert sampled["protocol"]["split_fingerprint"] != full["protocol"]["split_fingerprint"]


def test_strong_generalisation_refuses_models_that_cannot_fold_in(offline_env, tmp_path):
    with pytest.raises(RecbenchError, match="model 'bpr' cannot"):
        run(_config("protocol=strong-gen-full", "model=bpr", f"results_dir={tmp_path}"), "c", tmp_path)


def test_strong_generalisation_scores_held_out_users_from_their_fold_in(offline_env, tmp_path):
    cfg = _config("protocol=strong-gen-full", "model=itemknn", f"results_dir={tmp_path}")
    record = run(cfg, "c", tmp_path).record
    assert record["metrics"]["test"]["ndcg@10"] > 0.05  # scored from fold-in history, not blind


@pytest.mark.parametrize(
    "overrides, message",
    [
        (["protocol.candidates.count=5"], "mode=full.*asks for 5 sampled candidates"),
        (["protocol=loo-time-99neg", "protocol.candidates.count=0"], "sampled but candidates.count is 0"),
        (["protocol.mode=partial"], "protocol.mode='partial' is not a mode"),
        (["protocol.split.kind=predefined", "protocol.split.name=u9"], "predefined split 'u9'"),
        (["protocol=ncf-99neg"], "predefined split 'ncf', which dataset 'ml-100k' does not ship"),
        (["protocol.split.kind=loo", "protocol.split.order=sideways"], "split.order='sideways'"),
    ],
)
def test_contradictory_protocols_are_one_clear_error(overrides, message, offline_env, tmp_path):
    with pytest.raises(RecbenchError, match=message):
        run(_config("model=pop", f"results_dir={tmp_path}", *overrides), "c", tmp_path)


def test_a_metric_plugin_is_computed_and_its_source_recorded(offline_env, tmp_path, monkeypatch):
    from recbench.metrics import RankingMetric
    from recbench.plugins._registry import PluginInfo

    registry = get_registry()
    first_hit = RankingMetric("firsthit", lambda hits, n_relevant, k: hits[:, 0].double(), version=2)
    monkeypatch.setattr(registry, "plugins", [*registry.plugins, PluginInfo("metrics", "firsthit", "x-metrics", "0.3", "ok", first_hit)])
    record = run(_config("model=pop", f"results_dir={tmp_path}", "protocol.metrics=[hr,firsthit]", "protocol.valid_metric=hr@10"), "c", tmp_path).record
    assert record["metrics"]["test"]["firsthit@5"] <= record["metrics"]["test"]["hr@5"]
    assert record["protocol"]["metric_sources"]["firsthit"] == "x-metrics 0.3 (definition v2)"


def test_an_unknown_metric_name_lists_the_installed_metrics(offline_env, tmp_path):
    with pytest.raises(RecbenchError, match="unknown metric 'ndgc'. Installed metrics: .*ndcg"):
        run(_config("model=pop", f"results_dir={tmp_path}", "protocol.metrics=[ndgc]"), "c", tmp_path)


def test_a_metric_returning_the_wrong_shape_is_named(offline_env, tmp_path, monkeypatch):
    from recbench.metrics import RankingMetric
    from recbench.plugins._registry import PluginInfo

    registry = get_registry()
    bad = RankingMetric("bad", lambda hits, n_relevant, k: hits[:, :k].double())
    monkeypatch.setattr(registry, "plugins", [*registry.plugins, PluginInfo("metrics", "bad", "x-metrics", "0.3", "ok", bad)])
    with pytest.raises(RecbenchError, match="metric 'bad' returned .* one value per user"):
        run(_config("model=pop", f"results_dir={tmp_path}", "protocol.metrics=[hr,bad]", "protocol.valid_metric=hr@10"), "c", tmp_path)
