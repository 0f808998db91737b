"""The Ray engine's pool sizes and its actors' calls, without starting Ray.

The actors are plain classes that Ray Data instantiates; called here directly on a Ray-shaped
batch (a column of pickled document batches), they must do exactly what a local worker does
with the same batch. The end-to-end agreement under a real local Ray is in
``test_batch_engines.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from align.batch import BatchSettings, DocPair, Job, process_batch
from align.errors import InputError
from align.formats.project_json import project_to_dict
from models.batch_ray import (
    Actors,
    Aligner,
    Drafter,
    _dump,
    _load,
    check_fits,
    local_cpus,
    plan_actors,
)
from tests.batch_corpus import write_corpus
from tests.test_batch import CountingTranslator


@pytest.mark.parametrize(
    ("cpus", "gpus_total", "workers", "drafting", "threads", "gpus", "expected"),
    [
        (2, 0, 2, False, 1, 0.0, Actors(0, 2)),  # align-only: --jobs aligners
        (16, 0, None, False, 1, 0.0, Actors(0, 16)),  # align-only: one per core
        (4, 0, 2, True, 1, 0.0, Actors(2, 2)),  # --jobs N: N of each
        (16, 0, None, True, 1, 0.0, Actors(8, 8)),  # cores shared, one aligner per drafter
        (16, 0, None, True, 3, 0.0, Actors(4, 4, 3)),  # 4 drafters x 3 threads leave 4 cores
        (32, 4, None, True, 1, 1.0, Actors(4, 28)),  # a drafter per GPU, the rest align
        (8, 4, None, True, 1, 0.5, Actors(7, 1)),  # GPUs shared, cores short: one aligns
        (1, 0, None, True, 1, 0.0, Actors(1, 1)),  # never an empty pool
    ],
)
def test_pool_sizes(
    cpus: float,
    gpus_total: float,
    workers: int | None,
    drafting: bool,
    threads: int,
    gpus: float,
    expected: Actors,
) -> None:
    actors = plan_actors(cpus, gpus_total, workers, drafting, threads, gpus)
    assert actors == expected
    if workers is None and cpus >= 2:
        check_fits(actors, cpus, gpus_total, gpus)  # a default plan fits (one core cannot)


def test_pools_a_cluster_cannot_hold_are_one_line() -> None:
    check_fits(Actors(2, 2), 4, 0, 0.0)
    with pytest.raises(InputError, match=r"2 drafting and 2 aligning actors need 6 cores"):
        check_fits(Actors(2, 2, 2), 4, 0, 0.0)
    with pytest.raises(InputError, match=r"need 3 cores and 4 GPUs; the Ray cluster has 8 and 2"):
        check_fits(Actors(2, 1), 8, 2, 2.0)


@pytest.mark.parametrize(("workers", "threads"), [(1, 1), (2, 1), (3, 2)])
def test_a_local_ray_starts_with_the_cores_asked_for_and_its_pools_fit(
    workers: int, threads: int
) -> None:
    """``--jobs 2`` starts Ray with 2 cores; a drafter and an aligner share each."""
    assert local_cpus(workers, drafting=False, threads=threads) == workers
    cpus = local_cpus(workers, drafting=True, threads=threads)
    assert cpus == workers * threads
    actors = plan_actors(cpus, 0, workers, True, threads, 0.0, shared=True)
    assert (actors.drafters, actors.aligners) == (workers, workers)
    assert actors.cpus == cpus
    check_fits(actors, cpus, 0, 0.0)
    aligning = plan_actors(workers, 0, workers, False, threads, 0.0, shared=True)
    assert aligning == Actors(0, workers) and aligning.cpus == workers


def _jobs(folder: Path) -> list[Job]:
    """Three document pairs and a Chinese document with no English (drafted only)."""
    corpus = write_corpus(folder, 4, zh_only=1, sentences=(3, 5))
    jobs = []
    for k in range(4):
        en = corpus / f"doc{k:03d}.en.md"
        zh = str(corpus / f"doc{k:03d}.zh.md")
        jobs.append(Job(DocPair(f"doc{k:03d}", zh, str(en) if en.exists() else None)))
    return jobs


def _projects(jobs: list[Job]) -> list[dict[str, object]]:
    found = []
    for job in jobs:
        assert job.project is not None, job.error
        data = project_to_dict(job.project)
        data.pop("created")
        found.append(data)
    return found


def _call(actor: Aligner | Drafter, batches: list[list[Job]]) -> list[list[Job]]:
    rows = {"jobs": np.array([_dump(batch) for batch in batches], object)}
    return [_load(data) for data in actor(rows)["jobs"]]


def test_the_actors_do_what_a_local_worker_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = _jobs(tmp_path)
    settings = BatchSettings()
    local = process_batch(jobs, settings, CountingTranslator())

    monkeypatch.setattr("models.factory.make_translator", lambda options: CountingTranslator())
    drafter = Drafter(options=None, settings=settings)  # type: ignore[arg-type]
    aligner = Aligner(settings, segment=False)
    (drafted,) = _call(drafter, [jobs])
    (finished,) = _call(aligner, [drafted])
    assert _projects(finished) == _projects(local)
    assert all(not (j.src_segments or j.drafts) for j in finished)  # only projects travel back


def test_without_drafting_the_aligner_segments_first(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path)[:3]
    settings = BatchSettings(draft=False)
    first, second = _call(Aligner(settings, segment=True), [jobs[:2], jobs[2:]])
    local = process_batch(jobs, settings, None)
    assert _projects(first + second) == _projects(local)
