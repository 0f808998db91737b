"""The Ray Data engine: the same batch stages as a streaming pipeline over a Ray cluster.

read (one row per batch of documents) → ``map_batches(segment_batch)`` → ``map_batches`` over
an actor pool of :class:`Drafter` (one translator per actor, N actors, ``num_gpus`` each when
asked) → ``map_batches(finish_batch)`` (align, QA) → the driver writes each finished batch.

A row is one batch of documents (pickled), not one document: the model must see the same
batches as under the local engine for the drafts to come out identical, and Ray's own
batching of rows depends on block sizes. Ray is imported only here, when this engine runs.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

import align
from align.batch import BatchSettings, Job, draft_batch, failure, finish_batch, segment_batch
from align.errors import InputError
from models.factory import EngineOptions

Done = Callable[[list[Job]], None]
Stage = Callable[[list[Job], BatchSettings], list[Job]]
Rows = dict[str, Any]


def _each_row(stage: Callable[[list[Job]], list[Job]], rows: Rows) -> Rows:
    """A stage over a Ray batch of rows, each row one pickled batch of documents."""
    return {"jobs": np.array([_dump(stage(_load(b))) for b in rows["jobs"]], object)}


def _apply(stage: Stage, settings: BatchSettings, rows: Rows) -> Rows:
    return _each_row(lambda jobs: stage(jobs, settings), rows)


def _dump(jobs: list[Job]) -> bytes:
    return pickle.dumps(jobs, protocol=pickle.HIGHEST_PROTOCOL)


def _load(data: bytes) -> list[Job]:
    return list(pickle.loads(data))


class Drafter:
    """A drafting actor: builds its translator once and drafts every batch it is given."""

    def __init__(self, options: EngineOptions) -> None:
        from models.factory import make_translator

        self.translator = make_translator(options)

    def __call__(self, rows: Rows) -> Rows:
        return _each_row(lambda jobs: draft_batch(jobs, self.translator), rows)


@contextlib.contextmanager
def ray_cluster(address: str | None, workers: int | None) -> Iterator[Any]:
    """``ray``, joined to the cluster at ``address`` or to a local Ray started here (with
    ``workers`` CPUs, and stopped on leaving); fails in one line when there is none."""
    ray = _import_ray()
    started = _connect(ray, address, workers)
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
) -> None:
    """Run ``batches`` through Ray Data (see the module); ``done`` gets each finished batch.

    ``workers`` is the number of drafting actors (default: one per CPU, or per ``gpus`` GPUs).
    """
    for name in ("ray", "ray.data"):  # Ray Data logs each run, and its advice, at INFO
        logging.getLogger(name).setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # bitext draws one bar for the whole run
    context.print_on_execution_start = False
    dataset = _pipeline(ray, batches, settings, options, workers, gpus)
    pending = {job.pair.id: job for batch in batches for job in batch}
    try:
        for row in dataset.iter_rows():
            jobs = _load(row["jobs"])
            for job in jobs:
                pending.pop(job.pair.id, None)
            done(jobs)
    except Exception as exc:  # noqa: BLE001 - a lost node or actor: report what did not finish
        done([replace(job, error=failure("ray", exc)) for job in pending.values()])


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401 - the Data library is an extra of its own
    except ImportError as exc:
        raise InputError(
            "--engine ray needs Ray Data: pip install 'bitext[ray]' (or use --engine local)"
        ) from exc
    return ray


def _connect(ray: Any, address: str | None, workers: int | None) -> bool:
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
        ray.init(num_cpus=workers, **quiet)
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
) -> Any:
    dataset = ray.data.from_items(
        [{"jobs": _dump(batch)} for batch in batches], override_num_blocks=len(batches)
    )
    dataset = dataset.map_batches(functools.partial(_apply, segment_batch, settings), batch_size=1)
    if settings.draft and options is not None:
        threads = options.threads or 1  # one core per actor: Ray schedules by cores
        dataset = dataset.map_batches(
            Drafter,
            fn_constructor_kwargs={"options": replace(options, threads=threads)},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=workers or _default_actors(ray, gpus)),
            num_cpus=threads,
            num_gpus=gpus or None,
        )
    return dataset.map_batches(functools.partial(_apply, finish_batch, settings), batch_size=1)


def _default_actors(ray: Any, gpus: float) -> int:
    resources = ray.cluster_resources()
    if gpus:
        return max(1, int(resources.get("GPU", 0) // gpus))
    return max(1, int(resources.get("CPU", 1)))
