"""QA over a whole project: every bead's target and, where it differs, the MT draft."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from align.model import Bead, Project, join_texts
from align.qa.checks import check_pair
from align.qa.flags import Flag, parse_code
from align.qa.glossary import Glossary
from align.qa.surface import length_ratio_outliers


@dataclass(frozen=True)
class BeadReport:
    index: int
    side: str  # "target" (the aligned or edited English) or "draft" (the MT draft)
    flags: tuple[Flag, ...]


def draft_text(project: Project, bead: Bead) -> str | None:
    drafts = [project.drafts[i] for i in bead.source if i < len(project.drafts)]
    if not drafts or any(d is None for d in drafts):
        return None
    return join_texts([d.text for d in drafts if d is not None], project.target.lang)


def qa_beads(project: Project, glossary: Glossary | None = None) -> list[BeadReport]:
    """Flags per bead and side. The draft is checked only when it is not already the target,
    so an MT-only project gets one set of flags, labelled ``target``."""
    reports = []
    texts = [(project.source_text(b), project.target_text(b)) for b in project.beads]
    lengths = length_ratio_outliers(texts)
    draft_pairs = []
    for i, bead in enumerate(project.beads):
        source, target = texts[i]
        if not source.strip():
            continue  # a 0:1 bead: English with no source has nothing to check against
        reports.append(
            BeadReport(i, "target", (*check_pair(source, target, glossary), *lengths[i]))
        )
        draft = draft_text(project, bead)
        if draft is not None and draft.strip() != target.strip():
            draft_pairs.append((i, source, draft))
    draft_lengths = length_ratio_outliers([(s, d) for _, s, d in draft_pairs])
    for (i, source, draft), extra in zip(draft_pairs, draft_lengths, strict=True):
        reports.append(BeadReport(i, "draft", (*check_pair(source, draft, glossary), *extra)))
    return sorted(reports, key=lambda r: (r.index, r.side != "target"))


def qa_project(project: Project, glossary: Glossary | None = None) -> Project:
    """A new project whose beads carry fresh QA flag codes; flags other tools set are kept."""
    return apply_reports(project, qa_beads(project, glossary))


def apply_reports(project: Project, reports: list[BeadReport]) -> Project:
    """Replace the beads' QA flag codes (``check:side:severity: message``) by ``reports``."""
    codes: dict[int, list[str]] = {}
    for report in reports:
        codes.setdefault(report.index, []).extend(f.code(report.side) for f in report.flags)
    beads = []
    for i, bead in enumerate(project.beads):
        kept = [f for f in bead.flags if parse_code(f) is None]
        new = tuple(dict.fromkeys([*kept, *codes.get(i, [])]))
        beads.append(bead if new == bead.flags else replace(bead, flags=new))
    return replace(project, beads=tuple(beads))


@dataclass(frozen=True)
class QaSummary:
    """Counts by check and by side, and the beads with any flag (for reports and ``--json``)."""

    flags: int
    by_check: dict[str, int]
    by_side: dict[str, int]
    flagged_beads: list[int]
    beads: int


def summarize(reports: list[BeadReport], beads: int | None = None) -> QaSummary:
    """``beads``: the project's bead count (by default: up to the last bead reported on)."""
    by_check = Counter(f.check for r in reports for f in r.flags)
    by_side = Counter(r.side for r in reports for _ in r.flags)
    return QaSummary(
        flags=sum(by_check.values()),
        by_check=dict(sorted(by_check.items())),
        by_side=dict(sorted(by_side.items())),
        flagged_beads=sorted({r.index for r in reports if r.flags}),
        beads=1 + max((r.index for r in reports), default=-1) if beads is None else beads,
    )
