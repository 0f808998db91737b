"""The local engine: batches of documents over worker processes on this machine.

Each worker process builds its translator once, in the pool's initializer, and keeps it for
every batch it is given, so the model loads once per worker rather than once per document.

Workers are forked from a parent that has loaded the aligner's dictionary (so none of them
loads it again; importing and loading cost a spawned worker about a second, a fifth of
aligning 200 documents) and that has no model threads: the model loads in the workers. A
parent that has loaded torch (a library caller, a test) spawns fresh workers instead, since a
forked copy of torch's thread pool can hang. Every worker starts before the caller draws its
progress bar, so no other thread runs when the parent forks.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace

from align.batch import BatchSettings, Job, failure, process_batch
from align.batch_out import heaviest_first
from align.translator import Translator
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


@dataclass
class LocalWorkers:
    """Started workers (``pool``), or this process alone with its ``translator``."""

    pool: ProcessPoolExecutor | None = None
    translator: Translator | None = None

    def run(self, batches: Sequence[list[Job]], settings: BatchSettings, done: Done) -> None:
        """Process ``batches``; ``done`` gets each batch as it finishes, in this process."""
        if self.pool is None:
            for batch in batches:
                done(process_batch(batch, settings, self.translator))
            return
        futures = {
            self.pool.submit(_work, batch, settings): batch for batch in heaviest_first(batches)
        }
        for future in as_completed(futures):
            done(_result(future, futures[future]))


@contextlib.contextmanager
def local_workers(workers: int, options: EngineOptions | None) -> Iterator[LocalWorkers]:
    """``workers`` started processes, each with its own translator and cores/N model threads
    (unless ``--threads`` said otherwise); one worker is this process (no start-up cost)."""
    if workers <= 1:
        yield LocalWorkers(translator=translator_for(options))
        return
    if options is not None and options.threads is None:
        options = replace(options, threads=max(1, cpu_count() // workers))
    method = "spawn" if "torch" in sys.modules else "fork"
    if method == "fork":
        from align.lexicon import lexicon

        lexicon()  # loaded once here, inherited by every worker
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(options,),
    )
    try:
        pool.submit(int).result()  # starts every worker now (a fork pool starts them all)
        yield LocalWorkers(pool)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def run_local(
    batches: Sequence[list[Job]],
    settings: BatchSettings,
    options: EngineOptions | None,
    workers: int,
    done: Done,
) -> None:
    """Start the workers, process ``batches``, stop them: for callers without a progress bar."""
    with local_workers(min(workers, len(batches)), options) as pool:
        pool.run(batches, settings, done)


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
