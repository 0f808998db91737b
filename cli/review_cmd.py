"""``bitext review``: check pairs one at a time (least certain first), or in batch for scripts."""

from __future__ import annotations

import getpass
import json
import os
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from align.errors import InputError
from align.model import BeadStatus, Project
from align.review.journal import Recorder, reviewing
from align.review.session import Action
from align.review.stats import bead_row, has_reference, pair_flags, queue
from cli.common import Quiet, info, load_project


class OrderChoice(StrEnum):
    SCORE = "score"
    DOC = "doc"


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


def reviewer_name(given: str | None) -> str:
    """Who signs the decisions: --reviewer, then $BITEXT_REVIEWER, then the login name."""
    if given:
        return given
    if os.environ.get("BITEXT_REVIEWER"):
        return os.environ["BITEXT_REVIEWER"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"


def parse_set(items: list[str], beads: int) -> list[tuple[int, Verdict]]:
    """``ID=accepted`` → (0-based index, verdict); IDs are the 1-based numbers --list shows."""
    out: list[tuple[int, Verdict]] = []
    for item in items:
        key, sep, value = item.partition("=")
        try:
            number, verdict = int(key), Verdict(value.strip().lower())
        except ValueError:
            raise typer.BadParameter(
                f"{item!r}: use ID=accepted or ID=rejected (ID as shown by --list)",
                param_hint="--set",
            ) from None
        if not sep or not 1 <= number <= beads:
            raise typer.BadParameter(
                f"{item!r}: no bead {key}; IDs run from 1 to {beads}", param_hint="--set"
            )
        earlier = next((v for i, v in out if i == number - 1), None)
        if earlier is not None and earlier != verdict:
            raise typer.BadParameter(
                f"bead {number} is set to both {earlier.value} and {verdict.value}; give one",
                param_hint="--set",
            )
        out.append((number - 1, verdict))
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def batch(
    recorder: Recorder, sets: list[str], accept_above: float | None, who: str
) -> dict[str, int]:
    """Apply --set and --accept-above; a bead whose exported pair is flagged is never accepted
    wholesale (flags on an MT draft that a human reference replaces do not count), nor one with
    an empty side: a sentence with no translation is a gap to look at, not a pair to approve
    (accepted, it counted as reviewed and went to XLIFF as a signed-off empty target)."""
    from align.formats.filters import empty_in

    done = {"set": 0, "accepted_above": 0, "flagged_skipped": 0, "empty_skipped": 0}
    for index, verdict in parse_set(sets, len(recorder.state.project.beads)):
        op = "accept" if verdict == Verdict.ACCEPTED else "reject"
        recorder.do(Action(op, bead=index, who=who, when=_now()))
        done["set"] += 1
    if accept_above is not None:
        for index, bead in enumerate(recorder.state.project.beads):
            if bead.status != BeadStatus.PENDING or bead.score < accept_above:
                continue
            if empty_in(recorder.state.project)(bead):
                done["empty_skipped"] += 1
                continue
            if pair_flags(recorder.state.project, bead):
                done["flagged_skipped"] += 1
                continue
            recorder.do(Action("accept", bead=index, who=who, when=_now()))
            done["accepted_above"] += 1
    return done


def print_list(project: Project, order: tuple[int, ...], as_json: bool) -> None:
    """One row per bead: its numbers, then both sides in full, one under the other.

    Side-by-side columns would halve the width each side gets and, as Chinese has no spaces to
    wrap at, end it with "…"; stacked and folded, every character shows from 60 columns up.
    """
    rows = [bead_row(project, i) for i in order]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = Table("id", "score", "status", "tm", "source / target", show_lines=True)
    table.columns[4].overflow = "fold"
    style = {"high": "green", "medium": "yellow", "low": "red"}
    for row in rows:
        source_style = "bold cyan" if row["source_corrected"] else "bold"
        pair = Text(row["source"] or "(nothing)", style=source_style)
        pair.append("\n" + (row["target"] or "(nothing)"), style="cyan" if row["edited"] else "")
        if row["flags"]:
            pair.append("\n" + ", ".join(row["flags"]), style="magenta")
        score = Text(f"{row['score']:.2f}", style=style[row["band"]])
        tm = "" if row["tm_percent"] is None else f"{row['tm_percent']}%"
        table.add_row(str(row["id"]), score, row["status"], tm, pair)
    Console(highlight=False).print(table)


def review(
    project: Annotated[
        Path, typer.Argument(help="The project file (NAME.bitext.json).", metavar="PROJECT")
    ],
    order: Annotated[
        OrderChoice | None,
        typer.Option(
            "--order",
            help="score: least certain first (default when aligned to a reference); "
            "doc: document order (default otherwise).",
        ),
    ] = None,
    status: Annotated[
        BeadStatus | None,
        typer.Option("--status", help="Only beads with this status, e.g. pending."),
    ] = None,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only beads with QA flags.")] = False,
    list_: Annotated[
        bool, typer.Option("--list", help="Print the queue and exit (no interaction).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the queue as JSON and exit (implies --list).")
    ] = False,
    accept_above: Annotated[
        float | None,
        typer.Option(
            "--accept-above",
            min=0.0,
            max=1.0,
            help="Accept every pending bead scoring at least this much whose pair is unflagged "
            "(flags on an MT draft a reference replaces do not count), then exit.",
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="ID=accepted or ID=rejected (ID as shown by --list); repeatable; then exit.",
        ),
    ] = None,
    reviewer: Annotated[
        str | None,
        typer.Option("--reviewer", help="Name recorded with each decision (default: login)."),
    ] = None,
    single_key: Annotated[
        bool,
        typer.Option(
            "--single-key",
            "-k",
            help="Act on a key press, no Enter (e, S, c, s, j still prompt for their argument).",
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Review pairs one at a time, least certain first; every decision is saved at once.

    In the session type a command and Enter: a accept, r reject, e edit (starts from the
    current text), E edit in $EDITOR, es correct the source, t take the memory match,
    m+/m- merge with next/previous, s split, >s <s >t <t move a sentence to a neighbour,
    c comment, u undo, n/p/j N move around, q quit, ? help.
    """
    who = reviewer_name(reviewer)
    list_ = list_ or as_json
    changes = bool(set_) or accept_above is not None
    interactive = not (list_ or changes)
    if interactive and single_key and not sys.stdin.isatty():
        raise InputError("-k reads single key presses from a terminal; drop -k to read lines")
    if list_ and not changes:  # reading only: no lock, so a read-only folder or a live
        current = load_project(project)  # session elsewhere does not stop it
        print_list(current, _queue(current, order, status, flagged), as_json)
        return
    with reviewing(project) as (recorder, notices):
        for notice in notices:
            info(notice, quiet)
        if changes:
            info(
                _batch_summary(batch(recorder, set_ or [], accept_above, who), accept_above), quiet
            )
        current = recorder.state.project
        picked = _queue(current, order, status, flagged)
        if list_:
            print_list(current, picked, as_json)
        if not interactive:
            return
        if not picked:
            info("nothing to review with these filters", quiet)
            return
        _interactive(recorder, picked, who, single_key)
        info(_farewell(recorder.state.project), quiet)


def _queue(
    project: Project, order: OrderChoice | None, status: BeadStatus | None, flagged: bool
) -> tuple[int, ...]:
    chosen = order or (OrderChoice.SCORE if has_reference(project) else OrderChoice.DOC)
    return queue(project, chosen.value, status, flagged)


def _batch_summary(done: dict[str, int], accept_above: float | None) -> str:
    parts = [f"set {done['set']}"]
    if accept_above is not None:
        parts.append(f"accepted {done['accepted_above']} scoring {accept_above} or more")
        parts.append(f"left {done['flagged_skipped']} flagged ones for review")
        if done["empty_skipped"]:
            parts.append(f"and {done['empty_skipped']} with an empty side (no translation)")
    return ", ".join(parts)


def _interactive(recorder: Recorder, picked: tuple[int, ...], who: str, single_key: bool) -> None:
    import click

    from align.review.session import start
    from cli.review_ui import Loop

    console = Console(highlight=False)
    recorder.state = start(recorder.state.project, picked).first_pending()
    how = "press" if single_key else "type"
    console.print(f"bitext review: {how} ? for help, q to quit (decisions are saved as you go)")

    def edit_text(text: str) -> str | None:
        try:
            edited = click.edit(text + "\n")
        except click.ClickException as exc:  # no editor, or it failed: the session goes on
            console.print(f"! {exc.format_message()}; set $EDITOR, or type e to edit here")
            return None
        return None if edited is None else edited.strip()

    read_key = click.getchar if single_key else None
    terminal = sys.stdin.isatty() and sys.stdout.isatty()  # else piped: plain lines, no prefill
    edit_line = prefilled_line if terminal else None
    Loop(console, recorder, who, console.input, edit_text, read_key, edit_line).run()


def prefilled_line(prompt: str, current: str) -> str:
    """A line editor holding the current text, so fixing one word is not retyping a sentence.

    Ctrl-C or Ctrl-D give up the edit (an empty answer cancels), not the whole session.
    """
    from prompt_toolkit import prompt as edit_prompt

    try:
        return edit_prompt(prompt, default=current)
    except (KeyboardInterrupt, EOFError):
        return ""


def _farewell(project: Project) -> str:
    pending = sum(1 for b in project.beads if b.status == BeadStatus.PENDING)
    return f"saved; {pending} of {len(project.beads)} beads still pending"
