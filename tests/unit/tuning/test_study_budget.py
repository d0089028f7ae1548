"""Counting a shared study's trials against its budget: finished, claimed, surplus, failures."""

from __future__ import annotations

import optuna
from optuna.distributions import FloatDistribution
from optuna.trial import TrialState, create_trial

from recbench.tuning import Budget
from recbench.tuning._budget import ERROR_ATTR, SURPLUS_ATTR, grid_exhausted, is_surplus

X = {"x": FloatDistribution(0.0, 1.0)}


def add(study, state, x=0.5, **user_attrs):
    value = 0.1 if state == TrialState.COMPLETE else None
    study.add_trial(create_trial(state=state, value=value, params={"x": x}, distributions=X, user_attrs=user_attrs))


def test_finished_counts_complete_and_pruned_only():
    study = optuna.create_study(direction="maximize")
    add(study, TrialState.COMPLETE)
    add(study, TrialState.PRUNED)
    add(study, TrialState.FAIL, **{ERROR_ATTR: "RuntimeError: boom"})
    add(study, TrialState.FAIL, **{SURPLUS_ATTR: True})
    budget = Budget.of(study)
    assert (budget.complete, budget.pruned, budget.failed, budget.finished) == (1, 1, 1, 2)
    assert budget.reached(2) and not budget.reached(3)


def test_running_trials_claim_the_budget_and_waiting_retries_are_work():
    study = optuna.create_study()
    add(study, TrialState.COMPLETE)
    study.ask()  # running elsewhere
    assert not Budget.of(study).work_left(2)
    assert Budget.of(study).work_left(3)
    add(study, TrialState.WAITING)  # a crashed trial's retry
    assert Budget.of(study).work_left(2)


def test_the_later_of_two_trials_asked_for_the_last_place_yields():
    study = optuna.create_study()
    add(study, TrialState.COMPLETE)
    first, second = study.ask(), study.ask()
    assert not is_surplus(study, first, n_trials=2)
    assert is_surplus(study, second, n_trials=2)


def test_a_retry_never_yields():
    study = optuna.create_study()
    add(study, TrialState.COMPLETE)
    study.ask()
    study.add_trial(create_trial(state=TrialState.WAITING, params={"x": 0.5}, distributions=X, system_attrs={"failed_trial": 0}))
    retry = study.ask()  # pops the waiting retry
    assert retry.params == {"x": 0.5}
    assert not is_surplus(study, retry, n_trials=2)


def test_the_same_error_three_times_before_any_success_is_a_setup_problem():
    study = optuna.create_study()
    for _ in range(3):
        add(study, TrialState.FAIL, **{ERROR_ATTR: "FileNotFoundError: u.data"})
    assert Budget.of(study).repeated_error() == "FileNotFoundError: u.data"
    add(study, TrialState.COMPLETE)
    assert Budget.of(study).repeated_error() is None


def test_grid_is_exhausted_when_every_point_ended_even_by_failure():
    study = optuna.create_study()
    add(study, TrialState.COMPLETE, x=0.0)
    assert not grid_exhausted(study, grid_size=2)
    add(study, TrialState.FAIL, x=1.0)
    assert grid_exhausted(study, grid_size=2)
