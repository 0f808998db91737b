"""What in a fresh project needs a reviewer first: QA flags by check, and low-score beads.

``bitext run`` reports these counts in its summary so that a problem (every draft flagged, a
third of the beads in doubt) shows before anyone opens the TMX.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from align.model import Project
from align.qa.flags import parse_code
from align.review.stats import MEDIUM, band, flags


@dataclass(frozen=True)
class Attention:
    flagged: tuple[tuple[str, int], ...]  # (check, beads it flags), most first
    low_score: int  # beads the review queue bands "low" (score under ``threshold``)
    threshold: float = MEDIUM

    @property
    def flagged_beads(self) -> dict[str, int]:
        return dict(self.flagged)


def check_name(flag: str) -> str:
    """``number:target:error: …`` → ``number``; a foreign flag (``degenerate:loop``) by its head."""
    parsed = parse_code(flag)
    return parsed.check if parsed is not None else flag.split(":", 1)[0]


def attention(project: Project) -> Attention:
    """Beads flagged by each check (a bead counts once per check) and beads with a low score."""
    by_check: Counter[str] = Counter()
    for bead in project.beads:
        by_check.update({check_name(f) for f in flags(project, bead)})
    low = sum(1 for b in project.beads if band(b.score) == "low")
    return Attention(tuple(sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0]))), low)
