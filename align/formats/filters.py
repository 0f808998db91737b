"""Which beads an export carries: a pure selection over the project's beads.

Rejected beads are never exported: a reviewer has said the pair is wrong, and no consumer of an
export (a TM, a post-editing XLIFF, a spreadsheet, training data) wants known-wrong pairs. They
stay in the project file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from align.errors import InputError
from align.model import Bead, BeadOrigin, BeadStatus


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

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_score <= 1.0:
            raise InputError(f"--min-score {self.min_score}: give a score between 0 and 1")


def select_beads(beads: Sequence[Bead], flt: BeadFilter | None = None) -> list[int]:
    """Indexes of the beads ``flt`` keeps, in project order (indexes keep export ids stable)."""
    flt = flt or BeadFilter()
    statuses, origins = _STATUSES[flt.status], _ORIGINS[flt.origin]
    return [
        i
        for i, b in enumerate(beads)
        if b.status in statuses
        and b.origin in origins
        and b.score >= flt.min_score
        and not (flt.skip_empty and not (b.source and b.target))
    ]
