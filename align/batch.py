"""Many documents through ``run``'s stages: pure functions over batches of documents.

A batch is a list of :class:`Job`. Each stage returns new jobs and never raises for one
document's fault: a document that fails carries its error through the later stages untouched
and the rest of the batch goes on. The local engine (``models.batch_local``) and the Ray Data
engine (``models.batch_ray``) call these same functions, so a corpus comes out the same
whichever engine runs it, and there is one implementation of each stage to fix or speed up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import regex

from align import __version__
from align.coverage import align_covered
from align.documents import read_document
from align.errors import BitextError, InputError
from align.model import Draft, ModelInfo, Project, Segment, Side
from align.pipeline import Document, drafts_as_target, pair_with_drafts, segment_input
from align.qa.glossary import Glossary
from align.qa.project import qa_project
from align.translator import Translator

_HAN = regex.compile(r"\p{Han}")
_LETTER = regex.compile(r"\p{L}")


@dataclass(frozen=True)
class DocPair:
    """One document of the corpus: its id (the output name), its Chinese file and, if there is
    one, its English translation (without one, the drafts become the English side)."""

    id: str
    zh: str
    en: str | None = None


@dataclass(frozen=True)
class BatchSettings:
    """What every stage needs besides the documents (picklable: it travels to the workers)."""

    tgt_lang: str = "en"
    draft: bool = True
    glossary: Glossary | None = None


@dataclass(frozen=True)
class Job:
    """One document on its way through the stages; ``error`` set means it failed and is done.

    ``seconds`` adds up the time the stages spent on this document (a shared drafting batch is
    shared out by sentences), for the summary's per-document cost.
    """

    pair: DocPair
    input_hash: str = ""
    source: Document | None = None
    reference: Document | None = None
    src_segments: tuple[Segment, ...] = ()
    tgt_segments: tuple[Segment, ...] = ()
    drafts: tuple[Draft, ...] = ()
    project: Project | None = None
    error: str = ""
    seconds: float = 0.0


def _read(path: Path, lang: str) -> Document:
    """The one place batch reads a document: every format ``run`` reads (HTML, DOCX, PDF, ...)."""
    return Document.read(read_document(path), lang)


def failure(stage: str, exc: BaseException) -> str:
    """One line: the user's own problem as the library phrased it, or an unexpected error."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, BitextError):
        return f"{stage}: {text}"
    return f"{stage}: unexpected {type(exc).__name__}: {text}"


def _each(jobs: list[Job], stage: str, work: Callable[[Job], Job]) -> list[Job]:
    """``work`` on each live job, timed; an exception fails that job alone."""
    out = []
    for job in jobs:
        if job.error:
            out.append(job)
            continue
        start = time.perf_counter()
        try:
            done = work(job)
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the corpus
            done = replace(job, error=failure(stage, exc))
        out.append(replace(done, seconds=job.seconds + time.perf_counter() - start))
    return out


def segment_batch(jobs: list[Job], settings: BatchSettings) -> list[Job]:
    """Read both sides of each document and split them into sentences."""
    return _each(jobs, "reading", lambda job: _segment(job, settings.tgt_lang))


def _segment(job: Job, tgt_lang: str) -> Job:
    source = _read(Path(job.pair.zh), "zh")
    if not _HAN.search(source.text):
        raise InputError(f"{job.pair.zh}: no Chinese characters found; is it the Chinese side?")
    reference = None
    if job.pair.en is not None:
        reference = _read(Path(job.pair.en), tgt_lang)
        letters = len(_LETTER.findall(reference.text))
        if letters and len(_HAN.findall(reference.text)) > 0.3 * letters:
            raise InputError(f"{job.pair.en}: looks like Chinese, not the English translation")
    return replace(
        job,
        source=source,
        reference=reference,
        src_segments=tuple(segment_input(source)),
        tgt_segments=tuple(segment_input(reference)) if reference else (),
    )


def draft_batch(jobs: list[Job], translator: Translator) -> list[Job]:
    """Draft every live document's sentences in one call, so the model's batches mix documents.

    If that call fails, each document is drafted alone, so only the culprit fails.
    """
    live = [job for job in jobs if not job.error]
    texts = [s.text for job in live for s in job.src_segments]
    start = time.perf_counter()
    try:
        drafts = translator.translate(texts)
    except Exception:  # noqa: BLE001 - retried document by document below
        return _each(jobs, "drafting", lambda job: _draft_alone(job, translator))
    per_sentence = (time.perf_counter() - start) / max(1, len(texts))
    done: dict[int, Job] = {}
    pos = 0
    for job in live:
        count = len(job.src_segments)
        done[id(job)] = replace(
            job,
            drafts=tuple(drafts[pos : pos + count]),
            seconds=job.seconds + per_sentence * count,
        )
        pos += count
    return [done.get(id(job), job) for job in jobs]


def _draft_alone(job: Job, translator: Translator) -> Job:
    return replace(job, drafts=tuple(translator.translate([s.text for s in job.src_segments])))


def align_batch(jobs: list[Job], settings: BatchSettings) -> list[Job]:
    """Align each document with a translation to it; the others get their drafts as targets."""
    return _each(jobs, "aligning", lambda job: _align(job, settings.tgt_lang))


def _align(job: Job, tgt_lang: str) -> Job:
    if job.source is None:
        raise InputError(f"{job.pair.zh}: not read; run segment_batch first")
    if job.reference is None:
        if len(job.drafts) != len(job.src_segments):
            raise InputError(f"{job.pair.zh}: no English document to align to and no drafts")
        target = drafts_as_target(list(job.drafts), tgt_lang)
        beads = pair_with_drafts(len(job.src_segments), job.drafts)
    else:
        target = Side(job.reference.lang, job.reference.path, job.tgt_segments)
        drafts = [d.text for d in job.drafts] if job.drafts else None
        beads = align_covered(job.src_segments, job.tgt_segments, drafts=drafts)
    first = job.drafts[0] if job.drafts else None
    project = Project(
        source=Side(job.source.lang, job.source.path, job.src_segments),
        target=target,
        drafts=job.drafts,
        beads=tuple(beads),
        model=None if first is None else ModelInfo(first.model, first.fingerprint, first.engine),
        tool_version=__version__,
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        input_hash=job.input_hash,
    )
    return replace(job, project=project)


def qa_batch(jobs: list[Job], settings: BatchSettings) -> list[Job]:
    """The QA checks of ``bitext qa`` on every bead (glossary terms too, when one is given)."""
    return _each(jobs, "checking", lambda job: _qa(job, settings.glossary))


def _qa(job: Job, glossary: Glossary | None) -> Job:
    if job.project is None:
        raise InputError(f"{job.pair.zh}: not aligned; run align_batch first")
    return replace(job, project=qa_project(job.project, glossary))


def finish_batch(jobs: list[Job], settings: BatchSettings) -> list[Job]:
    """Align and check, then drop the texts: only the projects travel back to be written."""
    return [_slim(job) for job in qa_batch(align_batch(jobs, settings), settings)]


def _slim(job: Job) -> Job:
    return replace(job, source=None, reference=None, src_segments=(), tgt_segments=(), drafts=())


def process_batch(
    jobs: list[Job], settings: BatchSettings, translator: Translator | None
) -> list[Job]:
    """Every stage in order: what one local worker does with one batch of documents."""
    jobs = segment_batch(jobs, settings)
    if settings.draft and translator is not None:
        jobs = draft_batch(jobs, translator)
    return finish_batch(jobs, settings)
