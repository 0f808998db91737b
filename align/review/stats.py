"""What a reviewer (or a script) wants to know about a project: bands, queue order, progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from align.model import Bead, BeadOrigin, BeadStatus, Project, TmMatch, join_texts

Band = Literal["high", "medium", "low"]
Order = Literal["score", "doc"]

# Scores at or above HIGH are usually right; below MEDIUM they are usually wrong. The bands only
# colour the display and the report, they never change a decision.
HIGH = 0.9
MEDIUM = 0.6


def band(score: float) -> Band:
    if score >= HIGH:
        return "high"
    return "medium" if score >= MEDIUM else "low"


def has_reference(project: Project) -> bool:
    """True when the target side is a human translation rather than the MT drafts themselves."""
    return project.target.path is not None or any(
        b.origin == BeadOrigin.HUMAN for b in project.beads
    )


def draft_text(project: Project, bead: Bead) -> str:
    """The MT drafts of the bead's source sentences, joined as English prose."""
    texts = [
        d.text
        for i in bead.source
        if i < len(project.drafts) and (d := project.drafts[i]) is not None
    ]
    return join_texts(texts, project.target.lang)


def bead_match(project: Project, bead: Bead) -> TmMatch | None:
    """The best memory match for the bead's source, when every source sentence has one.

    Several sentences join their best matches (the lowest percentage counts), so taking the
    match never leaves a sentence untranslated.
    """
    best = []
    for i in bead.source:
        draft = project.drafts[i] if i < len(project.drafts) else None
        if draft is None or not draft.matches:
            return None
        best.append(draft.matches[0])
    if not best:
        return None
    if len(best) == 1:
        return best[0]
    return TmMatch(
        source=join_texts([m.source for m in best], project.source.lang),
        target=join_texts([m.target for m in best], project.target.lang),
        percent=min(m.percent for m in best),
        memory=best[0].memory,
        repairs=tuple(r for m in best for r in m.repairs),
    )


def flags(project: Project, bead: Bead) -> tuple[str, ...]:
    """QA flags on the bead and on the drafts of its source sentences, each once.

    Checks may flag the pair (a bead) or the machine draft alone; a reviewer needs both.
    """
    found = list(bead.flags)
    for i in bead.source:
        if i < len(project.drafts) and (d := project.drafts[i]) is not None:
            found.extend(d.flags)
    return tuple(dict.fromkeys(found))


def pair_flags(project: Project, bead: Bead) -> tuple[str, ...]:
    """The flags that concern the pair an export writes, for ``--accept-above``.

    When the target is the MT draft, the draft's flags are the target's. When it is a human
    reference or a TM match, the draft is never exported: its flags (on the draft, or stored on
    the bead as ``check:draft:...``) say nothing about the pair and must not hold it back.
    """
    if bead.origin in (BeadOrigin.MT, BeadOrigin.EDITED):
        return flags(project, bead)
    from align.qa.flags import parse_code  # align.qa loads every check: only when needed

    return tuple(f for f in bead.flags if (code := parse_code(f)) is None or code.side != "draft")


def queue(
    project: Project,
    order: Order = "score",
    status: BeadStatus | None = None,
    flagged: bool = False,
) -> tuple[int, ...]:
    """Bead indexes to review: least certain first (``score``) or document order (``doc``)."""
    picked = [
        i
        for i, b in enumerate(project.beads)
        if (status is None or b.status == status) and (not flagged or flags(project, b))
    ]
    if order == "score":
        picked.sort(key=lambda i: (project.beads[i].score, i))
    return tuple(picked)


def post_edit_distance(original: str, edited: str) -> float:
    """Character-level normalised Levenshtein distance: 0 = untouched, 1 = rewritten."""
    from rapidfuzz.distance import Levenshtein

    return float(Levenshtein.normalized_distance(original, edited))


def bead_post_edit_distance(project: Project, bead: Bead) -> float | None:
    """Distance between the target as aligned (draft or reference) and the reviewer's text."""
    if bead.text is None:
        return None
    return post_edit_distance(project.original_target_text(bead), bead.text)


@dataclass(frozen=True)
class Summary:
    beads: int
    by_status: dict[str, int]
    reviewed: int
    percent_reviewed: float
    edited: int
    mean_post_edit_distance: float | None
    flagged_left: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "beads": self.beads,
            "by_status": dict(self.by_status),
            "reviewed": self.reviewed,
            "percent_reviewed": self.percent_reviewed,
            "edited": self.edited,
            "mean_post_edit_distance": self.mean_post_edit_distance,
            "flagged_left": self.flagged_left,
        }


def summarize(project: Project) -> Summary:
    """Progress counts; a bead counts as reviewed once its status is anything but pending."""
    by_status = {s.value: 0 for s in BeadStatus}
    for b in project.beads:
        by_status[b.status.value] += 1
    total = len(project.beads)
    reviewed = total - by_status[BeadStatus.PENDING.value]
    distances = [d for b in project.beads if (d := bead_post_edit_distance(project, b)) is not None]
    return Summary(
        beads=total,
        by_status=by_status,
        reviewed=reviewed,
        percent_reviewed=round(100.0 * reviewed / total, 1) if total else 100.0,
        edited=len(distances),
        mean_post_edit_distance=round(sum(distances) / len(distances), 4) if distances else None,
        flagged_left=sum(
            1 for b in project.beads if b.status == BeadStatus.PENDING and flags(project, b)
        ),
    )


def bead_row(project: Project, index: int) -> dict[str, Any]:
    """One bead as a flat record for ``review --list --json`` (ids are 1-based bead numbers)."""
    bead = project.beads[index]
    distance = bead_post_edit_distance(project, bead)
    match = bead_match(project, bead)
    return {
        "id": index + 1,
        "source_ids": list(bead.source),
        "target_ids": list(bead.target),
        "score": round(bead.score, 4),
        "band": band(bead.score),
        "status": bead.status.value,
        "origin": bead.origin.value,
        "flags": list(flags(project, bead)),
        "note": bead.note,
        "source": project.source_text(bead),
        "source_corrected": bead.source_text is not None,
        "draft": draft_text(project, bead),
        "target": project.target_text(bead),
        "edited": bead.text is not None,
        "post_edit_distance": None if distance is None else round(distance, 4),
        "tm_percent": None if match is None else match.percent,
        "tm_memory": None if match is None else match.memory,
        "tm_repaired": None if match is None else match.repaired,
    }
