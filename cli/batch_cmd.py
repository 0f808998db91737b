"""``bitext batch``: a whole archive of documents into projects and one merged memory."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from align.batch import BatchSettings, DocPair, Job, failure
from align.batch_out import (
    SUMMARY_CSV,
    CorpusFiles,
    DocRow,
    Plan,
    doc_row,
    make_batches,
    plan_corpus,
    project_path,
    settings_key,
    write_corpus,
    write_summary,
)
from align.corpus import Found, find_documents
from align.errors import BitextError
from align.model import Project
from align.review.stats import MEDIUM
from align.textio import ensure_output_dir
from cli.common import Overwrite, Quiet, check_review_kept, err_console, info, progress_bars
from cli.options import (
    DEFAULT_MODEL_ID,
    BatchOpt,
    BeamOpt,
    ComputeTypeOpt,
    DeviceOpt,
    MaxLenOpt,
    ModelOpt,
    NoCacheOpt,
    SummaryJsonOpt,
    TgtLangOpt,
    ThreadsOpt,
    engine_options,
)
from cli.qa_cmd import GlossaryOpt, load_terms
from models.factory import ComputeType, Device, EngineChoice, EngineOptions


class BatchEngine(StrEnum):
    """Where the stages run: local worker processes or a Ray Data pipeline."""

    LOCAL = "local"
    RAY = "ray"


SHOWN_ROWS = 30  # the table on screen; summary.csv has every document
KEEP_IN_MEMORY = 1000  # projects (tens of kB each) the merge reads once rather than four times


@dataclass
class Progress:
    """What the run has done so far: the rows of finished documents and the failures."""

    rows: dict[str, DocRow] = field(default_factory=dict)
    failed: list[Job] = field(default_factory=list)


@dataclass(frozen=True)
class BatchSummary:
    """What ``--json`` prints."""

    documents: int
    done: int
    unchanged: int
    failed: int
    units: int
    mt_units: int
    seconds: float
    tmx: str
    mt_tmx: str
    jsonl: str
    summary: str
    problems: list[str]


def batch(
    source: Annotated[
        Path,
        typer.Argument(
            help="A folder (X.zh.md with X.en.md, or zh/ and en/ folders with the same file "
            "names) or a manifest (zh_path<TAB>en_path[<TAB>id] per line).",
            metavar="DIR|MANIFEST.tsv",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out"),
    no_draft: Annotated[
        bool, typer.Option("--no-draft", help="Align the pairs without MT drafts (no model).")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes (Ray: actors per stage; default: cores)."
        ),
    ] = None,
    engine: Annotated[
        BatchEngine, typer.Option("--engine", help="local (worker processes) or ray (Ray Data).")
    ] = BatchEngine.LOCAL,
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", help="Join this Ray cluster (auto, or HOST:PORT)."),
    ] = None,
    num_gpus: Annotated[
        float, typer.Option("--num-gpus", min=0, max=64, help="GPUs per drafting actor (Ray).")
    ] = 0.0,
    docs_per_batch: Annotated[
        int, typer.Option("--docs-per-batch", min=1, help="Documents per batch of work.")
    ] = 8,
    model: ModelOpt = DEFAULT_MODEL_ID,
    mt_engine: Annotated[
        EngineChoice,
        typer.Option("--mt-engine", help="MT engine: auto, hf or ct2 (as run's --engine)."),
    ] = EngineChoice.AUTO,
    compute_type: ComputeTypeOpt = ComputeType.AUTO,
    beam: BeamOpt = 4,
    batch_size: BatchOpt = 16,
    max_length: MaxLenOpt = 512,
    threads: ThreadsOpt = None,
    device: DeviceOpt = Device.AUTO,
    no_cache: NoCacheOpt = False,
    tgt_lang: TgtLangOpt = "en",
    glossary: GlossaryOpt = None,
    overwrite: Overwrite = False,
    as_json: SummaryJsonOpt = False,
    quiet: Quiet = False,
) -> None:
    """Segment, draft, align and check many documents: one project each, plus corpus.tmx,
    corpus.mt.tmx (unreviewed MT drafts), corpus.jsonl and summary.csv. Re-runs skip
    unchanged documents; failures are listed at the end (exit 1) while the rest finish."""
    started = time.perf_counter()
    settings = BatchSettings(tgt_lang, not no_draft, load_terms(glossary))
    outdir = ensure_output_dir(out)
    found = _usable(find_documents(source, exclude=outdir), no_draft)
    options = None
    if not no_draft:
        options = engine_options(
            model, mt_engine, compute_type, beam, batch_size, max_length, threads, device, no_cache
        )
    key = settings_key(_model_key(options), f"tgt={tgt_lang}", f"glossary={_digest(glossary)}")
    plan = _guard_reviews(plan_corpus(found.pairs, outdir, key), outdir, overwrite)
    progress = Progress(failed=list(plan.failed))
    batches = make_batches(plan.todo, docs_per_batch)
    if batches and engine is BatchEngine.RAY:
        from models.batch_local import cpu_count
        from models.batch_ray import drafter_threads, local_cpus, ray_cluster, run_ray

        info("starting Ray" if ray_address is None else f"joining Ray at {ray_address}", quiet)
        local = ray_address is None
        workers = jobs or (cpu_count() if local else None)  # a cluster's: from its resources
        cpus = local_cpus(workers or 1, options is not None, drafter_threads(options))
        with ray_cluster(ray_address, cpus) as ray, progress_bars(quiet) as bars:
            done = _writer(outdir, progress, bars("documents", len(plan.todo)))
            run_ray(ray, batches, settings, options, workers, done, num_gpus, local)
    elif batches:
        from models.batch_local import cpu_count, local_workers

        workers = min(jobs or cpu_count(), len(batches))
        with local_workers(workers, options) as pool, progress_bars(quiet) as bars:
            done = _writer(outdir, progress, bars("documents", len(plan.todo)))
            pool.run(batches, settings, done)
    files, rows = _merge(outdir, found.pairs, plan, progress, tgt_lang)
    _report(found, plan, progress, rows, files, time.perf_counter() - started, as_json, quiet)


def _usable(found: Found, no_draft: bool) -> Found:
    """With ``--no-draft``, a Chinese document without a translation has nothing to align to."""
    if not no_draft:
        return found
    alone = [p for p in found.pairs if p.en is None]
    return Found(
        tuple(p for p in found.pairs if p.en is not None),
        found.problems
        + tuple(f"{p.id}: no English document, and --no-draft makes no drafts" for p in alone),
    )


def _model_key(options: EngineOptions | None) -> str:
    """The model's content fingerprint, engine and decoding settings: what shapes a draft.

    Resolving the model here also fails fast, before any worker starts, when it is missing.
    """
    if options is None:
        return "draft=no"
    from models.factory import check_options, pick_engine
    from models.resolve import resolve_model

    check_options(options)
    resolved = resolve_model(options.model)
    mt = pick_engine(options.engine, resolved)
    return f"model={resolved.fingerprint};{mt};{options.compute_type};{options.settings.key()}"


def _digest(path: Path | None) -> str:
    return "" if path is None else hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _guard_reviews(plan: Plan, outdir: Path, overwrite: bool) -> Plan:
    """A changed document whose project holds review work is not redone without --overwrite."""
    todo, failed = [], list(plan.failed)
    for job in plan.todo:
        try:
            check_review_kept(project_path(outdir, job.pair.id), overwrite)
        except BitextError as exc:
            failed.append(Job(job.pair, error=failure("keeping the review", exc)))
            continue
        todo.append(job)
    return Plan(tuple(todo), plan.unchanged, tuple(failed))


def _writer(
    outdir: Path, progress: Progress, tick: Callable[[int], None] | None
) -> Callable[[list[Job]], None]:
    """Write each finished document's project at once, so an interrupted run keeps it."""
    from align.formats.project_json import write_project

    def done(jobs: list[Job]) -> None:
        for job in jobs:
            if not job.error and job.project is not None:
                path = project_path(outdir, job.pair.id)
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    write_project(path, job.project)
                except (BitextError, OSError) as exc:
                    job = Job(job.pair, error=failure("writing", exc))
            if job.error:
                progress.failed.append(job)
            else:
                progress.rows[job.pair.id] = DocRow(job.pair.id, "done", seconds=job.seconds)
        if tick is not None:
            tick(len(jobs))

    return done


def _merge(
    outdir: Path, pairs: tuple[DocPair, ...], plan: Plan, progress: Progress, tgt_lang: str
) -> tuple[CorpusFiles, list[DocRow]]:
    """Rebuild the merged memory and the summary from every up-to-date project."""
    failed = {job.pair.id: job.error for job in progress.failed}
    load = _loader(outdir, [p.id for p in pairs if p.id not in failed])
    seconds = {doc: row.seconds for doc, row in progress.rows.items()}
    rows = [
        doc_row(doc, "done" if doc in seconds else "unchanged", project, seconds.get(doc))
        for doc, project in load()
    ]
    rows += [DocRow(doc, "failed", error=error) for doc, error in failed.items()]
    rows.sort(key=lambda row: row.document)
    write_summary(outdir / SUMMARY_CSV, rows)
    return write_corpus(outdir, load, tgt_lang), rows


def _loader(outdir: Path, ids: list[str]) -> Callable[[], Iterator[tuple[str, Project]]]:
    """The projects as reviewed so far (journals included), read once when they fit in
    memory; a bigger corpus is read again for each output instead."""
    from align.review.journal import load_current

    def read() -> Iterator[tuple[str, Project]]:
        for doc in ids:
            yield doc, load_current(project_path(outdir, doc))

    if len(ids) > KEEP_IN_MEMORY:
        return read
    kept = list(read())
    return lambda: iter(kept)


def _report(
    found: Found,
    plan: Plan,
    progress: Progress,
    rows: list[DocRow],
    files: CorpusFiles,
    seconds: float,
    as_json: bool,
    quiet: bool,
) -> None:
    """The table and totals on stderr, the problems always, JSON on request; exit 1 if any."""
    problems = [*found.problems, *(f"{j.pair.id}: {j.error}" for j in progress.failed)]
    if as_json:
        summary = BatchSummary(
            documents=len(rows),
            done=len(progress.rows),
            unchanged=len(plan.unchanged),
            failed=len(progress.failed),
            units=files.units,
            mt_units=files.mt_units,
            seconds=round(seconds, 2),
            tmx=str(files.tmx),
            mt_tmx=str(files.mt_tmx),
            jsonl=str(files.jsonl),
            summary=str(files.tmx.with_name(SUMMARY_CSV)),
            problems=problems,
        )
        typer.echo(json.dumps(asdict(summary), ensure_ascii=False))
    if not quiet:
        _print_table(rows)
        info(
            f"{len(progress.rows)} done, {len(plan.unchanged)} unchanged, "
            f"{len(progress.failed)} failed in {seconds:.1f} s → {files.tmx} ({files.units} "
            f"pairs), {files.mt_tmx} ({files.mt_units} MT drafts), {files.jsonl}",
        )
    for line in files.warnings[:20]:
        err_console.print(f"bitext: warning: {line}", markup=False)
    if problems:
        for line in problems:
            err_console.print(f"bitext: not done: {line}", markup=False)
        err_console.print(
            f"bitext: error: {len(problems)} document(s) not done (listed above); fix them "
            "and run again: finished documents are kept and skipped",
            markup=False,
        )
        raise typer.Exit(1)


def _print_table(rows: list[DocRow]) -> None:
    from rich.table import Table

    shown = sorted(rows, key=lambda r: (r.status != "failed", r.mean_score or 0.0))
    low = f"< {MEDIUM}"
    table = Table("document", "status", "segments", "beads", "mean score", low, "QA", "s")
    for row in sorted(shown[:SHOWN_ROWS], key=lambda r: r.document):
        cells = (row.segments, row.beads, row.mean_score, row.low_scores, row.qa_flags, row.seconds)
        table.add_row(row.document, row.status, *("" if c is None else str(c) for c in cells))
    err_console.print(table)
    if len(rows) > SHOWN_ROWS:
        err_console.print(
            f"… {len(rows) - SHOWN_ROWS} more (failed and lowest-scoring shown) in {SUMMARY_CSV}",
            markup=False,
        )
