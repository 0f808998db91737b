"""The Ray Data engine: the same batch stages as a streaming pipeline over a Ray cluster.

read (one row per batch of documents) → ``map_batches`` over an actor pool of
:class:`Drafter` (reads and segments, then drafts: one translator per actor, ``num_gpus`` each
when asked) → ``map_batches`` over an actor pool of :class:`Aligner` (aligns and checks; reads
and segments first when nothing is drafted) → the driver writes each finished batch.

A row is one batch of documents (pickled), not one document: the model must see the same
batches as under the local engine for the drafts to come out identical, and Ray's own
batching of rows depends on block sizes.

Every stage runs on actors, none on tasks. A task waits about 0.15 s for a worker between
batches of ~0.2 s on a small machine, where an actor has its next batch queued (1,000
documents, align-only: 26 s of tasks against 12 s of actors); and a segmentation task of its
own would wait for ever for cores the actor pools hold, whenever Ray Data does not fuse it
into the actors (it does not when their remote arguments differ). So segmentation is called
by the first actor each batch meets, the same ``segment_batch`` the local engine calls.
Ray is imported only here, when this engine runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import socket
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

import align
from align.batch import BatchSettings, Job, draft_batch, failure, finish_batch, segment_batch
from align.batch_out import heaviest_first
from align.errors import InputError
from models.factory import EngineOptions

Done = Callable[[list[Job]], None]
Rows = dict[str, Any]


def _each_row(stage: Callable[[list[Job]], list[Job]], rows: Rows) -> Rows:
    """A stage over a Ray batch of rows, each row one pickled batch of documents."""
    return {"jobs": np.array([_dump(stage(_load(b))) for b in rows["jobs"]], object)}


def _dump(jobs: list[Job]) -> bytes:
    return pickle.dumps(jobs, protocol=pickle.HIGHEST_PROTOCOL)


def _load(data: bytes) -> list[Job]:
    return list(pickle.loads(data))


class Drafter:
    """A drafting actor: builds its translator once, then segments and drafts every batch."""

    def __init__(self, options: EngineOptions, settings: BatchSettings) -> None:
        from models.factory import make_translator

        self.translator = make_translator(options)
        self.settings = settings

    def __call__(self, rows: Rows) -> Rows:
        return _each_row(self._draft, rows)

    def _draft(self, jobs: list[Job]) -> list[Job]:
        return draft_batch(segment_batch(jobs, self.settings), self.translator)


class Aligner:
    """An aligning actor: loads the aligner's dictionary once, then aligns and checks every
    batch it is given (``finish_batch``), segmenting it first if no drafter has."""

    def __init__(self, settings: BatchSettings, segment: bool) -> None:
        from align.lexicon import lexicon

        lexicon()  # before the first batch arrives, not during it
        self.settings = settings
        self.segment = segment

    def __call__(self, rows: Rows) -> Rows:
        return _each_row(self._finish, rows)

    def _finish(self, jobs: list[Job]) -> list[Job]:
        if self.segment:
            jobs = segment_batch(jobs, self.settings)
        return finish_batch(jobs, self.settings)


@dataclass(frozen=True)
class Actors:
    """How many actors each pool runs, and the cores each one declares to Ray's scheduler."""

    drafters: int
    aligners: int
    drafter_cpus: float = 1.0
    aligner_cpus: float = 1.0

    @property
    def cpus(self) -> float:
        return self.drafters * self.drafter_cpus + self.aligners * self.aligner_cpus


def plan_actors(
    cpus: float,
    gpus_total: float,
    workers: int | None,
    drafting: bool,
    threads: int,
    gpus: float,
    shared: bool = False,
) -> Actors:
    """Pool sizes on a cluster of ``cpus`` cores and ``gpus_total`` GPUs.

    ``--jobs N`` asks for N of each. By default drafting takes the GPUs (one actor per
    ``gpus``, each with its ``threads`` cores, as far as the cores go) or, on cores alone, as
    many cores as leave one aligner per drafter; aligning takes the cores the drafters leave
    (at least one). ``shared`` (a local Ray, ``--jobs N``): each of the N cores (of ``threads``
    threads) holds a drafter and an aligner, which declare half of it each. A batch is
    drafted, then aligned, so the two take turns on it, as a local worker alternates between
    its stages; and the local Ray is started with the N cores asked for, no more.
    """
    if not drafting:
        return Actors(0, workers or max(1, int(cpus)))
    if workers and shared:
        return Actors(workers, workers, threads / 2, threads / 2)
    if workers:
        return Actors(workers, workers, threads)
    if gpus:  # a drafter per GPU share, as far as the cores go (one is left to align)
        drafters = max(1, min(int(gpus_total // gpus), int((cpus - 1) // threads)))
    else:
        drafters = max(1, int(cpus // (threads + 1)))
    return Actors(drafters, max(1, int(cpus - drafters * threads)), threads)


def check_fits(actors: Actors, cpus: float, gpus_total: float, gpus: float) -> None:
    """Fail in one line when the pools cannot all start: Ray Data would wait for ever."""
    need_gpus = actors.drafters * gpus
    if actors.cpus <= cpus and need_gpus <= gpus_total:
        return
    wanted = f"{actors.drafters} drafting and {actors.aligners} aligning actors need"
    raise InputError(
        f"{wanted} {actors.cpus:g} cores and {need_gpus:g} GPUs; the Ray cluster has {cpus:g} "
        f"and {gpus_total:g}: lower --jobs, --threads or --num-gpus, or add nodes"
    )


def drafter_threads(options: EngineOptions | None) -> int:
    """Model threads per drafting actor: ``--threads``, else one (Ray schedules by cores)."""
    return (options.threads if options else None) or 1


def local_cpus(workers: int, drafting: bool, threads: int) -> int:
    """The cores a local Ray is started with for ``--jobs workers``: ``threads`` each when
    drafting (the model's threads), else one."""
    return workers * threads if drafting else workers


@contextlib.contextmanager
def ray_cluster(address: str | None, cpus: int | None) -> Iterator[Any]:
    """``ray``, joined to the cluster at ``address`` or to a local Ray started here (declaring
    ``cpus`` cores, see :func:`local_cpus`, and stopped on leaving); fails in one line when
    there is none."""
    ray = _import_ray()
    started = _connect(ray, address, cpus)
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def run_ray(
    ray: Any,
    batches: Sequence[list[Job]],
    settings: BatchSettings,
    options: EngineOptions | None,
    workers: int | None,
    done: Done,
    gpus: float = 0.0,
    local: bool = True,
) -> None:
    """Run ``batches`` through Ray Data (see the module); ``done`` gets each finished batch.

    ``workers`` is the number of actors in each pool (default: :func:`plan_actors`).
    ``local``: this process started the Ray (:func:`ray_cluster`) with ``workers`` cores
    (:func:`local_cpus`). A dead actor is restarted (and its batch retried) three times on a
    cluster, which can lose a node, and never on a local Ray, where a death would only recur:
    Ray Data's own default, for ever, turns a batch that kills its actor into a hang (and
    complains on every run about restarting actors whose arguments live in the object store).
    """
    for name in ("ray", "ray.data"):
        # Ray Data logs each run and its advice at INFO, and a failed batch with a traceback
        # at ERROR: bitext reports each document that did not finish itself, in one line.
        logging.getLogger(name).setLevel(logging.CRITICAL)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # bitext draws one bar for the whole run
    context.print_on_execution_start = False
    context.max_errored_blocks = -1  # a batch that fails (its actor died) does not stop the rest
    with warnings.catch_warnings():
        # Ray Data 2.60 sets an actor's restarts only through ``**ray_remote_args``, which it
        # calls deprecated (for 2.64, with no replacement yet): bitext[ray] pins Ray below it.
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = _pipeline(ray, batches, settings, options, workers, gpus, local)
    pending = {job.pair.id: job for batch in batches for job in batch}
    why = "ray: its batch did not come back (its actor died; Ray's logs say why)"
    try:
        # Ray prints a dead worker's notice on standard output, which is the summary's (--json)
        with contextlib.redirect_stdout(sys.stderr):
            for row in dataset.iter_rows():
                jobs = _load(row["jobs"])
                for job in jobs:
                    pending.pop(job.pair.id, None)
                done(jobs)
    except Exception as exc:  # noqa: BLE001 - a lost node or actor: report what did not finish
        why = failure("ray", exc)
    if pending:
        done([replace(job, error=why) for job in pending.values()])


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401 - the Data library is an extra of its own
    except ImportError as exc:
        raise InputError(
            "--engine ray needs Ray Data: pip install 'bitext[ray]' (or use --engine local)"
        ) from exc
    return ray


def _connect(ray: Any, address: str | None, cpus: int | None) -> bool:
    """Join ``address`` or start a local Ray; True when this call started it (and stops it)."""
    if ray.is_initialized():
        return False
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False, "include_dashboard": False}
    if address:
        _check_reachable(address)
        try:
            ray.init(address=address, **quiet)
        except ConnectionError as exc:
            raise InputError(
                f"--ray-address {address}: no Ray cluster there ({exc}); start one with "
                "`ray start --head`, or leave the option out for a local Ray"
            ) from exc
        return True
    # Local workers import this very copy of bitext, whatever the environment has installed:
    # they inherit PYTHONPATH from the Ray processes started here. (A runtime_env saying so
    # would cost seconds: Ray could not use the workers it starts with the cluster.)
    root = str(Path(align.__file__).resolve().parent.parent)
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    with _environ("PYTHONPATH", path):
        ray.init(num_cpus=cpus, **quiet)
    return True


@contextlib.contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    """``name=value`` in this process's environment (and its children's) for the block."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _check_reachable(address: str) -> None:
    """Ray retries an unreachable head for ever, logging as it goes: try it once, quickly."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if address == "auto" or not host or not port.isdigit():
        return  # "auto" finds the local head itself, and fails at once when there is none
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise InputError(
            f"--ray-address {address}: cannot reach it ({exc.strerror or exc}); check the head's "
            "address (ray start --head prints it) or leave the option out for a local Ray"
        ) from None


def _pipeline(
    ray: Any,
    batches: Sequence[list[Job]],
    settings: BatchSettings,
    options: EngineOptions | None,
    workers: int | None,
    gpus: float,
    local: bool,
) -> Any:
    drafting = settings.draft and options is not None
    threads = drafter_threads(options)
    resources = ray.cluster_resources()
    cpus, gpus_total = resources.get("CPU", 1), resources.get("GPU", 0)
    actors = plan_actors(cpus, gpus_total, workers, drafting, threads, gpus, shared=local)
    check_fits(actors, cpus, gpus_total, gpus)
    restarts = 0 if local else 3
    retry = {"max_restarts": restarts, "max_task_retries": restarts}
    rows = [{"jobs": _dump(batch)} for batch in heaviest_first(batches)]
    dataset = ray.data.from_items(rows, override_num_blocks=len(rows))
    if drafting and options is not None:
        dataset = dataset.map_batches(
            Drafter,
            fn_constructor_kwargs={
                "options": replace(options, threads=threads),
                "settings": settings,
            },
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=actors.drafters),
            num_cpus=actors.drafter_cpus,
            num_gpus=gpus or None,
            **retry,
        )
    return dataset.map_batches(
        Aligner,
        fn_constructor_kwargs={"settings": settings, "segment": not drafting},
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=actors.aligners),
        num_cpus=actors.aligner_cpus,
        **retry,
    )
