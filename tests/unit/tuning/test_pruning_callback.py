"""The pruning callback reports the validation metric each epoch and stops a trial the pruner rejects."""

from __future__ import annotations

from types import SimpleNamespace

import optuna
import pytest
import torch
from pytorch_lightning.trainer.states import TrainerFn

from recbench.tuning import PruningCallback


class AlwaysPrune(optuna.pruners.BasePruner):
    def prune(self, study, trial) -> bool:
        return True


def trainer(epoch, value, fn=TrainerFn.FITTING):
    return SimpleNamespace(
        sanity_checking=False, state=SimpleNamespace(fn=fn), current_epoch=epoch,
        callback_metrics={"valid/ndcg@10": torch.tensor(value)},
    )


def test_reports_each_epoch_at_epochs_trained():
    study = optuna.create_study(direction="maximize", pruner=optuna.pruners.NopPruner())
    trial = study.ask()
    callback = PruningCallback(trial, "valid/ndcg@10")
    for epoch, value in enumerate([0.1, 0.2, 0.25]):
        callback.on_validation_end(trainer(epoch, value), None)
    study.tell(trial, 0.25)
    assert study.trials[0].intermediate_values == pytest.approx({1: 0.1, 2: 0.2, 3: 0.25})


def test_raises_trial_pruned_when_the_pruner_says_so():
    study = optuna.create_study(direction="maximize", pruner=AlwaysPrune())
    callback = PruningCallback(study.ask(), "valid/ndcg@10")
    with pytest.raises(optuna.TrialPruned, match="after 1 epochs"):
        callback.on_validation_end(trainer(0, 0.01), None)


def test_validation_outside_fitting_reports_nothing():
    """The final validation of the best checkpoint, and closed-form models, which never fit."""
    study = optuna.create_study(direction="maximize", pruner=AlwaysPrune())
    trial = study.ask()
    PruningCallback(trial, "valid/ndcg@10").on_validation_end(trainer(0, 0.01, fn=TrainerFn.VALIDATING), None)
    study.tell(trial, 0.01)
    assert study.trials[0].intermediate_values == {}


def test_a_pruned_trial_leaves_run_before_its_test_evaluation(offline_env, tmp_path, compose_tune):
    from recbench.training import run

    cfg = compose_tune("model=bpr", "trainer.max_epochs=3", f"results_dir={tmp_path / 'r'}")
    study = optuna.create_study(direction="maximize", pruner=AlwaysPrune())
    with pytest.raises(optuna.TrialPruned):
        run(cfg, "recbench train", tmp_path / "work", callbacks=[PruningCallback(study.ask(), "valid/ndcg@10")])
    assert not list((tmp_path / "r").glob("runs/*.json"))
