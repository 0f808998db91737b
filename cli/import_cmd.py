"""``bitext import``: an existing memory (TMX, or XLIFF/JSONL/TSV) as a bitext project."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import typer

from align.errors import InputError
from align.formats.units import same_language
from align.model import Project
from cli.common import Overwrite, Quiet, check_outputs, check_review_kept, info
from cli.export_cmd import ExportFormat, format_for, print_warnings
from cli.options import SummaryJsonOpt, lang_tag


@dataclass(frozen=True)
class ImportSummary:
    """What ``--json`` prints."""

    units: int
    src_lang: str
    tgt_lang: str
    project: str


def _importable(value: ExportFormat | None) -> ExportFormat | None:
    """``--from json`` is a usage error: a bitext project needs no import."""
    if value is ExportFormat.JSON:
        raise typer.BadParameter("a .json bitext project needs no import; for JSON lines use jsonl")
    return value


def import_file(
    file: Annotated[
        Path, typer.Argument(help="TMX file to import (also .xlf/.xliff, .jsonl, .tsv).")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Project file to write (default: NAME.bitext.json)."),
    ] = None,
    from_: Annotated[
        ExportFormat | None,
        typer.Option(
            "--from",
            callback=_importable,
            help="Input format: tmx, xliff, jsonl or tsv (default: from the file's extension).",
        ),
    ] = None,
    src_lang: Annotated[
        str | None,
        typer.Option(
            "--src-lang",
            callback=lang_tag,
            help="TMX source language (default: the header's srclang).",
        ),
    ] = None,
    tgt_lang: Annotated[
        str | None,
        typer.Option(
            "--tgt-lang",
            callback=lang_tag,
            help="TMX target language (default: the first other one).",
        ),
    ] = None,
    as_json: SummaryJsonOpt = False,
    quiet: Quiet = False,
    overwrite: Overwrite = False,
) -> None:
    """Turn a translation memory into a bitext project (one bead per unit) for review or export."""
    from align.formats.exporters import import_file as read_any
    from align.formats.project_json import write_project

    fmt = format_for(file, from_, "--from")
    if fmt is ExportFormat.JSON:
        raise InputError(
            f"{file}: .json is read as a bitext project, which needs no import; "
            "for JSON lines name it .jsonl or add --from jsonl"
        )
    out = output or Path(file.name.rsplit(".", 1)[0] + ".bitext.json")
    check_outputs({"-o": out}, [file])
    check_review_kept(out, overwrite)
    warnings: list[str] = []
    project = read_any(fmt.value, file, warnings, src_lang=src_lang, tgt_lang=tgt_lang)
    check_imported(file, project)
    write_project(out, project)
    print_warnings(warnings)
    summary = ImportSummary(
        units=len(project.beads),
        src_lang=project.source.lang,
        tgt_lang=project.target.lang,
        project=str(out),
    )
    if as_json:
        typer.echo(json.dumps(asdict(summary)))
    info(
        f"{len(project.beads)} units ({project.source.lang} → {project.target.lang}) → {out}",
        quiet,
    )


def check_imported(file: Path, project: Project) -> None:
    """An import that found nothing usable must say so, not write an empty project."""
    src, tgt = project.source.lang, project.target.lang
    if not project.beads:
        raise InputError(
            f"{file}: no translation units ({src} → {tgt}) found; check the file's contents "
            "and languages (--src-lang, --tgt-lang)"
        )
    if same_language(src, tgt):
        raise InputError(
            f"{file}: source and target are both {src}/{tgt}; give --src-lang and --tgt-lang"
        )
