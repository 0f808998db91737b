"""``bitext report``: a static HTML page to look at a project's alignment and review at a glance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from align.review.report import write_report
from cli.common import Quiet, check_outputs, info, load_project


def report(
    project: Annotated[
        Path, typer.Argument(help="The project file (NAME.bitext.json).", metavar="PROJECT")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="HTML file to write (default: PROJECT.report.html)."),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Write a self-contained HTML report: side-by-side table and the alignment path."""
    target = out or project.with_name(project.name.removesuffix(".json") + ".report.html")
    check_outputs({"-o": target}, [project])
    current = load_project(project)
    write_report(target, current, title=f"Review report: {project.name}")
    info(f"{len(current.beads)} beads → {target}", quiet)
