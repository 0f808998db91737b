"""Review decisions as pure functions: each takes a Project and returns a new one.

Nothing here touches files or terminals, so the interactive loop, the batch options, the
journal replay and the property tests all share exactly the same semantics. Structural edits
(merge, split, move) only regroup segment ids between neighbouring beads, which is why every
source and target sentence stays in the project exactly once and in order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from align.errors import InputError
from align.model import Bead, BeadOrigin, BeadStatus, Edit, Project, join_texts

SideName = Literal["source", "target"]


def _bead(project: Project, index: int) -> Bead:
    if not 0 <= index < len(project.beads):
        raise InputError(f"no bead #{index + 1}; the project has {len(project.beads)} beads")
    return project.beads[index]


def _splice(project: Project, start: int, stop: int, new: tuple[Bead, ...]) -> Project:
    return replace(project, beads=project.beads[:start] + new + project.beads[stop:])


def _log(bead: Bead, edit: Edit) -> tuple[Edit, ...]:
    return (*bead.history, edit)


def set_status(
    project: Project, index: int, status: BeadStatus, *, who: str = "", when: str = ""
) -> Project:
    """Record a verdict; the history keeps the previous status so it can be audited."""
    bead = _bead(project, index)
    entry = Edit(status.value, who, when, before=bead.status.value, after=status.value)
    new = replace(bead, status=status, history=_log(bead, entry))
    return _splice(project, index, index + 1, (new,))


def accept(project: Project, index: int, *, who: str = "", when: str = "") -> Project:
    return set_status(project, index, BeadStatus.ACCEPTED, who=who, when=when)


def reject(project: Project, index: int, *, who: str = "", when: str = "") -> Project:
    return set_status(project, index, BeadStatus.REJECTED, who=who, when=when)


def edit(project: Project, index: int, text: str, *, who: str = "", when: str = "") -> Project:
    """Replace the target text; segments stay as they were so the original is never lost."""
    return _edit_side(project, index, "target", text, who, when)


def edit_source(
    project: Project, index: int, text: str, *, who: str = "", when: str = ""
) -> Project:
    """Correct the source text (a typo, a sentence cut in the wrong place) as a reviewer sees it.

    Like a target edit, the segments stay untouched and the history keeps before and after;
    the verdict is left as it was, since the pair still needs (or keeps) one.
    """
    return _edit_side(project, index, "source", text, who, when)


def _edit_side(
    project: Project, index: int, side: SideName, text: str, who: str, when: str
) -> Project:
    bead = _bead(project, index)
    text = text.strip()
    if not text:
        what = "edited text" if side == "target" else "corrected source"
        raise InputError(f"the {what} is empty; use reject to drop a pair")
    before = project.target_text(bead) if side == "target" else project.source_text(bead)
    if text == before:
        return project
    if side == "source":
        entry = Edit("edit-source", who, when, before=before, after=text)
        new = replace(bead, source_text=text, history=_log(bead, entry))
    else:
        entry = Edit("edit", who, when, before=before, after=text)
        new = replace(bead, text=text, history=_log(bead, entry), status=BeadStatus.EDITED)
        new = replace(new, origin=BeadOrigin.EDITED)
    new = replace(new, flags=_without_pair_flags(bead.flags))
    return _splice(project, index, index + 1, (new,))


def _without_pair_flags(flags: tuple[str, ...]) -> tuple[str, ...]:
    """The bead's flags less the QA findings on the pair (``check:target:...``): they were
    computed on a text the reviewer has just replaced ("date missing" on a match that has the
    date), and would otherwise follow the new text into the review panel, ``status`` and the
    TMX's ``x-qa``. ``bitext qa`` checks the new text."""
    from align.qa.flags import parse_code  # align.qa loads every check: only when editing

    kept = []
    for flag in flags:
        code = parse_code(flag)
        if code is None or code.side != "target":
            kept.append(flag)
    return tuple(kept)


def take_match(
    project: Project, index: int, text: str, *, who: str = "", when: str = ""
) -> Project:
    """Put a memory match's target in place of the draft: origin tm, like a reviewer's edit.

    The text is the match as offered (repaired where it was), carried by the action itself, so
    a journal replays the same decision even if the project's matches change later.
    """
    bead = _bead(project, index)
    text = text.strip()
    if not text:
        raise InputError("the memory match is empty; edit the target instead")
    before = project.target_text(bead)
    entry = Edit("take", who, when, before=before, after=text)
    new = replace(
        bead,
        text=text,
        origin=BeadOrigin.TM,
        status=BeadStatus.EDITED,
        flags=_without_pair_flags(bead.flags),
        history=_log(bead, entry),
    )
    return _splice(project, index, index + 1, (new,))


def comment(project: Project, index: int, text: str, *, who: str = "", when: str = "") -> Project:
    bead = _bead(project, index)
    entry = Edit("comment", who, when, before=bead.note, after=text.strip())
    new = replace(bead, note=text.strip(), history=_log(bead, entry))
    return _splice(project, index, index + 1, (new,))


def _neighbour(project: Project, index: int, direction: int) -> int:
    if direction not in (-1, 1):
        raise ValueError(f"direction must be +1 or -1, not {direction}")
    other = index + direction
    if not 0 <= other < len(project.beads):
        where = "next" if direction > 0 else "previous"
        raise InputError(f"bead #{index + 1} has no {where} bead")
    return other


def merge(
    project: Project, index: int, direction: int = 1, *, who: str = "", when: str = ""
) -> Project:
    """Join a bead with its next (+1) or previous (-1) neighbour into one n:m bead."""
    _bead(project, index)
    lo = min(index, _neighbour(project, index, direction))
    a, b = project.beads[lo], project.beads[lo + 1]
    text = None
    if a.text is not None or b.text is not None:
        parts = [t for t in (project.target_text(a), project.target_text(b)) if t]
        text = join_texts(parts, project.target.lang)
    source_text = None
    if a.source_text is not None or b.source_text is not None:
        parts = [t for t in (project.source_text(a), project.source_text(b)) if t]
        source_text = join_texts(parts, project.source.lang)
    origin = BeadOrigin.EDITED if text is not None else a.origin
    if text is None and a.origin != b.origin:
        origin = BeadOrigin.HUMAN
    merged = Bead(
        source=a.source + b.source,
        target=a.target + b.target,
        score=min(a.score, b.score),
        origin=origin,
        status=BeadStatus.PENDING,
        flags=tuple(dict.fromkeys(a.flags + b.flags)),
        note="; ".join(n for n in (a.note, b.note) if n),
        text=text,
        history=(*a.history, *b.history, Edit("merge", who, when)),
        source_text=source_text,
    )
    return _splice(project, lo, lo + 2, (merged,))


def split(
    project: Project,
    index: int,
    source_at: int,
    target_at: int,
    *,
    who: str = "",
    when: str = "",
) -> Project:
    """Cut a bead in two: the first part keeps ``source[:source_at]`` and ``target[:target_at]``.

    An edited target (or corrected source) cannot be cut (its text no longer maps onto
    sentences), but it may go whole to either part.
    """
    bead = _bead(project, index)
    ns, nt = len(bead.source), len(bead.target)
    if not (0 <= source_at <= ns and 0 <= target_at <= nt):
        raise InputError(
            f"split point out of range: source 0..{ns}, target 0..{nt} "
            f"(got {source_at}, {target_at})"
        )
    first_ids = (bead.source[:source_at], bead.target[:target_at])
    second_ids = (bead.source[source_at:], bead.target[target_at:])
    if not any(first_ids) or not any(second_ids):
        raise InputError("that split leaves one part empty; pick a point inside the bead")
    text_goes_first = _edit_goes_first(bead.text is not None, "target", target_at, nt)
    source_goes_first = _edit_goes_first(bead.source_text is not None, "source", source_at, ns)
    entry = Edit("split", who, when, after=f"source {source_at}, target {target_at}")
    base = replace(bead, status=BeadStatus.PENDING, text=None, history=(), note="")
    if base.origin == BeadOrigin.EDITED:
        plain = BeadOrigin.MT if project.target.path is None else BeadOrigin.HUMAN
        base = replace(base, origin=plain)
    keeper = replace(bead, status=BeadStatus.PENDING, history=_log(bead, entry))
    first = replace(keeper if text_goes_first else base, source=first_ids[0], target=first_ids[1])
    second = replace(
        base if text_goes_first else keeper, source=second_ids[0], target=second_ids[1]
    )
    if bead.source_text is not None:
        fixed = bead.source_text
        first = replace(first, source_text=fixed if source_goes_first else None)
        second = replace(second, source_text=None if source_goes_first else fixed)
    return _splice(project, index, index + 1, (first, second))


def _edit_goes_first(edited: bool, side: SideName, at: int, count: int) -> bool:
    """Where a side's edited text goes in a split: whole, to the part that keeps its sentences."""
    if not edited:
        return True
    if 0 < at < count:
        what = "target was edited" if side == "target" else "source was corrected"
        raise InputError(
            f"the {what}, so it cannot be cut; split at {side} 0 or {count}, or undo the edit first"
        )
    return not (at == 0 and count > 0)


def _with_side(bead: Bead, side: SideName, ids: tuple[int, ...]) -> Bead:
    if side == "source":
        return replace(bead, source=ids, status=BeadStatus.PENDING)
    return replace(bead, target=ids, status=BeadStatus.PENDING)


def move(
    project: Project,
    index: int,
    side: SideName,
    direction: int,
    *,
    who: str = "",
    when: str = "",
) -> Project:
    """Hand the boundary sentence of one side to the neighbour bead (+1: last → next).

    A bead left with no sentence on either side disappears, which keeps the bead list free of
    empty links without ever dropping a sentence.
    """
    bead = _bead(project, index)
    other_index = _neighbour(project, index, direction)
    other = project.beads[other_index]
    ids: tuple[int, ...] = getattr(bead, side)
    if not ids:
        raise InputError(f"bead #{index + 1} has no {side} sentence to move")
    edited = (bead.text, other.text) if side == "target" else (bead.source_text, other.source_text)
    if any(t is not None for t in edited):
        what = "an edited target" if side == "target" else "a corrected source"
        raise InputError(f"{what} cannot lose or gain sentences; undo the edit first")
    moved = ids[-1] if direction > 0 else ids[0]
    rest = ids[:-1] if direction > 0 else ids[1:]
    other_ids: tuple[int, ...] = getattr(other, side)
    other_ids = (moved, *other_ids) if direction > 0 else (*other_ids, moved)
    entry = Edit("move", who, when, after=f"{side} {moved}")
    here = _with_side(replace(bead, history=_log(bead, entry)), side, rest)
    there = _with_side(replace(other, history=_log(other, entry)), side, other_ids)
    pair = (here, there) if direction > 0 else (there, here)
    kept = tuple(b for b in pair if b.source or b.target)
    lo = min(index, other_index)
    return _splice(project, lo, lo + 2, kept)
