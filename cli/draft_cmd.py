"""``bitext draft``: segmentation and MT drafting alone, into a bitext-project/1 file."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import typer

from align.pipeline import build_project
from align.tm import match_counts
from cli.common import (
    Overwrite,
    Quiet,
    check_chinese,
    check_outputs,
    check_review_kept,
    info,
    progress_bars,
)
from cli.inputs import DOCUMENT_HELP, FormatOpt
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
    ThreadsOpt,
    engine_options,
)
from cli.run_cmd import load_document
from cli.tm_cmd import TmOpt, TmThresholdOpt, open_memories, with_memories
from models.factory import ComputeType, Device, EngineChoice, make_translator


@dataclass(frozen=True)
class DraftSummary:
    """What ``--json`` prints."""

    segments: int
    drafts: int
    flagged: int  # drafts that carry flags (Draft.flags): the reviewer reads these first
    engine: str
    seconds: float
    project: str
    tm_exact: int = 0  # drafted from a memory (100/101% matches)
    tm_fuzzy: int = 0  # MT drafts with a fuzzy memory match beside them


def draft(
    document: Annotated[
        Path,
        typer.Argument(help=f"Chinese document: {DOCUMENT_HELP}.", metavar="DOCUMENT"),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Project file to write (bitext-project/1 JSON).")
    ],
    model: ModelOpt = DEFAULT_MODEL_ID,
    engine: EngineOpt = EngineChoice.AUTO,
    compute_type: ComputeTypeOpt = ComputeType.AUTO,
    beam: BeamOpt = 4,
    batch_size: BatchOpt = 16,
    max_length: MaxLenOpt = 512,
    threads: ThreadsOpt = None,
    device: DeviceOpt = Device.AUTO,
    no_cache: NoCacheOpt = False,
    tm: TmOpt = None,
    tm_threshold: TmThresholdOpt = 75,
    as_json: SummaryJsonOpt = False,
    quiet: Quiet = False,
    overwrite: Overwrite = False,
    fmt: FormatOpt = None,
) -> None:
    """Segment DOCUMENT and draft every sentence; no alignment to a reference, no TMX."""
    from align.formats.project_json import write_project

    started = time.perf_counter()
    check_outputs({"-o": output}, [document, *(tm or [])])
    check_review_kept(output, overwrite)
    source = load_document(document, "zh", quiet, fmt)
    check_chinese(document, source.text)
    options = engine_options(
        model, engine, compute_type, beam, batch_size, max_length, threads, device, no_cache
    )
    memories = open_memories(tm, "en", quiet)
    translator = with_memories(make_translator(options), memories, tm_threshold, None)
    with progress_bars(quiet) as progress:
        project = build_project(source, translator, None, progress)
    write_project(output, project)
    flagged = sum(1 for d in project.drafts if d is not None and d.flags)
    summary = DraftSummary(
        segments=len(project.source.segments),
        drafts=sum(d is not None for d in project.drafts),
        flagged=flagged,
        engine=translator.engine,
        seconds=round(time.perf_counter() - started, 2),
        project=str(output),
        tm_exact=match_counts(project.drafts)[0],
        tm_fuzzy=match_counts(project.drafts)[1],
    )
    if as_json:
        typer.echo(json.dumps(asdict(summary)))
    memory = f"; {summary.tm_exact} from memory, {summary.tm_fuzzy} fuzzy matches" if tm else ""
    info(
        f"{summary.segments} segments, {summary.drafts} drafts ({flagged} flagged) with "
        f"{translator.engine} in {summary.seconds} s{memory} → {output}",
        quiet,
    )
