"""What a batch run leaves in its output folder, and which documents a re-run may skip.

One project per document (``ID.bitext.json``, written atomically as each document finishes,
so an interrupted run keeps everything it finished), then, rebuilt from those projects at the
end (reviewers' edits included): the merged memory ``corpus.tmx`` (human-aligned pairs),
``corpus.mt.tmx`` (unreviewed MT drafts, kept apart so they never pass for human work),
``corpus.jsonl`` (every pair, with its origin) and ``summary.csv``.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from align import __version__
from align.batch import DocPair, Job, failure
from align.formats.filters import BeadFilter, is_unreviewed_mt, select_beads
from align.formats.units import Unit, default_lang, normalise_lang, project_units
from align.model import Bead, Project
from align.qa.flags import parse_code
from align.review.stats import MEDIUM
from align.textio import write_text_atomic

CORPUS_TMX, CORPUS_MT_TMX, CORPUS_JSONL, SUMMARY_CSV = (
    "corpus.tmx",
    "corpus.mt.tmx",
    "corpus.jsonl",
    "summary.csv",
)


def project_path(outdir: Path, doc_id: str) -> Path:
    return outdir / f"{doc_id}.bitext.json"


def settings_key(*parts: str) -> str:
    """Everything besides the texts that shapes a project; the tool version stands for the
    segmenter's and aligner's (a new bitext may align differently, so it redoes the corpus)."""
    return "|".join((f"bitext={__version__}", *parts))


def input_hash(pair: DocPair, key: str) -> str:
    digest = hashlib.sha256(key.encode())
    for path in (pair.zh, pair.en):
        digest.update(b"\0" if path is None else b"\1" + Path(path).read_bytes())
    return digest.hexdigest()[:32]


def stored_hash(path: Path) -> str | None:
    """The ``input_hash`` of an existing project, or None (no project, or not one of ours)."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    value = data.get("input_hash") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Plan:
    """Documents to process, documents whose project is already up to date, and failures."""

    todo: tuple[Job, ...]
    unchanged: tuple[DocPair, ...]
    failed: tuple[Job, ...] = ()


def plan_corpus(pairs: Sequence[DocPair], outdir: Path, key: str) -> Plan:
    """Hash each document's inputs with ``key``; a project holding the same hash is skipped."""
    todo: list[Job] = []
    unchanged: list[DocPair] = []
    failed: list[Job] = []
    for pair in pairs:
        try:
            digest = input_hash(pair, key)
        except OSError as exc:
            failed.append(Job(pair, error=failure("reading", exc)))
            continue
        if stored_hash(project_path(outdir, pair.id)) == digest:
            unchanged.append(pair)
        else:
            todo.append(Job(pair, input_hash=digest))
    return Plan(tuple(todo), tuple(unchanged), tuple(failed))


def make_batches(jobs: Sequence[Job], size: int) -> list[list[Job]]:
    """Consecutive batches of ``size`` documents in id order, whatever engine runs them: the
    model's batches, and so its drafts (padding changes floating-point sums), are the same."""
    ordered = sorted(jobs, key=lambda job: job.pair.id)
    return [ordered[i : i + size] for i in range(0, len(ordered), max(1, size))]


def heaviest_first(batches: Sequence[list[Job]]) -> list[list[Job]]:
    """The batches, biggest inputs first: workers that take them in this order finish close
    together (the last batch handed out is a small one), instead of one core idling while the
    other ends on a long batch. Only the order changes, never a batch, so outputs do not."""
    return sorted(batches, key=_input_bytes, reverse=True)


def _input_bytes(batch: list[Job]) -> int:
    total = 0
    for job in batch:
        for path in (job.pair.zh, job.pair.en):
            with contextlib.suppress(OSError):
                total += 0 if path is None else os.stat(path).st_size
    return total


@dataclass(frozen=True)
class DocRow:
    """One line of ``summary.csv`` and of the table on screen."""

    document: str
    status: str  # done, unchanged or failed
    segments: int | None = None
    beads: int | None = None
    mean_score: float | None = None
    low_scores: int | None = None  # beads below the review threshold (align.review.stats)
    qa_flags: int | None = None
    seconds: float | None = None
    error: str = ""


def doc_row(doc_id: str, status: str, project: Project, seconds: float | None) -> DocRow:
    beads = project.beads
    return DocRow(
        document=doc_id,
        status=status,
        segments=len(project.source.segments),
        beads=len(beads),
        mean_score=round(sum(b.score for b in beads) / len(beads), 4) if beads else None,
        low_scores=sum(b.score < MEDIUM for b in beads),
        qa_flags=sum(parse_code(f) is not None for b in beads for f in b.flags),
        seconds=None if seconds is None else round(seconds, 3),
    )


def write_summary(path: Path, rows: Sequence[DocRow]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DocRow.__dataclass_fields__)
    for row in rows:
        writer.writerow(["" if v is None else v for v in vars(row).values()])
    write_text_atomic(path, buffer.getvalue())


def corpus_units(
    projects: Iterator[tuple[str, Project]], keep: Callable[[Bead], bool] = lambda b: True
) -> Iterator[Unit]:
    """Every kept, non-rejected bead of every project, labelled with its document id."""
    for doc_id, project in projects:
        # every non-rejected bead; ``keep`` alone decides which file the MT drafts go to
        everything = BeadFilter(include_mt=True)
        kept = [i for i in select_beads(project.beads, everything) if keep(project.beads[i])]
        for unit in project_units(project, kept):
            yield replace(unit, document=doc_id)


def _human_pair(bead: Bead) -> bool:
    return bool(bead.source and bead.target) and not is_unreviewed_mt(bead)


def _mt_pair(bead: Bead) -> bool:
    return bool(bead.source and bead.target) and is_unreviewed_mt(bead)


@dataclass(frozen=True)
class CorpusFiles:
    tmx: Path
    mt_tmx: Path
    jsonl: Path
    units: int
    mt_units: int
    warnings: tuple[str, ...] = ()


def write_corpus(
    outdir: Path, load: Callable[[], Iterator[tuple[str, Project]]], tgt_lang: str
) -> CorpusFiles:
    """The merged memories from the projects ``load()`` yields (called once per file)."""
    from align.formats.jsonl import write_jsonl_units
    from align.formats.tmx import write_tmx_units

    src, tgt = default_lang("zh"), normalise_lang(tgt_lang)
    human = write_tmx_units(outdir / CORPUS_TMX, corpus_units(load(), _human_pair), src, tgt)
    mt = write_tmx_units(outdir / CORPUS_MT_TMX, corpus_units(load(), _mt_pair), src, tgt)
    write_jsonl_units(outdir / CORPUS_JSONL, corpus_units(load()), src, tgt)
    return CorpusFiles(
        outdir / CORPUS_TMX,
        outdir / CORPUS_MT_TMX,
        outdir / CORPUS_JSONL,
        human.count,
        mt.count,
        human.warnings + mt.warnings,
    )
