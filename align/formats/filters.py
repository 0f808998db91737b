"""Which beads an export carries: a pure selection over the project's beads.

The promise to a translator: an export holds what a human wrote or approved, and nothing else
unless asked for.

- Rejected beads are never exported: a reviewer has said the pair is wrong, and no consumer of
  an export (a TM, a post-editing XLIFF, a spreadsheet, training data) wants known-wrong pairs.
- Unreviewed machine drafts (origin mt, status pending) are left out unless asked for
  (``include_mt``, or ``origin=mt``, which asks for nothing else): a memory that mixes raw MT
  with human work serves MT back as if a translator had written it. XLIFF is the exception
  (see :func:`for_format`): it is the post-editing file, and marks drafts as needing review.
- A TMX never holds a unit with an empty side (1:0, 0:1): a CAT tool would offer the empty
  translation as a 100% match.

Everything left out stays in the project file, and :class:`LeftOut` counts it by reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from align.errors import InputError
from align.model import Bead, BeadOrigin, BeadStatus, Project


class StatusFilter(StrEnum):
    ACCEPTED = "accepted"  # a reviewer accepted the pair as it is
    EDITED = "edited"  # a reviewer corrected the target
    REVIEWED = "reviewed"  # accepted or edited: everything a human has signed off
    ALL = "all"  # everything but rejected beads, pending ones included


class OriginFilter(StrEnum):
    MT = "mt"  # raw machine drafts
    HUMAN = "human"  # a human wrote or fixed the target: reference, edited, TM match
    ALL = "all"


_STATUSES = {
    StatusFilter.ACCEPTED: {BeadStatus.ACCEPTED},
    StatusFilter.EDITED: {BeadStatus.EDITED},
    StatusFilter.REVIEWED: {BeadStatus.ACCEPTED, BeadStatus.EDITED},
    StatusFilter.ALL: {BeadStatus.ACCEPTED, BeadStatus.EDITED, BeadStatus.PENDING},
}
_ORIGINS = {
    OriginFilter.MT: {BeadOrigin.MT},
    OriginFilter.HUMAN: {BeadOrigin.HUMAN, BeadOrigin.EDITED, BeadOrigin.TM},
    OriginFilter.ALL: set(BeadOrigin),
}


@dataclass(frozen=True)
class BeadFilter:
    status: StatusFilter = StatusFilter.ALL
    min_score: float = 0.0
    origin: OriginFilter = OriginFilter.ALL
    skip_empty: bool = False  # leave out 1:0 and 0:1 beads (a TM entry with one empty side)
    include_mt: bool | None = None  # unreviewed MT drafts too; None: the format's default

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_score <= 1.0:
            raise InputError(f"--min-score {self.min_score}: give a score between 0 and 1")

    @property
    def keeps_unreviewed_mt(self) -> bool:
        """Asked for by name: ``include_mt``, or ``origin=mt``, which would be empty without."""
        return bool(self.include_mt) or self.origin is OriginFilter.MT


@dataclass(frozen=True)
class LeftOut:
    """Beads an export left out, by reason (each bead counted under the first that applies)."""

    rejected: int = 0
    unreviewed_mt: int = 0  # pending machine drafts (include_mt adds them)
    empty_side: int = 0  # 1:0 and 0:1 beads (never in a TMX; skip_empty elsewhere)
    filtered: int = 0  # by the status, origin or minimum-score filter

    def phrases(self) -> list[str]:
        """What a summary line says, e.g. ``3 unreviewed MT drafts``; reasons with none left out
        are not mentioned."""
        parts = [
            (self.unreviewed_mt, "unreviewed MT draft", "unreviewed MT drafts"),
            (self.empty_side, "bead with an empty side", "beads with an empty side"),
            (self.rejected, "rejected bead", "rejected beads"),
            (self.filtered, "bead outside the filters", "beads outside the filters"),
        ]
        return [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]


@dataclass(frozen=True)
class Selection:
    """The beads an export carries (indexes in project order) and what it left out."""

    indexes: tuple[int, ...]
    left_out: LeftOut


def for_format(flt: BeadFilter | None, fmt: str) -> BeadFilter:
    """The filter as a format applies it: a TMX never has an empty side, and unreviewed MT
    (unless said otherwise) is left out of every format but XLIFF, whose ``state`` attributes
    tell a CAT tool that a draft needs review."""
    flt = flt or BeadFilter()
    if flt.include_mt is None:
        flt = replace(flt, include_mt=fmt == "xliff")
    if fmt == "tmx":
        flt = replace(flt, skip_empty=True)
    return flt


def is_unreviewed_mt(bead: Bead) -> bool:
    return bead.origin is BeadOrigin.MT and bead.status is BeadStatus.PENDING


def has_empty_side(bead: Bead) -> bool:
    return not (bead.source and bead.target)


def empty_in(project: Project) -> Callable[[Bead], bool]:
    """A bead's side is empty when it has no sentence or only blank text (an edit can blank it)."""

    def empty(bead: Bead) -> bool:
        if has_empty_side(bead):
            return True
        return not project.source_text(bead).strip() or not project.target_text(bead).strip()

    return empty


def select_beads(beads: Sequence[Bead], flt: BeadFilter | None = None) -> list[int]:
    """Indexes of the beads ``flt`` keeps, in project order (indexes keep export ids stable)."""
    return list(select(beads, flt).indexes)


def select(
    beads: Sequence[Bead],
    flt: BeadFilter | None = None,
    empty: Callable[[Bead], bool] = has_empty_side,
) -> Selection:
    """The beads ``flt`` keeps and a count of the rest by reason.

    ``empty`` says whether a bead has an empty side; :func:`empty_in` also looks at the text.
    """
    flt = flt or BeadFilter()
    statuses, origins = _STATUSES[flt.status], _ORIGINS[flt.origin]
    kept: list[int] = []
    counts = {"rejected": 0, "unreviewed_mt": 0, "empty_side": 0, "filtered": 0}
    for i, b in enumerate(beads):
        reason = _reason(b, flt, statuses, origins, empty)
        if reason is None:
            kept.append(i)
        else:
            counts[reason] += 1
    return Selection(tuple(kept), LeftOut(**counts))


def _reason(
    bead: Bead,
    flt: BeadFilter,
    statuses: set[BeadStatus],
    origins: set[BeadOrigin],
    empty: Callable[[Bead], bool],
) -> str | None:
    """Why ``bead`` is left out (a ``LeftOut`` field), or None when it is kept."""
    if bead.status is BeadStatus.REJECTED:
        return "rejected"
    if flt.skip_empty and empty(bead):
        return "empty_side"
    return _pair_reason(flt, bead.status, bead.origin, bead.score, statuses, origins)


def _pair_reason(
    flt: BeadFilter,
    status: BeadStatus,
    origin: BeadOrigin,
    score: float,
    statuses: set[BeadStatus],
    origins: set[BeadOrigin],
) -> str | None:
    if status not in statuses or origin not in origins or score < flt.min_score:
        return "filtered"
    if origin is BeadOrigin.MT and status is BeadStatus.PENDING and not flt.keeps_unreviewed_mt:
        return "unreviewed_mt"
    return None


def keeps_pair(flt: BeadFilter, status: BeadStatus, origin: BeadOrigin, score: float) -> bool:
    """Whether ``flt`` keeps a pair that is no bead of its own: the draft that fills a source
    sentence a partial reference leaves untranslated (``align.formats.memories.drafted_gaps``)."""
    statuses, origins = _STATUSES[flt.status], _ORIGINS[flt.origin]
    return _pair_reason(flt, status, origin, score, statuses, origins) is None
