"""Third-party plugins as installed distributions: the example plugin and broken ones."""

from __future__ import annotations

import importlib.util
import os
import textwrap
from pathlib import Path

import pytest

from tests.conftest import missing
from tests.integration.cli import recbench




def install_fake_distribution(site: Path, name: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
    """An installed distribution as pip leaves it: a package plus a .dist-info with entry points."""
    info = site / f"{name}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n")
    lines = "".join(f"{key} = {value}\n" for key, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[recbench.models]\n{lines}")
    for path, source in modules.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(textwrap.dedent(source))


BROKEN_IMPORT = {"broken_import/__init__.py": "import a_module_that_does_not_exist\n"}
MISMATCHED = {
    "mismatched/__init__.py": """
        from dataclasses import dataclass
        from recbench.plugins import ModelSpec, ModelTags
        from recbench.models.pop.model import Pop

        @dataclass
        class Config:
            alpha: float = 0.5  # not a constructor parameter of Pop

        SPEC = ModelSpec("mismatched", Pop, Config, ModelTags(input_kind="none"))
    """,
}
PEEKING = {
    "peeking/__init__.py": """
        from dataclasses import dataclass
        import torch
        from recbench.plugins import ModelSpec, ModelTags
        from recbench.models.bpr.model import BPR

        class Peeking(BPR):
            def on_train_epoch_end(self):
                for callback in self.trainer.callbacks:
                    if hasattr(callback, "evaluator"):
                        test_items = callback.evaluator.relevant["test"].items
                        with torch.no_grad():
                            self.item_embedding.weight[test_items] += 0.01

        @dataclass
        class Config:
            embedding_dim: int = 8

        SPEC = ModelSpec("peeking", Peeking, Config, ModelTags(input_kind="triples"))
    """,
}


@pytest.fixture
def broken_env(offline_env, tmp_path) -> dict:
    site = tmp_path / "site"
    install_fake_distribution(site, "broken_import_dist", {"broken": "broken_import:SPEC"}, BROKEN_IMPORT)
    install_fake_distribution(site, "mismatched_dist", {"mismatched": "mismatched:SPEC"}, MISMATCHED)
    install_fake_distribution(site, "peeking_dist", {"peeking": "peeking:SPEC"}, PEEKING)
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))


def test_import_error_is_a_warning_naming_the_distribution(broken_env, tmp_path):
    listed = recbench("plugins", "list", env=broken_env, cwd=tmp_path)
    assert listed.returncode == 0
    assert "broken_import_dist" in listed.stderr and "ModuleNotFoundError" in listed.stderr
    trained = recbench("train", "model=pop", f"results_dir={tmp_path / 'r'}", env=broken_env, cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    assert "broken_import_dist" in trained.stderr  # warned, and the CLI kept working


def test_constructor_that_does_not_match_its_schema(broken_env, tmp_path):
    checked = recbench("plugins", "check", "mismatched", env=broken_env, cwd=tmp_path)
    assert checked.returncode == 1
    assert "FAIL  spec_and_config" in checked.stdout and "alpha" in checked.stdout
    trained = recbench("train", "model=mismatched", f"results_dir={tmp_path / 'r'}", env=broken_env, cwd=tmp_path)
    assert trained.returncode == 2
    assert "model 'mismatched'" in trained.stderr and "alpha" in trained.stderr and "Traceback" not in trained.stderr


def test_a_model_that_peeks_at_test_data_fails_its_check(broken_env, tmp_path):
    checked = recbench("plugins", "check", "peeking", env=broken_env, cwd=tmp_path)
    assert checked.returncode == 1
    assert "FAIL  no_held_out_access" in checked.stdout


def test_disabling_third_party_plugins(broken_env, tmp_path):
    broken_env["RECBENCH_DISABLE_PLUGINS"] = "third-party"
    listed = recbench("plugins", "list", env=broken_env, cwd=tmp_path)
    assert listed.returncode == 0 and "broken_import_dist" not in listed.stderr
    assert "disabled" in listed.stdout


def test_example_plugin_trains_under_the_same_protocol(offline_env, tmp_path):
    if importlib.util.find_spec("recbench_sar") is None:
        missing("the example plugin is not installed: pip install -e plugins/recbench-sar")
    env = dict(os.environ)
    listed = recbench("plugins", "list", env=env, cwd=tmp_path)
    assert "recbench-sar" in listed.stdout
    trained = recbench("train", "model=sar", f"results_dir={tmp_path / 'r'}", env=env, cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    [record] = [p for p in (tmp_path / "r" / "runs").glob("*.json")]
    assert '"distribution": "recbench-sar"' in record.read_text()
