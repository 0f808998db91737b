"""What every command shares: the stderr console, progress bars and one-line errors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import regex
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

from align.errors import InputError

if TYPE_CHECKING:
    from align.model import Project
    from align.semantic import SentenceEncoder

err_console = Console(stderr=True, highlight=False, soft_wrap=True)

Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bars or summary on stderr.")
]
Overwrite = Annotated[
    bool,
    typer.Option(
        "--overwrite", help="Replace an output project even if it holds review decisions."
    ),
]
Semantic = Annotated[
    bool | None,
    typer.Option(
        "--semantic/--no-semantic",
        help="Compare meanings with a multilingual sentence encoder (multilingual-e5-small, "
        "offline; on by default when installed). Cross-validated MAC-Dev exact F1 0.917 -> "
        "0.925 with drafts, 0.898 -> 0.902 without; encodes ~200 sentence groups/s on 2 cores, "
        "about 2 per sentence (a 40k x 31k-sentence book: ~7 minutes).",
        show_default=False,
    ),
]


def sentence_encoder(
    wanted: bool | None, cache: bool = True, quiet: bool = False
) -> SentenceEncoder | None:
    """Load the encoder up front, so a missing one is reported before any slow work.

    ``wanted`` None (no flag): on if the encoder is installed, else a one-line note. Its
    vectors go to bitext's cache (``vectors.sqlite3``): a re-run encodes nothing again and an
    interrupted one resumes.
    """
    from models.sentence_encoder import encoder_installed, load_encoder

    if wanted is False:
        return None
    if wanted is None and not encoder_installed():
        from models.fast_encoder import INSTALL

        info(f"bitext: meaning is off: the sentence encoder is not installed ({INSTALL})", quiet)
        return None
    from models.fast_encoder import needs_conversion

    if needs_conversion():
        info("converting the sentence encoder for CTranslate2 (once, a few seconds) …", quiet)
    encoder = load_encoder()
    if not cache:
        return encoder
    from align.cachedir import cache_root
    from models.vector_cache import CachedEncoder

    return CachedEncoder(encoder, cache_root() / "vectors.sqlite3")


class _SpeedColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        unit = task.fields.get("unit", "sent")
        return Text("" if speed is None else f"{speed:.1f} {unit}/s", style="dim")


_HAN = regex.compile(r"\p{Han}")
_LETTER = regex.compile(r"\p{L}")


def check_outputs(outputs: dict[str, Path | None], inputs: list[Path | None]) -> None:
    """Before any work: every output is a writable kind of path and replaces no input."""
    from align.textio import output_target, refuse_overwriting_inputs

    refuse_overwriting_inputs(outputs, inputs)
    for path in outputs.values():
        if path is not None:
            output_target(path)


def load_project(path: Path) -> Project:
    """A project as the reviewer last left it (journal replayed), for every reading command.

    Under a live review the decisions saved so far are read, and one line on stderr says so
    (even with --quiet: it tells what the output is made of).
    """
    from align.review.journal import read_current

    current = read_current(path)
    if current.open_by is not None:
        err_console.print(
            f"bitext: note: {path} is open in bitext review (pid {current.open_by}); "
            "reading the decisions saved so far",
            markup=False,
        )
    return current.project


def check_review_kept(project: Path | None, overwrite: bool) -> None:
    """An output project holding review work is replaced only on request, never mid-review.

    Re-running a command onto last week's reviewed project would otherwise wipe the decisions
    without a word; a review open in another terminal would later overwrite the new file.
    """
    if project is None or not project.is_file():
        return
    from align.errors import BitextError
    from align.model import BeadStatus
    from align.review.journal import ProjectLock, read_current

    lock = ProjectLock(project)
    lock.acquire()  # one line naming the pid when a review has it open
    lock.release()
    if overwrite:
        return
    try:
        beads = read_current(project).project.beads
    except BitextError:
        return  # not a readable project: nothing reviewed to lose
    untouched = (None, None)  # no edited target, no corrected source
    worked = sum(
        b.status is not BeadStatus.PENDING or (b.text, b.source_text) != untouched or bool(b.note)
        for b in beads
    )
    if worked:
        # not "reviewed": `status` counts only verdicts, and a corrected source or a comment is
        # none, yet it is work the rerun would wipe
        raise InputError(
            f"{project}: holds review work on {worked} bead(s) (verdicts, edits, corrected "
            "sources or comments); write elsewhere, or add --overwrite to replace it"
        )


def check_chinese(path: Path, text: str) -> None:
    if not _HAN.search(text):
        raise InputError(
            f"{path}: no Chinese characters found; give the Chinese text (the English goes second)"
        )


def looks_chinese(text: str) -> bool:
    """Han characters are over 30% of the letters: a Chinese text, even one quoting English."""
    letters = len(_LETTER.findall(text))
    return bool(letters) and len(_HAN.findall(text)) > 0.3 * letters


def check_english(path: Path, text: str) -> None:
    if looks_chinese(text):
        raise InputError(
            f"{path}: this looks like Chinese, not English; give the English translation"
        )


# English characters (spaces not counted) per Chinese one in a translation: 2.9–4.3 in MAC-Dev's
# six literary chapters, about 3 in official texts. Three times that or a third of it, one file
# is incomplete or holds more than the other (a book against one chapter): most beads are forced.
TYPICAL_EN_PER_ZH = 3.0
SIZE_FACTOR = 3.0
SIZE_CHECK_MIN = 300  # characters on the two sides together: a title or a line may be anything


def warn_if_sizes_differ(zh: Path, zh_text: str, en: Path, en_text: str) -> None:
    """A warning (even with --quiet), not an error: an abridged translation is still aligned."""
    from align.similarity import char_length  # the aligner's own measure; loads numpy

    zh_chars, en_chars = char_length(zh_text), char_length(en_text)
    if zh_chars + en_chars < SIZE_CHECK_MIN or not zh_chars or not en_chars:
        return
    ratio = en_chars / zh_chars / TYPICAL_EN_PER_ZH
    if 1 / SIZE_FACTOR < ratio < SIZE_FACTOR:
        return
    if ratio > 1:
        what = f"{en.name} is about {ratio:.0f}x longer than a translation of {zh.name} would be"
    else:
        what = f"{zh.name} is about {1 / ratio:.0f}x longer than the original of {en.name} would be"
    err_console.print(
        f"bitext: warning: {what}; check that both files are complete and hold the same text",
        markup=False,
    )


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
            unit = {"groups": "groups", "documents": "docs"}.get(stage.split()[-1], "sent")
            task = bars.add_task(stage, total=total, unit=unit)
            return lambda n: bars.advance(task, n)

        yield start
