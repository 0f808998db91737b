"""The memory match in the review panel: its %, its English, and how its source differs.

Kept apart from ``cli.review_ui`` so the panel only gains rows: the match's source is shown
with the characters that differ from the segment highlighted (deleted from the match in red
strikethrough, what the segment has instead in green), which is what a translator checks
before taking a fuzzy match.
"""

from __future__ import annotations

from rich.text import Text

from align.fuzzy import diff_spans
from align.model import Bead, Project, TmMatch
from align.review.stats import bead_match


def match_label(match: TmMatch) -> Text:
    style = "bold green" if match.percent >= 100 else "bold yellow"
    return Text(f"TM {match.percent}%", style=style)


def match_rows(project: Project, bead: Bead) -> list[tuple[Text | str, Text]]:
    """Rows for the panel's grid (label, content); none when the bead has no match."""
    match = bead_match(project, bead)
    if match is None:
        return []
    target = Text(match.target)
    target.append(f"  ({match.memory})", style="dim")
    if match.repaired:
        target.append(f"  (repaired: {'; '.join(match.repairs)})", style="italic cyan")
    rows: list[tuple[Text | str, Text]] = [(match_label(match), target)]
    if match.percent < 100:
        rows.append(("TM source", highlighted_source(project.source_text(bead), match.source)))
    return rows


def highlighted_source(segment: str, source: str) -> Text:
    """The match's source with its differences from ``segment`` marked."""
    text = Text()
    for tag, i1, i2, j1, j2 in diff_spans(segment, source):
        if tag == "equal":
            text.append(source[i1:i2])
            continue
        if i2 > i1:
            text.append(source[i1:i2], style="red strike")
        if j2 > j1:
            text.append(segment[j1:j2], style="bold green")
    return text
