"""What every command shares: the stderr console, progress bars and one-line errors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

err_console = Console(stderr=True, highlight=False, soft_wrap=True)

Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bars or summary on stderr.")
]


class _SpeedColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f} sent/s", style="dim")


def info(message: str, quiet: bool = False) -> None:
    if not quiet:
        err_console.print(message, markup=False)


@contextlib.contextmanager
def progress_bars(quiet: bool) -> Iterator[Callable[[str, int], Callable[[int], None] | None]]:
    """Yield ``start(stage, total) -> tick(n)``; ticks draw a rich bar on stderr unless quiet."""
    if quiet:
        yield lambda stage, total: None
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _SpeedColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as bars:

        def start(stage: str, total: int) -> Callable[[int], None]:
            task = bars.add_task(stage, total=total)
            return lambda n: bars.advance(task, n)

        yield start
