"""The ``logger`` config group turned into Lightning loggers, and the tuning hook that groups a study's runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from omegaconf import OmegaConf
from pytorch_lightning.loggers import CSVLogger, TensorBoardLogger, WandbLogger

from recbench.config import CSVLoggerConfig, TensorBoardLoggerConfig, WandbLoggerConfig
from recbench.errors import RecbenchError
from recbench.training._loggers import _why_offline, finish_logging, make_logger
from recbench.tuning._job import TuneJob


def config(logger) -> OmegaConf:
    return OmegaConf.create({"model": {"name": "pop"}, "seed": 0, "logger": None if logger is None else OmegaConf.structured(logger)})


def test_csv_is_the_default_and_writes_where_it_always_did(tmp_path):
    for cfg in (config(None), config(CSVLoggerConfig())):
        logger = make_logger(cfg, tmp_path, "run")
        assert isinstance(logger, CSVLogger)
        assert Path(logger.log_dir) == tmp_path / "logs" / "version_0"


def test_tensorboard_writes_under_the_work_dir(tmp_path):
    logger = make_logger(config(TensorBoardLoggerConfig()), tmp_path, "run")
    assert isinstance(logger, TensorBoardLogger)
    assert Path(logger.log_dir).is_relative_to(tmp_path / "tensorboard")


def test_wandb_passes_project_group_tags_and_mode_through(tmp_path, monkeypatch):
    monkeypatch.delenv("WANDB_MODE", raising=False)
    cfg = config(WandbLoggerConfig(project="p", group="g", tags=["a"], mode="disabled", options={"notes": "n"}))
    logger = make_logger(cfg, tmp_path, "pop-ml-100k-s0")
    try:
        assert isinstance(logger, WandbLogger)
        init = logger._wandb_init
        assert (init["project"], init["group"], init["tags"], init["mode"], init["notes"]) == ("p", "g", ["a"], "disabled", "n")
        assert init["name"] == "pop-ml-100k-s0" and init["dir"] == str(tmp_path)
    finally:
        finish_logging(logger, {"none": {"ndcg@10": 0.5}})


def test_no_credentials_means_offline(tmp_path, monkeypatch):
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    assert "no W&B credentials" in _why_offline()
    (tmp_path / "netrc").write_text("machine 127.0.0.1 login user password secret\n")
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    monkeypatch.setenv("WANDB_BASE_URL", "http://127.0.0.1:9")  # credentials, but nothing listens there
    assert "not reachable" in _why_offline()
    monkeypatch.delenv("NETRC")
    monkeypatch.setenv("WANDB_API_KEY", "x" * 40)
    assert "not reachable" in _why_offline()


def test_wandb_not_importable_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "wandb", None)
    with pytest.raises(RecbenchError, match="logger=wandb needs the wandb package"):
        make_logger(config(WandbLoggerConfig()), tmp_path, "run")


def test_unknown_logger_name_is_a_clear_error(tmp_path):
    cfg = OmegaConf.create({"logger": {"name": "mlflow"}})
    with pytest.raises(RecbenchError, match="logger.name='mlflow' is not a logger; choose one of csv, tensorboard, wandb"):
        make_logger(cfg, tmp_path, "run")


def job(logger: dict | None) -> TuneJob:
    base = {"model": {"name": "bpr"}, "trainer": {}, "seed": 0, "results_dir": "r"}
    if logger is not None:
        base["logger"] = logger
    return TuneJob(
        base=base, space=None, settings={}, study_name="bpr-ml-100k-ratio-811-full-abc", storage=None,
        study_dir=Path("s"), direction="maximize", trains=True, train_command=[], n_trials=1,
    )


def test_trials_and_final_runs_of_a_study_share_its_wandb_group():
    wandb = OmegaConf.to_container(OmegaConf.structured(WandbLoggerConfig()))
    assert job(wandb).trial_config({}, 0, "trials").logger.group == "bpr-ml-100k-ratio-811-full-abc"
    assert job(dict(wandb, group="mine")).trial_config({}, 0, "trials").logger.group == "mine"  # the user's choice wins
    assert "group" not in job({"name": "csv"}).trial_config({}, 0, "trials").logger
    assert "logger" not in job(None).trial_config({}, 0, "trials")


def test_wandb_that_fails_to_start_online_goes_offline(tmp_path, monkeypatch, capsys):
    import recbench.training._loggers as loggers

    monkeypatch.delenv("WANDB_MODE", raising=False)
    monkeypatch.setattr(loggers, "_why_offline", lambda: None)  # credentials and network look fine...
    started = []

    def log_hyperparams(self, params):
        if self._wandb_init["mode"] == "online":
            raise RuntimeError("api key rejected\nmore detail")  # ...but the server refuses the run
        started.append(self._wandb_init["mode"])

    monkeypatch.setattr(WandbLogger, "log_hyperparams", log_hyperparams)
    logger = make_logger(config(WandbLoggerConfig()), tmp_path, "run")
    assert started == ["offline"] and logger._wandb_init["mode"] == "offline"
    assert "recbench: W&B could not start online (api key rejected); the run is logged offline" in capsys.readouterr().err
