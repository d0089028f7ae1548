"""Start the workers: one in this process, or ``n_workers`` spawned processes sharing the study."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys

from recbench.errors import RecbenchError
from recbench.tuning._devices import WorkerSlot
from recbench.tuning._job import TuneJob
from recbench.tuning._worker import work

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _environment(variables: dict[str, str]):
    """Set variables while a worker process is spawned (it copies the environment at start)."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _worker_process(job: TuneJob, slot: WorkerSlot, errors) -> None:
    try:
        work(job, slot)
    except RecbenchError as exc:
        errors.put(str(exc))
        sys.exit(2)
    except KeyboardInterrupt:  # Ctrl-C reaches every worker; the parent says what happened
        sys.exit(130)


def run_workers(job: TuneJob, slots: list[WorkerSlot]) -> None:
    """Return when every worker has stopped; raise the first worker's error, if any."""
    if len(slots) == 1:
        work(job, slots[0])
        return
    # Spawned, not forked: a fork would copy this process's CUDA state and threads.
    context = multiprocessing.get_context("spawn")
    errors = context.SimpleQueue()
    processes = []
    try:
        for slot in slots:
            with _environment(slot.environment):
                process = context.Process(target=_worker_process, args=(job, slot, errors), name=f"tune-worker-{slot.index}")
                process.start()
            log.info("worker %d (pid %d) on %s", slot.index, process.pid, slot.label)
            processes.append(process)
        for process in processes:
            process.join()
    except KeyboardInterrupt:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join()
        raise
    messages = []
    while not errors.empty():
        messages.append(errors.get())
    if messages:
        raise RecbenchError(messages[0])
    ended_badly = [(p.name, p.exitcode) for p in processes if p.exitcode != 0]
    for name, code in ended_badly:
        log.warning("%s ended with exit code %s; a trial it was running is failed and retried by the others", name, code)
    if len(ended_badly) == len(processes):
        codes = ", ".join(str(code) for _, code in ended_badly)
        raise RecbenchError(f"every worker ended abnormally (exit codes {codes}); run the same command again to resume the study")
