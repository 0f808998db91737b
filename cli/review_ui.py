"""The interactive review loop: show one bead, read one command line, record the decision.

Commands are short lines (``a``, ``e``, ``m+``...) read with ``Console.input``, which keeps the
loop scriptable and testable through a pseudo-terminal. Edits start from the current text
(prompt_toolkit's ``prompt(default=...)``) when a terminal is there to edit it in. Parsing is a
pure function; only ``run_loop`` talks to the terminal, and every decision goes through the
Recorder's journal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from align.errors import InputError
from align.model import Bead, BeadStatus, Project
from align.review.journal import Recorder
from align.review.ops import SideName
from align.review.session import Action
from align.review.stats import band, bead_match, draft_text, flags, has_reference
from align.tm import TM_ENGINE
from cli.review_match import match_rows

HELP = """\
Commands (type one, then Enter; with --single-key just press the keys):
  a          accept this pair              r        reject this pair
  e [TEXT]   edit the target (without TEXT: change the current text; empty cancels)
  E          edit the target in $EDITOR (for long text)
  es [TEXT]  correct the source (a typo, a bad sentence cut); with --single-key: S
  m+  m-     merge with the next / previous bead
  s [S T]    split: the first part keeps S source and T target sentences
  >s  <s     move the last source sentence to the next bead /
             the first source sentence to the previous bead
  >t  <t     the same for target sentences
  c [TEXT]   comment (empty clears the note)
  t          take the memory (TM) match instead of the draft
  u          undo the last change
  n, Enter   next        p  previous        j N  jump to position N
  q          quit (every decision is already saved)       ?  this help"""

BAND_STYLE = {"high": "green", "medium": "yellow", "low": "red"}
STATUS_STYLE = {"pending": "dim", "accepted": "green", "rejected": "red", "edited": "cyan"}


@dataclass(frozen=True)
class Command:
    name: str  # an Action op, or nav: next, prev, jump, quit, help, editor
    arg: str = ""
    numbers: tuple[int, ...] = ()
    direction: int = 0
    side: SideName = "source"


_SIMPLE = {
    "": Command("next"),
    "n": Command("next"),
    "p": Command("prev"),
    "a": Command("accept"),
    "r": Command("reject"),
    "u": Command("undo"),
    "t": Command("take"),
    "q": Command("quit"),
    "?": Command("help"),
    "h": Command("help"),
    "E": Command("editor"),
    "m+": Command("merge", direction=1),
    "m-": Command("merge", direction=-1),
    ">s": Command("move", direction=1, side="source"),
    "<s": Command("move", direction=-1, side="source"),
    ">t": Command("move", direction=1, side="target"),
    "<t": Command("move", direction=-1, side="target"),
}


_TEXT_COMMANDS = {"e": "edit", "es": "edit-source", "c": "comment"}  # + optional TEXT


def parse_command(line: str) -> Command:
    """Turn one typed line into a Command; raise InputError with a hint when it is not one."""
    line = line.strip()
    if line in _SIMPLE:
        return _SIMPLE[line]
    head, _, rest = line.partition(" ")
    rest = rest.strip()
    if head in _TEXT_COMMANDS:
        return Command(_TEXT_COMMANDS[head], arg=rest)
    if head in ("j", "s"):
        try:
            numbers = tuple(int(x) for x in rest.split())
        except ValueError:
            numbers = (-1, -1, -1)
        if head == "j" and len(numbers) == 1:
            return Command("jump", numbers=numbers)
        if head == "s" and len(numbers) in (0, 2):
            return Command("split", numbers=numbers)
        usage = "j N (a queue position)" if head == "j" else "s S T (two sentence counts)"
        raise InputError(f"usage: {usage}")
    raise InputError(f"unknown command {line!r}; type ? for help")


def render(console: Console, project: Project, bead_index: int, position: str) -> None:
    """One bead as a panel coloured by confidence; sentences numbered to help pick a split."""
    bead = project.beads[bead_index]
    level = band(bead.score)
    style = BAND_STYLE[level]
    title = Text.assemble(
        (f" {position} ", "bold"),
        f" bead #{bead_index + 1}  score ",
        (f"{bead.score:.2f} ({level})", f"bold {style}"),
        "  ",
        (bead.status.value, STATUS_STYLE[bead.status.value]),
        f"  {bead.origin.value} ",
    )
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # Chinese has no spaces to wrap at: fold, never cut
    grid.add_row(f"source {project.source.lang}", _numbered(project, bead, "source"))
    if bead.source_text is not None:
        grid.add_row("corrected", Text(bead.source_text, style="cyan"))
    reference = has_reference(project)
    drafted = draft_label(project, bead)
    if reference:
        grid.add_row(drafted, Text(draft_text(project, bead)))
    label = "reference" if reference else drafted
    grid.add_row(label, _numbered(project, bead, "target"))
    for label_cell, content in match_rows(project, bead):  # a memory match, under the draft
        grid.add_row(label_cell, content)
    if bead.text is not None:
        grid.add_row("edited", Text(bead.text, style="cyan"))
    found = flags(project, bead)
    if found:
        grid.add_row("QA flags", Text(", ".join(found), style="bold magenta"))
    if bead.note:
        grid.add_row("note", Text(bead.note, style="italic"))
    console.print(Panel(grid, title=title, title_align="left", border_style=style))


def draft_label(project: Project, bead: Bead) -> str:
    """ "MT draft", unless a memory's exact match stood in for the model on every sentence of
    the bead (the model never saw them): a reviewer must not take human work for raw MT."""
    drafts = [project.drafts[i] if i < len(project.drafts) else None for i in bead.source]
    from_tm = bool(drafts) and all(d is not None and d.engine == TM_ENGINE for d in drafts)
    return "memory" if from_tm else "MT draft"


def _numbered(project: Project, bead: Bead, side: str) -> Text:
    ids = bead.source if side == "source" else bead.target
    segments = project.source.segments if side == "source" else project.target.segments
    if not ids:
        return Text("(nothing)", style="dim")
    if len(ids) == 1:
        return Text(segments[ids[0]].text)
    text = Text()
    for k, i in enumerate(ids, start=1):
        text.append(f"[{k}] ", style="dim")
        text.append(segments[i].text + ("\n" if k < len(ids) else ""))
    return text


ReadLine = Callable[[str], str]
ReadKey = Callable[[], str]
EditText = Callable[[str], str | None]
EditLine = Callable[[str, str], str]  # (prompt, current text) -> the line as changed

_FIRST_KEYS = set("arunpqhtE?\r\n")  # complete commands in one key
_KEY_LINES = {"S": "es"}  # single keys that stand for a longer command
_SECOND_KEYS = {"m": "+-", ">": "st", "<": "st"}  # a second key completes these


def read_keys(console: Console, read_key: ReadKey, read_line: ReadLine, prompt: str) -> str:
    """Single-keypress mode: build the same command line from keys, no Enter needed.

    Commands with an argument (e, c, s, j) fall back to a prompt for it, so the loop only
    ever sees line commands and both modes share ``parse_command``.
    """
    console.print(prompt, end="", markup=False, highlight=False)
    key = read_key()
    if key in _FIRST_KEYS:
        console.print(key.strip())
        return key.strip()
    if key in _SECOND_KEYS:
        console.print(key, end="")
        second = read_key()
        console.print(second)
        if second not in _SECOND_KEYS[key]:
            raise InputError(f"{key} needs one of {', '.join(_SECOND_KEYS[key])} next")
        return key + second
    console.print(key)
    if key in _KEY_LINES:
        return _KEY_LINES[key]
    if key == "j":
        return "j " + read_line("jump to position: ")
    if key in "ecs":
        return key
    raise InputError(f"unknown key {key!r}; press ? for help")


@dataclass
class Loop:
    """The loop's collaborators, so tests can swap the terminal and the editor."""

    console: Console
    recorder: Recorder
    who: str
    read_line: ReadLine
    edit_text: EditText
    read_key: ReadKey | None = None  # set: single-keypress mode
    edit_line: EditLine | None = None  # set: edits start from the current text (a terminal)

    def action(self, command: Command) -> Action | None:
        """The Action a command asks for, prompting for missing text; None when cancelled."""
        bead = self.recorder.state.current
        project = self.recorder.state.project
        when = datetime.now(UTC).isoformat(timespec="seconds")
        base = Action(command.name, bead=bead, who=self.who, when=when)
        if command.name in ("accept", "reject", "undo"):
            return base
        if command.name == "take":
            match = bead_match(project, project.beads[bead])
            if match is None:
                raise InputError("no memory match for this bead (run with --tm MEMORY)")
            return replace(base, text=match.target)
        if command.name in ("edit", "editor", "edit-source"):
            return self._edit(command, base, project.beads[bead], project)
        if command.name == "comment":
            text = command.arg or self.read_line("comment (empty = clear): ")
            return replace(base, text=text)
        if command.name in ("merge", "move"):
            return replace(base, direction=command.direction, side=command.side)
        numbers = command.numbers or self._ask_split(project.beads[bead])
        if len(numbers) != 2:
            return None
        return replace(base, source_at=numbers[0], target_at=numbers[1])

    def _edit(self, command: Command, base: Action, bead: Bead, project: Project) -> Action | None:
        """An edit Action, its text typed, changed from the current one, or from $EDITOR."""
        source = command.name == "edit-source"
        current = project.source_text(bead) if source else project.target_text(bead)
        if command.arg:
            text: str | None = command.arg
        elif command.name == "editor":
            text = self.edit_text(current)
        else:
            prompt = f"new {'source' if source else 'target'} (empty = cancel): "
            if self.edit_line is None:
                text = self.read_line(prompt)
            else:
                text = self.edit_line(prompt, current)
        if not text or not text.strip() or text.strip() == current.strip():
            return None
        return replace(base, op="edit-source" if source else "edit", text=text)

    def _ask_split(self, bead: Bead) -> tuple[int, ...]:
        line = self.read_line(
            f"first part keeps how many source (0-{len(bead.source)}) and target "
            f"(0-{len(bead.target)}) sentences? e.g. '1 1', empty = cancel: "
        )
        try:
            return tuple(int(x) for x in line.split())
        except ValueError:
            raise InputError("give two whole numbers, e.g. '1 1'") from None

    def step(self, line: str) -> bool:
        """Handle one typed line; False when the reviewer quits."""
        command = parse_command(line)
        state = self.recorder.state
        if command.name == "quit":
            return False
        if command.name == "help":
            self.console.print(HELP, markup=False, highlight=False)
        elif command.name in ("next", "prev"):
            step = 1 if command.name == "next" else -1
            target = state.cursor + step
            if not 0 <= target < len(state.queue):
                raise InputError("that is the end of the queue" if step > 0 else "already first")
            self.recorder.state = state.goto(target)
        elif command.name == "jump":
            self.recorder.state = state.goto(command.numbers[0] - 1)
        else:
            action = self.action(command)
            if action is None:
                self.console.print("cancelled", style="dim")
            else:
                self.recorder.do(action)
                self.console.print(f"saved: {action.op}", style="dim")
        return True

    def run(self) -> None:
        while True:
            state = self.recorder.state
            position = f"{state.cursor + 1}/{len(state.queue)}"
            render(self.console, state.project, state.current, position)
            prompt = f"review {position}> "
            try:
                if self.read_key is None:
                    line = self.read_line(prompt)
                else:
                    line = read_keys(self.console, self.read_key, self.read_line, prompt)
                if not self.step(line):
                    break
            except EOFError:
                break
            except InputError as exc:
                self.console.print(f"! {exc}", style="bold red", markup=False, highlight=False)


def pending_left(project: Project) -> int:
    return sum(1 for b in project.beads if b.status == BeadStatus.PENDING)
