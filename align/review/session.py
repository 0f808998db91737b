"""A review session as a pure state machine: ``apply(state, action) -> state``.

The state is the project plus the reviewer's queue and cursor and an undo stack. Because
``apply`` is deterministic, the journal only has to store the actions: replaying them on the
project they started from rebuilds exactly the state the reviewer left, undos included.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from align.errors import InputError
from align.model import BeadStatus, Project
from align.review import ops

OP_NAMES = (
    "accept",
    "reject",
    "edit",
    "edit-source",
    "comment",
    "merge",
    "split",
    "move",
    "undo",
    "take",
)
DECISIONS = ("accept", "reject", "edit")  # verdicts move the cursor on to the next bead
_VERDICTS = {"accept": BeadStatus.ACCEPTED, "reject": BeadStatus.REJECTED}


@dataclass(frozen=True)
class Action:
    """One journaled decision; ``bead`` is the 0-based index into ``project.beads``."""

    op: str  # one of OP_NAMES
    bead: int = -1
    text: str = ""
    direction: int = 0
    side: ops.SideName = "source"
    source_at: int = 0
    target_at: int = 0
    who: str = ""
    when: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            k: v for k, v in asdict(self).items() if v != Action.__dataclass_fields__[k].default
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Action:
        fields = Action.__dataclass_fields__
        return Action(**{k: v for k, v in data.items() if k in fields})


@dataclass(frozen=True)
class Snapshot:
    project: Project
    queue: tuple[int, ...]
    cursor: int


@dataclass(frozen=True)
class ReviewState:
    project: Project
    queue: tuple[int, ...]  # bead indexes in review order
    cursor: int = 0  # position in ``queue``
    undo: tuple[Snapshot, ...] = ()

    @property
    def current(self) -> int:
        """Index of the bead under the cursor."""
        return self.queue[self.cursor]

    def goto(self, position: int) -> ReviewState:
        if not 0 <= position < len(self.queue):
            raise InputError(f"no position {position + 1}; the queue has {len(self.queue)} beads")
        return replace(self, cursor=position)

    def first_pending(self) -> ReviewState:
        """Where a resumed session starts: the first bead in the queue nobody has decided yet."""
        for pos, i in enumerate(self.queue):
            if self.project.beads[i].status == BeadStatus.PENDING:
                return replace(self, cursor=pos)
        return self


def remap(
    queue: tuple[int, ...], pos: int, removed: int, inserted: int, anchor: int | None = None
) -> tuple[int, ...]:
    """Follow a splice of ``beads[pos:pos+removed]`` → ``inserted`` new beads through the queue.

    The new beads take the queue place of ``anchor`` (the bead the reviewer acted on), or of
    the first replaced bead that was queued, so a merged or split bead stays where the
    reviewer is looking; the other replaced beads leave the queue.
    """
    if anchor is None or anchor not in queue or not pos <= anchor < pos + removed:
        anchor = next((i for i in queue if pos <= i < pos + removed), None)
    out: list[int] = []
    for i in queue:
        if i < pos:
            out.append(i)
        elif i == anchor:
            out.extend(range(pos, pos + inserted))
        elif i >= pos + removed:
            out.append(i + inserted - removed)
    return tuple(out)


def _with_queue(
    state: ReviewState, project: Project, pos: int, removed: int, focus: int
) -> ReviewState:
    """Install ``project`` after a splice and put the cursor on new bead index ``focus``."""
    inserted = len(project.beads) - len(state.project.beads) + removed
    anchor = state.queue[state.cursor] if state.queue else None
    new_queue = remap(state.queue, pos, removed, inserted, anchor)
    if focus in new_queue:
        cursor = new_queue.index(focus)
    else:
        cursor = min(state.cursor, len(new_queue) - 1)
    return replace(state, project=project, queue=new_queue, cursor=max(cursor, 0))


def _structural(state: ReviewState, action: Action) -> ReviewState:
    p, i, who, when = state.project, action.bead, action.who, action.when
    if action.op == "merge":
        new = ops.merge(p, i, action.direction, who=who, when=when)
        lo = min(i, i + action.direction)
        return _with_queue(state, new, lo, 2, lo)
    if action.op == "split":
        new = ops.split(p, i, action.source_at, action.target_at, who=who, when=when)
        return _with_queue(state, new, i, 1, i)
    new = ops.move(p, i, action.side, action.direction, who=who, when=when)
    lo = min(i, i + action.direction)
    gone = len(new.beads) < len(p.beads)
    focus = i if not gone else lo  # the bead that emptied is gone; stay on the survivor
    return _with_queue(state, new, lo, 2, focus)


def apply(state: ReviewState, action: Action) -> ReviewState:
    """Apply one action; undo restores the state before the last non-undo action."""
    if action.op == "undo":
        if not state.undo:
            raise InputError("nothing to undo")
        last = state.undo[-1]
        return ReviewState(last.project, last.queue, last.cursor, state.undo[:-1])
    snapshot = Snapshot(state.project, state.queue, state.cursor)
    p, i, who, when = state.project, action.bead, action.who, action.when
    if action.op in ("merge", "split", "move"):
        new_state = _structural(state, action)
    elif action.op == "comment":
        new_state = replace(state, project=ops.comment(p, i, action.text, who=who, when=when))
    elif action.op == "edit":
        new_state = replace(state, project=ops.edit(p, i, action.text, who=who, when=when))
    elif action.op == "edit-source":  # no verdict: the cursor stays for one
        new_state = replace(state, project=ops.edit_source(p, i, action.text, who=who, when=when))
    elif action.op == "take":  # a memory match replaces the draft; the reviewer stays on it
        new_state = replace(state, project=ops.take_match(p, i, action.text, who=who, when=when))
    elif action.op in _VERDICTS:
        status = _VERDICTS[action.op]
        new_state = replace(state, project=ops.set_status(p, i, status, who=who, when=when))
    else:
        raise InputError(f"unknown review action {action.op!r}")
    if action.op in DECISIONS and new_state.cursor + 1 < len(new_state.queue):
        new_state = replace(new_state, cursor=new_state.cursor + 1)
    return replace(new_state, undo=(*state.undo, snapshot))


def start(project: Project, queue: tuple[int, ...]) -> ReviewState:
    return ReviewState(project, queue)


def replay(state: ReviewState, actions: list[Action]) -> ReviewState:
    for action in actions:
        state = apply(state, action)
    return state
