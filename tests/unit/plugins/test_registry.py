"""Plugin discovery through (faked) entry points: failing soft, spec validation, clashes, disabling."""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from recbench.data import DatasetSpec
from recbench.errors import RecbenchError
from recbench.plugins import ModelSpec, ModelTags
from recbench.plugins._registry import DISABLE_VARIABLE, PluginWarning, discover, model_config_node


@dataclass
class GoodConfig:
    dim: int = 8
    lr: float = 0.01
    layers: list = field(default_factory=lambda: [4, 2])


def _model(entry_name: str, **changes) -> ModelSpec:
    return ModelSpec(**{"name": entry_name, "model_class": "somewhere:Model", "config": GoodConfig, **changes})


def _dataset(name: str) -> DatasetSpec:
    return DatasetSpec(name=name, title=name, folder=name, files=("u.data",), parser=lambda folder: None)


class FakeEntryPoint:
    def __init__(self, name, value, dist="recbench", version="1.0"):
        self.name = name
        self.dist = SimpleNamespace(name=dist, version=version) if dist is not None else None
        self._value = value

    def load(self):
        if isinstance(self._value, BaseException):
            raise self._value
        return self._value


@pytest.fixture
def install(monkeypatch):
    """install(models=[...], datasets=[...]) makes discover() see exactly these entry points."""
    monkeypatch.delenv(DISABLE_VARIABLE, raising=False)

    def install(models=(), datasets=(), metrics=()):
        groups = {"recbench.models": list(models), "recbench.datasets": list(datasets), "recbench.metrics": list(metrics)}
        monkeypatch.setattr("recbench.plugins._registry.entry_points", lambda group: groups[group])

    return install


def _discover_quietly():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        registry = discover()
    return registry, [w for w in caught if issubclass(w.category, PluginWarning)]


def _status(registry, name, kind="models"):
    return next(p.status for p in registry.plugins if p.kind == kind and p.name == name)


def test_valid_plugins_are_listed_with_their_distribution(install):
    install(
        models=[FakeEntryPoint("pop", _model("pop")), FakeEntryPoint("fancy", _model("fancy"), "fancy-recs", "2.3")],
        datasets=[FakeEntryPoint("toy", _dataset("toy"))],
    )
    registry, caught = _discover_quietly()
    assert caught == []
    assert registry.names("models") == ["fancy", "pop"]
    assert registry.names("datasets") == ["toy"]
    info = registry.info("models", "fancy")
    assert (info.distribution, info.version, info.status) == ("fancy-recs", "2.3", "ok")
    assert registry.model("pop").name == "pop"
    assert registry.dataset("toy").folder == "toy"


def test_plugin_that_fails_to_import_becomes_a_warning_naming_its_distribution(install):
    install(
        models=[
            FakeEntryPoint("pop", _model("pop")),
            FakeEntryPoint("broken", ImportError("No module named 'torch_sparse'"), "broken-recs", "0.1"),
            FakeEntryPoint("zeta", _model("zeta"), "zeta-recs"),
        ]
    )
    with pytest.warns(PluginWarning) as caught:
        registry = discover()
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "'broken'" in message and "'broken-recs'" in message and "torch_sparse" in message
    assert f"{DISABLE_VARIABLE}=broken" in message
    assert registry.names("models") == ["pop", "zeta"]
    assert _status(registry, "broken").startswith("error: import failed: ImportError")


@dataclass
class NoDefault:
    dim: int
    lr: float = 0.1


@dataclass
class NameField:
    name: str = "x"


@pytest.mark.parametrize(
    "changes, fragment",
    [
        ({"config": NoDefault}, "config fields ['dim'] need defaults"),
        ({"config": dict}, "spec.config must be a dataclass"),
        ({"tags": ModelTags(task="clustering")}, "unknown task tag 'clustering'"),
        ({"tags": ModelTags(input_kind="graphs")}, "unknown input_kind tag 'graphs'"),
        ({"search_space": {"dim": {}, "momentum": {}}}, "search_space names ['momentum'], which are not config fields"),
        ({"kit_hyperparameters": {"dims": 2}}, "kit_hyperparameters names ['dims'], which are not config fields"),
        ({"bounds": {"rate": "[0, 1)"}}, "bounds names ['rate'], which are not config fields"),
        ({"bounds": {"dim": "1 to 8"}}, "bound '1 to 8' is not an interval"),
        ({"bounds": {"dim": "[16, inf)"}}, "default gives dim=8, outside its range [16, inf)"),
        ({"search_space": {"lr": {"type": "float", "low": -1.0, "high": 0.1}}}, "search_space gives lr=-1.0, outside its range (0, inf)"),
        ({"kit_hyperparameters": {"lr": 0}}, "kit_hyperparameters gives lr=0, outside its range (0, inf)"),
        ({"config": NameField}, "may not define a field called 'name'"),
        ({"name": "other"}, "entry point name and spec name 'other' differ"),
    ],
)
def test_invalid_model_spec_becomes_a_warning_and_the_rest_still_load(install, changes, fragment):
    install(models=[FakeEntryPoint("bad", _model("bad", **changes), "bad-recs"), FakeEntryPoint("pop", _model("pop"))])
    registry, caught = _discover_quietly()
    assert len(caught) == 1
    message = str(caught[0].message)
    assert fragment in message and "'bad-recs'" in message
    assert registry.names("models") == ["pop"]
    status = _status(registry, "bad")
    assert status.startswith("error: ") and fragment in status


def test_invalid_spec_warning_describes_the_plugin_once(install):
    install(models=[FakeEntryPoint("bad", _model("bad", config=NoDefault), "bad-recs")])
    _, caught = _discover_quietly()
    assert str(caught[0].message).count("from distribution 'bad-recs'") == 1


def test_entry_point_yielding_the_wrong_type_is_a_warning(install):
    install(models=[FakeEntryPoint("odd", object(), "odd-recs")], datasets=[FakeEntryPoint("d", _model("d"), "odd-recs")])
    registry, caught = _discover_quietly()
    messages = " | ".join(str(w.message) for w in caught)
    assert "must yield a recbench.plugins.ModelSpec, got object" in messages
    assert "must yield a recbench.data.DatasetSpec, got ModelSpec" in messages
    assert registry.names("models") == registry.names("datasets") == []


def test_duplicate_names_keep_the_builtin_and_warn_naming_both_distributions(install):
    install(models=[FakeEntryPoint("pop", _model("pop"), "popular-recs", "9.9"), FakeEntryPoint("pop", _model("pop"))])
    registry, caught = _discover_quietly()
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "'popular-recs'" in message and "distribution 'recbench'" in message
    assert registry.info("models", "pop").distribution == "recbench"
    statuses = sorted((p.distribution, p.status) for p in registry.plugins)
    assert statuses == [("popular-recs", "error: name clashes with 'pop' from 'recbench'"), ("recbench", "ok")]


def test_duplicate_third_party_names_keep_the_first_by_name_order(install):
    install(models=[FakeEntryPoint("knn", _model("knn"), "b-recs"), FakeEntryPoint("knn", _model("knn"), "a-recs")])
    registry, caught = _discover_quietly()
    assert len(caught) == 1
    assert "'a-recs'" in str(caught[0].message) and "'b-recs'" in str(caught[0].message)
    assert len(registry.names("models")) == 1


def test_disable_by_plugin_name(install, monkeypatch):
    install(models=[FakeEntryPoint("pop", _model("pop")), FakeEntryPoint("bpr", _model("bpr"))])
    monkeypatch.setenv(DISABLE_VARIABLE, " bpr ,unrelated")
    registry, caught = _discover_quietly()
    assert caught == []
    assert registry.names("models") == ["pop"]
    assert _status(registry, "bpr") == "disabled"


def test_disable_by_distribution_skips_loading(install, monkeypatch):
    install(models=[FakeEntryPoint("x", ImportError("never loaded"), "x-recs"), FakeEntryPoint("pop", _model("pop"))])
    monkeypatch.setenv(DISABLE_VARIABLE, "x-recs")
    registry, caught = _discover_quietly()
    assert caught == []  # a disabled plugin is not even imported
    assert _status(registry, "x") == "disabled"


def test_disable_third_party_keeps_builtins(install, monkeypatch):
    install(
        models=[FakeEntryPoint("pop", _model("pop")), FakeEntryPoint("fancy", _model("fancy"), "fancy-recs")],
        datasets=[FakeEntryPoint("toy", _dataset("toy"), "toy-data")],
    )
    monkeypatch.setenv(DISABLE_VARIABLE, "third-party")
    registry, _ = _discover_quietly()
    assert registry.names("models") == ["pop"]
    assert registry.names("datasets") == []
    assert _status(registry, "fancy") == _status(registry, "toy", "datasets") == "disabled"


def test_info_on_an_unknown_name_lists_the_installed_ones(install):
    install(models=[FakeEntryPoint("pop", _model("pop")), FakeEntryPoint("bpr", _model("bpr"))])
    registry, _ = _discover_quietly()
    with pytest.raises(RecbenchError, match=r"unknown model 'neumf'\. Installed models: bpr, pop"):
        registry.model("neumf")
    with pytest.raises(RecbenchError, match=r"unknown dataset 'ml-1m'\. Installed datasets: \(none installed\)"):
        registry.dataset("ml-1m")


def test_model_config_node_adds_a_name_field_defaulting_to_the_spec_name():
    node = model_config_node(_model("fancy"))
    defaults = {f.name: f.default for f in dataclasses.fields(node) if f.default is not dataclasses.MISSING}
    assert defaults == {"dim": 8, "lr": 0.01, "name": "fancy"}
    assert [f.name for f in dataclasses.fields(node)] == ["dim", "lr", "layers", "name"]
    assert issubclass(node, GoodConfig) and node.__name__ == "GoodConfig"
    instance = node()
    assert (instance.name, instance.dim, instance.layers) == ("fancy", 8, [4, 2])


def test_entry_point_without_a_distribution_does_not_crash_discovery(install):
    install(models=[FakeEntryPoint("pop", _model("pop")), FakeEntryPoint("orphan", _model("orphan"), dist=None)])
    registry, _ = _discover_quietly()
    assert registry.names("models") == ["orphan", "pop"]
    assert registry.info("models", "orphan").distribution == "unknown"


def test_config_that_is_a_dataclass_instance_is_rejected_softly(install):
    install(models=[FakeEntryPoint("inst", _model("inst", config=GoodConfig()), "inst-recs")])
    registry, caught = _discover_quietly()
    assert registry.names("models") == [] and len(caught) == 1


def test_metric_plugins_are_discovered_and_validated(install):
    from recbench.metrics import RankingMetric

    hits_at_1 = RankingMetric("hit1", lambda hits, n_relevant, k: hits[:, :1].any(dim=1).double(), version=3)
    install(
        metrics=[
            FakeEntryPoint("hit1", hits_at_1, dist="x-metrics"),
            FakeEntryPoint("broken", lambda: None, dist="x-metrics"),
        ]
    )
    registry, warned = _discover_quietly()
    assert registry.metric("hit1") is hits_at_1
    assert "must yield a recbench.metrics.RankingMetric" in _status(registry, "broken", "metrics")
    assert len(warned) == 1 and "x-metrics" in str(warned[0].message)
