"""The local engine: batches of documents over worker processes on this machine.

Each worker process builds its translator once, in the pool's initializer, and keeps it for
every batch it is given, so the model loads once per worker rather than once per document.
Workers are spawned (not forked): a forked copy of a process that has started torch's or
numba's threads can deadlock.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import replace

from align.batch import BatchSettings, Job, failure, process_batch
from models.base import Translator
from models.factory import EngineOptions

Done = Callable[[list[Job]], None]
# This worker process's translator, made once by _start_worker; None when not drafting.
_translator: Translator | None = None


def cpu_count() -> int:
    """The cores this process may use (a container's or taskset's limit, not the machine's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def translator_for(options: EngineOptions | None) -> Translator | None:
    from models.factory import make_translator

    return None if options is None else make_translator(options)


def _start_worker(options: EngineOptions | None) -> None:
    global _translator
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _translator = translator_for(options)


def _work(jobs: list[Job], settings: BatchSettings) -> list[Job]:
    return process_batch(jobs, settings, _translator)


def run_local(
    batches: Sequence[list[Job]],
    settings: BatchSettings,
    options: EngineOptions | None,
    workers: int,
    done: Done,
) -> None:
    """Process ``batches`` on ``workers`` processes; ``done`` gets each batch as it finishes.

    One worker runs in this process (no start-up cost); each of several gets an equal share
    of the cores for the model's threads unless ``--threads`` said otherwise.
    """
    if workers <= 1 or len(batches) <= 1:
        translator = translator_for(options)
        for batch in batches:
            done(process_batch(batch, settings, translator))
        return
    if options is not None and options.threads is None:
        options = replace(options, threads=max(1, cpu_count() // workers))
    pool = ProcessPoolExecutor(
        min(workers, len(batches)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(options,),
    )
    try:
        futures = {pool.submit(_work, batch, settings): batch for batch in batches}
        for future in as_completed(futures):
            done(_result(future, futures[future]))
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def _result(future: Future[list[Job]], batch: list[Job]) -> list[Job]:
    """The batch's jobs; if its worker died (killed, out of memory), each fails with why."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - reported per document, the others go on
        return [replace(job, error=failure("worker", exc)) for job in batch]


def _stop(pool: ProcessPoolExecutor) -> None:
    """On Ctrl-C, end the workers now rather than after their current batch."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
