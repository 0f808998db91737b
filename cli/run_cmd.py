"""``bitext run``: the main job, from a Chinese document to a reviewed-ready project and TMX."""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import typer

from align.errors import InputError
from align.formats.units import lang_matches, normalise_lang
from align.model import Project
from align.pipeline import Document, build_project
from align.qa import qa_project
from align.textio import ensure_output_dir, read_text
from align.tm import with_memory
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
    ThreadsOpt,
    engine_options,
)
from cli.qa_cmd import GlossaryOpt, load_terms
from models.factory import make_translator


@dataclass(frozen=True)
class RunOutputs:
    project: Path
    tmx: Path


def load_document(path: Path, lang: str, quiet: bool) -> Document:
    loaded = read_text(path)
    if loaded.encoding == "gb18030":
        info(f"{path}: read as GB18030 (not UTF-8)", quiet)
    return Document(loaded.text, str(path), lang)


def check_target_lang(tgt_lang: str) -> None:
    """Before drafting, not at the TMX write: a bad tag must not cost a whole run."""
    tag = normalise_lang(tgt_lang)
    if lang_matches("zh", tag):
        raise InputError(f"--tgt-lang {tgt_lang}: the source is Chinese; give the target's tag")


def output_name(path: Path) -> str:
    """``seeds/x.zh.md`` → ``x``: drop the extension and a trailing language tag."""
    name = path.name
    name = re.sub(r"\.(md|txt|text|markdown)$", "", name, flags=re.I)
    return re.sub(r"\.(zh|cn|zh-cn|zh-hans|zh-hant|chs|cht)$", "", name, flags=re.I) or "document"


def write_outputs(project: Project, outdir: Path, name: str, tgt_lang: str) -> RunOutputs:
    from align.formats.project_json import write_project
    from align.formats.tmx import write_tmx
    from cli.export_cmd import print_warnings

    outputs = RunOutputs(outdir / f"{name}.bitext.json", outdir / f"{name}.tmx")
    write_project(outputs.project, project)
    report = write_tmx(outputs.tmx, project, tgt_lang=tgt_lang)
    print_warnings(report.warnings)
    return outputs


def run(
    document: Annotated[
        Path,
        typer.Argument(
            help="Chinese document (UTF-8 or GB18030, .md or .txt).", metavar="DOCUMENT"
        ),
    ],
    reference: Annotated[
        Path | None,
        typer.Option("--reference", "-r", help="Existing English translation to align to."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")] = Path("out"),
    model: ModelOpt = DEFAULT_MODEL_ID,
    engine: EngineOpt = "auto",
    compute_type: ComputeTypeOpt = "auto",
    beam: BeamOpt = 4,
    batch_size: BatchOpt = 16,
    max_length: MaxLenOpt = 512,
    threads: ThreadsOpt = None,
    device: DeviceOpt = "auto",
    no_cache: NoCacheOpt = False,
    tgt_lang: Annotated[str, typer.Option("--tgt-lang", help="Target language tag.")] = "en",
    tm: Annotated[
        Path | None,
        typer.Option("--tm", help="TMX memory: exact matches replace MT (bead origin tm)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
    quiet: Quiet = False,
    glossary: GlossaryOpt = None,
    overwrite: Overwrite = False,
    semantic: Semantic = None,
) -> None:
    """Segment, draft with MarianMT, align, and write NAME.bitext.json and NAME.tmx."""
    started = time.perf_counter()
    if semantic and reference is None:  # nothing to align: the drafts are the target
        raise typer.BadParameter("it only helps aligning; add --reference", param_hint="--semantic")
    terms = load_terms(glossary)  # QA runs only with a glossary; fail early on a bad one
    check_target_lang(tgt_lang)
    source = load_document(document, "zh", quiet)
    check_chinese(document, source.text)
    ref_doc = load_document(reference, tgt_lang, quiet) if reference else None
    if reference is not None and ref_doc is not None and lang_matches("en", tgt_lang):
        check_english(reference, ref_doc.text)
        warn_if_sizes_differ(document, source.text, reference, ref_doc.text)
    outdir = ensure_output_dir(out)
    name = output_name(document)
    check_outputs(
        {"project": outdir / f"{name}.bitext.json", "TMX": outdir / f"{name}.tmx"},
        [document, reference, tm, glossary],
    )
    check_review_kept(outdir / f"{name}.bitext.json", overwrite)
    options = engine_options(
        model, engine, compute_type, beam, batch_size, max_length, threads, device, no_cache
    )
    encoder = sentence_encoder(
        semantic if reference is not None else False, cache=not no_cache, quiet=quiet
    )
    translator = make_translator(options)
    if tm is not None:  # exact TM matches are drafted from the memory, never by the model
        translator = with_memory(translator, tm, "zh", tgt_lang)
    with progress_bars(quiet) as progress:
        project = build_project(source, translator, ref_doc, progress, encoder)
    if terms is not None:
        project = qa_project(project, terms)
    outputs = write_outputs(project, outdir, name, tgt_lang)
    report_summary(project, outputs, time.perf_counter() - started, as_json, quiet)


@dataclass(frozen=True)
class RunSummary:
    """What ``--json`` prints."""

    segments: int
    drafts: int
    beads: int
    seconds: float
    project: str
    tmx: str


def report_summary(
    project: Project, outputs: RunOutputs, seconds: float, as_json: bool, quiet: bool
) -> None:
    """One line on stderr for people, and the same facts as JSON on stdout for scripts."""
    summary = RunSummary(
        segments=len(project.source.segments),
        drafts=sum(d is not None for d in project.drafts),
        beads=len(project.beads),
        seconds=round(seconds, 2),
        project=str(outputs.project),
        tmx=str(outputs.tmx),
    )
    if as_json:
        typer.echo(json.dumps(asdict(summary)))
    info(
        f"{summary.segments} segments, {summary.drafts} drafts, {summary.beads} beads "
        f"in {summary.seconds} s → {outputs.project}, {outputs.tmx}",
        quiet,
    )
