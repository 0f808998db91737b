"""``bitext status``: how far the review of a project has got."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from align.review.stats import summarize
from cli.common import load_project


def status(
    project: Annotated[
        Path, typer.Argument(help="The project file (NAME.bitext.json).", metavar="PROJECT")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Counts by status, % reviewed, mean post-edit distance and flagged pairs left."""
    summary = summarize(load_project(project))  # includes a review still in progress
    if as_json:
        typer.echo(json.dumps(summary.as_dict()))
        return
    table = Table(title=str(project), show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    for name, count in summary.by_status.items():
        table.add_row(name, str(count))
    table.add_row("reviewed", f"{summary.reviewed}/{summary.beads} ({summary.percent_reviewed}%)")
    mean = summary.mean_post_edit_distance
    table.add_row(
        "mean post-edit distance",
        "–" if mean is None else f"{mean:.3f} over {summary.edited} edited",
    )
    table.add_row("flagged pairs left", str(summary.flagged_left))
    Console(highlight=False).print(table)
