"""``bitext qa``: flag wrong numbers, dates, references, titles and terms in a project."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from align.qa.flags import Flag
from align.qa.glossary import Glossary
from cli.common import Quiet, info, load_project

if TYPE_CHECKING:
    from align.model import Project
    from align.qa.project import BeadReport, QaSummary

GlossaryOpt = Annotated[
    Path | None,
    typer.Option(
        "--glossary",
        "-g",
        help="Glossary to enforce: TSV (zh<TAB>en[|alt…][<TAB>forbidden;…][<TAB>note]) or "
        "TBX-Basic (.tbx).",
    ),
]


def load_terms(path: Path | None) -> Glossary | None:
    """Read the glossary early, so a bad path fails before any slow work starts."""
    if path is None:
        return None
    from align.qa.glossary import load_glossary

    return load_glossary(path)


def _flag_json(index: int, side: str, flag: Flag) -> dict[str, Any]:
    return {
        "bead": index,
        "side": side,
        "check": flag.check,
        "severity": flag.severity.value,
        "message": flag.message,
        "source_span": flag.source_span,
        "target_span": flag.target_span,
    }


def qa(
    project_path: Annotated[
        Path, typer.Argument(help="A bitext project (NAME.bitext.json).", metavar="PROJECT")
    ],
    glossary: GlossaryOpt = None,
    write: Annotated[
        bool,
        typer.Option("--write", help="Store the flags in the project (bead flags, TMX x-qa)."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every flag and the summary as JSON on stdout.")
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Check every bead's English (and MT draft) for numbers, dates, references, titles,
    glossary terms, untranslated Chinese, empty targets, MT loops and odd lengths."""
    from align.formats.project_json import write_project
    from align.qa.project import apply_reports, qa_beads, summarize
    from align.review.journal import reviewing

    terms = load_terms(glossary)
    if write:  # under the review lock, over the latest decisions: a live review keeps its own
        with reviewing(project_path) as (recorder, _):
            project = recorder.state.project
            reports = qa_beads(project, terms)
            write_project(project_path, apply_reports(project, reports))
    else:
        project = load_project(project_path)
        reports = qa_beads(project, terms)
    summary = summarize(reports, beads=len(project.beads))
    if as_json:
        flags = [_flag_json(r.index, r.side, f) for r in reports for f in r.flags]
        typer.echo(json.dumps({"summary": asdict(summary), "flags": flags}, ensure_ascii=False))
    else:
        _print_report(project, reports, summary)
    stored = f"; stored in {project_path}" if write else ""
    flagged = len(summary.flagged_beads)
    info(f"{summary.flags} flags on {flagged} of {len(project.beads)} beads{stored}", quiet)


def _print_report(project: Project, reports: list[BeadReport], summary: QaSummary) -> None:
    typer.echo("By check:")
    for check, count in summary.by_check.items() or [("(none)", 0)]:
        typer.echo(f"  {check:<13} {count:>4}")
    typer.echo("By bead:")
    for report in reports:
        if not report.flags:
            continue
        source = project.source_text(project.beads[report.index])
        typer.echo(f"  bead {report.index} [{report.side}] {source[:40]}")
        for flag in report.flags:
            typer.echo(f"    {flag.check}: {flag.severity.value}: {flag.message}")
