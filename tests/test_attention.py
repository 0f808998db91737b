"""What ``run``'s summary counts for the reviewer: flagged beads by check, low-score beads."""

from __future__ import annotations

from align.model import Bead, Draft, Project, Segment, Side
from align.qa.flags import Flag, Severity
from align.review.attention import attention, check_name


def _project() -> Project:
    number = Flag("number", Severity.ERROR, "2002 missing").code()
    seg = [Segment(i, f"s{i}", 0, 0, 2) for i in range(4)]
    draft = Draft("x", "m", "f", "e", flags=("degenerate:repeat",))
    return Project(
        source=Side("zh", None, tuple(seg)),
        target=Side("en", None, tuple(seg)),
        drafts=(draft, None, draft, None),
        beads=(
            Bead((0,), (0,), 0.95, flags=(number,)),  # a bead flag and a draft flag
            Bead((1,), (1,), 0.59, flags=(number, number)),  # counted once per check
            Bead((2,), (2,), 0.6),  # a draft flag only; 0.6 is not low
            Bead((3,), (3,), 0.1),
        ),
    )


def test_flags_are_counted_per_check_and_low_scores_by_the_review_band() -> None:
    needs = attention(_project())
    assert needs.flagged_beads == {"degenerate": 2, "number": 2}
    assert needs.low_score == 2 and needs.threshold == 0.6


def test_check_name() -> None:
    assert check_name("number:target:error: 2002 missing") == "number"
    assert check_name("degenerate:repeat") == "degenerate"
    assert check_name("identical") == "identical"
