"""``bitext export``: a project as TMX, project JSON, JSONL, TSV or XLIFF, filtered by review."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from align.errors import InputError
from align.formats.filters import OriginFilter, StatusFilter
from cli.common import Quiet, check_outputs, err_console, info, load_project
from cli.options import SummaryJsonOpt, lang_tag


class ExportFormat(StrEnum):
    TMX = "tmx"
    JSON = "json"
    JSONL = "jsonl"
    TSV = "tsv"
    XLIFF = "xliff"


SUFFIXES = {
    ".tmx": ExportFormat.TMX,
    ".json": ExportFormat.JSON,
    ".jsonl": ExportFormat.JSONL,
    ".tsv": ExportFormat.TSV,
    ".xlf": ExportFormat.XLIFF,
    ".xliff": ExportFormat.XLIFF,
}


def format_for(path: Path, given: ExportFormat | None, option: str = "--to") -> ExportFormat:
    """The format asked for, else the one the file name implies (``x.tmx`` → tmx)."""
    if given is not None:
        return given
    found = SUFFIXES.get(path.suffix.lower())
    if found is None:
        names = ", ".join(f.value for f in ExportFormat)
        raise InputError(f"{path}: cannot tell the format from its extension; add {option} {names}")
    return found


def print_warnings(warnings: Sequence[str]) -> None:
    """Warnings always show (even with --quiet): they say the output differs from the input."""
    from align.formats.units import summarise_warnings

    for line in summarise_warnings(warnings):
        err_console.print(f"bitext: warning: {line}", markup=False)


@dataclass(frozen=True)
class ExportSummary:
    """What ``--json`` prints."""

    format: str
    output: str
    units: int  # units written (beads the filter kept)
    beads: int
    warnings: int
    left_out: dict[str, int]  # beads not written, by reason (see align.formats.filters.LeftOut)


def export(
    project: Annotated[
        Path, typer.Argument(help="Project file written by bitext (NAME.bitext.json).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    to: Annotated[
        ExportFormat | None,
        typer.Option("--to", help="Output format (default: from the -o file's extension)."),
    ] = None,
    src_lang: Annotated[
        str | None,
        typer.Option(
            "--src-lang",
            callback=lang_tag,
            help="Source language tag to write, e.g. zh-CN (default: the "
            "project's; bare zh becomes zh-CN).",
        ),
    ] = None,
    tgt_lang: Annotated[
        str | None,
        typer.Option(
            "--tgt-lang",
            callback=lang_tag,
            help="Target language tag to write, e.g. en-US (default: the project's).",
        ),
    ] = None,
    status: Annotated[
        StatusFilter,
        typer.Option(
            "--status",
            help="Beads to export: accepted, edited, reviewed (accepted or "
            "edited) or all; rejected beads are never exported.",
        ),
    ] = StatusFilter.ALL,
    min_score: Annotated[
        float,
        typer.Option("--min-score", min=0.0, max=1.0, help="Lowest alignment score kept, 0 to 1."),
    ] = 0.0,
    origin: Annotated[
        OriginFilter,
        typer.Option(
            "--origin",
            help="mt (raw machine drafts), human (reference, edited or TM targets) or all.",
        ),
    ] = OriginFilter.ALL,
    skip_empty: Annotated[
        bool,
        typer.Option(
            "--skip-empty",
            help="Leave out beads with an empty side (1:0 and 0:1); a TMX never has them.",
        ),
    ] = False,
    include_mt: Annotated[
        bool | None,
        typer.Option(
            "--include-mt/--no-include-mt",
            help="Also export unreviewed MT drafts (marked x-origin mt, x-status pending). "
            "Default: left out, except in XLIFF, which marks them as needing review.",
            show_default=False,
        ),
    ] = None,
    as_json: SummaryJsonOpt = False,
    quiet: Quiet = False,
) -> None:
    """Write a project as a translation memory (TMX), JSON, JSONL, TSV or XLIFF 1.2.

    By default only what a human wrote or approved: unreviewed MT drafts are left out (and
    counted) unless --include-mt; XLIFF, the post-editing file, keeps them, marked for review.
    """
    from align.formats.exporters import export_project
    from align.formats.filters import BeadFilter

    fmt = format_for(output, to)
    check_outputs({"-o": output}, [project])
    loaded = load_project(project)  # with the journal of a review not yet folded in
    flt = BeadFilter(status, min_score, origin, skip_empty, include_mt)
    report = export_project(fmt.value, output, loaded, flt, src_lang=src_lang, tgt_lang=tgt_lang)
    print_warnings(report.warnings)
    summary = ExportSummary(
        format=fmt.value,
        output=str(output),
        units=report.count,
        beads=len(loaded.beads),
        warnings=len(report.warnings),
        left_out=asdict(report.left_out),
    )
    if as_json:
        typer.echo(json.dumps(asdict(summary)))
    left = report.left_out.phrases()
    hint = "; --include-mt adds them" if report.left_out.unreviewed_mt else ""
    tail = f"; left out: {', '.join(left)}{hint}" if left else ""
    info(f"{report.count} of {len(loaded.beads)} beads → {output} ({fmt.value}){tail}", quiet)
