"""``bitext run``: the main job, from a Chinese document to a reviewed-ready project and TMX."""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from align.formats.units import lang_matches
from align.model import Project
from align.pipeline import Document, build_project
from align.qa import qa_project
from align.textio import ensure_output_dir
from cli.align_cmd import warn_partial
from cli.common import (
    Overwrite,
    Quiet,
    Semantic,
    check_chinese,
    check_english,
    check_outputs,
    check_review_kept,
    info,
    progress_bars,
    sentence_encoder,
    warn_if_sizes_differ,
)
from cli.inputs import DOCUMENT_HELP, Format, FormatOpt, load
from cli.options import (
    DEFAULT_MODEL_ID,
    BatchOpt,
    BeamOpt,
    ComputeTypeOpt,
    DeviceOpt,
    EngineOpt,
    MaxLenOpt,
    ModelOpt,
    NoCacheOpt,
    SummaryJsonOpt,
    TgtLangOpt,
    ThreadsOpt,
    engine_options,
)
from cli.qa_cmd import GlossaryOpt, load_terms
from cli.tm_cmd import TmOpt, TmThresholdOpt, open_memories, with_memories
from models.factory import ComputeType, Device, EngineChoice, make_translator

if TYPE_CHECKING:
    from align.formats.memories import MemoryReport


@dataclass(frozen=True)
class RunOutputs:
    project: Path
    memories: MemoryReport


def load_document(path: Path, lang: str, quiet: bool, fmt: Format | None = None) -> Document:
    return Document.read(load(path, quiet, fmt), lang)


def output_name(path: Path) -> str:
    """``seeds/x.zh.md`` → ``x``: drop the extension and a trailing language tag."""
    name = path.name
    name = re.sub(r"\.(md|txt|text|markdown|html?|xhtml|docx|pdf)$", "", name, flags=re.I)
    return re.sub(r"\.(zh|cn|zh-cn|zh-hans|zh-hant|chs|cht)$", "", name, flags=re.I) or "document"


def write_outputs(project: Project, outdir: Path, name: str, tgt_lang: str) -> RunOutputs:
    """The project, NAME.tmx (human work) and NAME.mt.tmx (unreviewed MT), each if non-empty."""
    from align.formats.memories import write_memories
    from align.formats.project_json import write_project
    from cli.export_cmd import print_warnings

    path = outdir / f"{name}.bitext.json"
    write_project(path, project)
    paths = memory_paths(outdir, name)
    memories = write_memories(project, paths["TMX"], paths["MT TMX"], tgt_lang=tgt_lang)
    print_warnings(memories.warnings)
    return RunOutputs(path, memories)


def memory_paths(outdir: Path, name: str) -> dict[str, Path]:
    return {"TMX": outdir / f"{name}.tmx", "MT TMX": outdir / f"{name}.mt.tmx"}


def run(
    document: Annotated[
        Path,
        typer.Argument(help=f"Chinese document: {DOCUMENT_HELP}.", metavar="DOCUMENT"),
    ],
    reference: Annotated[
        Path | None,
        typer.Option("--reference", "-r", help="Existing English translation to align to."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")] = Path("out"),
    model: ModelOpt = DEFAULT_MODEL_ID,
    engine: EngineOpt = EngineChoice.AUTO,
    compute_type: ComputeTypeOpt = ComputeType.AUTO,
    beam: BeamOpt = 4,
    batch_size: BatchOpt = 16,
    max_length: MaxLenOpt = 512,
    threads: ThreadsOpt = None,
    device: DeviceOpt = Device.AUTO,
    no_cache: NoCacheOpt = False,
    tgt_lang: TgtLangOpt = "en",
    tm: TmOpt = None,
    tm_threshold: TmThresholdOpt = 75,
    as_json: SummaryJsonOpt = False,
    quiet: Quiet = False,
    glossary: GlossaryOpt = None,
    overwrite: Overwrite = False,
    semantic: Semantic = None,
    fmt: FormatOpt = None,
) -> None:
    """Segment, draft with MarianMT, align; write NAME.bitext.json, NAME.tmx and NAME.mt.tmx.

    NAME.tmx holds only what a human wrote or approved (reference pairs, TM matches); the
    unreviewed MT drafts go to NAME.mt.tmx (a CAT tool's MT folder). No unit has an empty side.
    """
    started = time.perf_counter()
    if semantic and reference is None:  # nothing to align: the drafts are the target
        raise typer.BadParameter("it only helps aligning; add --reference", param_hint="--semantic")
    terms = load_terms(glossary)  # QA runs only with a glossary; fail early on a bad one
    source = load_document(document, "zh", quiet, fmt)
    check_chinese(document, source.text)
    ref_doc = load_document(reference, tgt_lang, quiet, fmt) if reference else None
    if reference is not None and ref_doc is not None and lang_matches("en", tgt_lang):
        check_english(reference, ref_doc.text)
        warn_if_sizes_differ(document, source.text, reference, ref_doc.text)
    outdir = ensure_output_dir(out)
    name = output_name(document)
    check_outputs(
        {"project": outdir / f"{name}.bitext.json", **memory_paths(outdir, name)},
        [document, reference, *(tm or []), glossary],
    )
    check_review_kept(outdir / f"{name}.bitext.json", overwrite)
    options = engine_options(
        model, engine, compute_type, beam, batch_size, max_length, threads, device, no_cache
    )
    memories = open_memories(tm, tgt_lang, quiet)
    encoder = sentence_encoder(
        semantic if reference is not None else False, cache=not no_cache, quiet=quiet
    )
    translator = make_translator(options)
    # exact TM matches are drafted from the memory, never by the model; fuzzy ones ride along
    translator = with_memories(translator, memories, tm_threshold, terms)
    with progress_bars(quiet) as progress:
        project = build_project(source, translator, ref_doc, progress, encoder)
    if terms is not None:
        project = qa_project(project, terms)
    if reference is not None:
        warn_partial(project.beads, len(project.source.segments), len(project.target.segments))
    outputs = write_outputs(project, outdir, name, tgt_lang)
    report_summary(project, outputs, time.perf_counter() - started, as_json, quiet)


@dataclass(frozen=True)
class RunSummary:
    """What ``--json`` prints: where every bead went, and what needs a reviewer first."""

    segments: int
    drafts: int
    beads: int
    seconds: float
    project: str
    tmx: str | None  # human work (reference, TM); None when there was none to write
    tmx_units: int
    mt_tmx: str | None  # unreviewed MT drafts, for a CAT tool's MT folder
    mt_units: int
    mt_untranslated: int  # of mt_units: drafts of source sentences the reference leaves out
    left_out: dict[str, int]  # beads in neither TMX, by reason: empty_side, rejected
    qa_flags: dict[str, int]  # beads flagged, by QA check (a bead counts once per check)
    low_score: int  # beads scored under low_score_threshold: the review queue's "low" band
    low_score_threshold: float
    uncovered_source: int  # with --reference: source sentences in long untranslated runs
    uncovered_target: int  # reference sentences in long runs with no source


def summarise(project: Project, outputs: RunOutputs, seconds: float) -> RunSummary:
    from align.coverage import find_gaps, uncovered
    from align.review.attention import attention

    memories, needs = outputs.memories, attention(project)
    gaps = uncovered(find_gaps(project.beads))
    return RunSummary(
        segments=len(project.source.segments),
        drafts=sum(d is not None for d in project.drafts),
        beads=len(project.beads),
        seconds=round(seconds, 2),
        project=str(outputs.project),
        tmx=None if memories.tmx is None else str(memories.tmx),
        tmx_units=memories.units,
        mt_tmx=None if memories.mt_tmx is None else str(memories.mt_tmx),
        mt_units=memories.mt_units,
        mt_untranslated=memories.untranslated,
        left_out={
            "empty_side": memories.left_out.empty_side,
            "rejected": memories.left_out.rejected,
        },
        qa_flags=needs.flagged_beads,
        low_score=needs.low_score,
        low_score_threshold=needs.threshold,
        uncovered_source=gaps[0],
        uncovered_target=gaps[1],
    )


def report_summary(
    project: Project, outputs: RunOutputs, seconds: float, as_json: bool, quiet: bool
) -> None:
    """Lines on stderr for people, and the same facts as JSON on stdout for scripts."""
    summary = summarise(project, outputs, seconds)
    if as_json:
        typer.echo(json.dumps(asdict(summary)))
    for line in summary_lines(summary, outputs.memories):
        info(line, quiet)


def summary_lines(summary: RunSummary, memories: MemoryReport) -> list[str]:
    lines = [
        f"{summary.segments} segments, {summary.drafts} drafts, {summary.beads} beads "
        f"in {summary.seconds} s → {summary.project}"
    ]
    went = [
        f"{summary.tmx} ({summary.tmx_units} units a human wrote or approved)"
        if summary.tmx
        else "no TMX of human work (no reference, TM match or approved bead)",
    ]
    if summary.mt_tmx:
        of_them = (
            f", {summary.mt_untranslated} for source sentences the reference does not translate"
            if summary.mt_untranslated
            else ""
        )
        went.append(f"{summary.mt_tmx} ({summary.mt_units} unreviewed MT drafts{of_them})")
    left = memories.left_out.phrases()
    if left:
        went.append(f"left out: {', '.join(left)}")
    lines.append("; ".join(went))
    review = []
    if summary.qa_flags:
        checks = ", ".join(f"{check} {n}" for check, n in summary.qa_flags.items())
        review.append(f"QA flags: {checks}")
    if summary.low_score:
        review.append(f"{summary.low_score} beads score under {summary.low_score_threshold}")
    if review:
        lines.append("review first: " + "; ".join(review))
    return lines
