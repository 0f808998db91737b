"""All per-pair checks in one call, in a fixed order."""

from __future__ import annotations

from align.qa.dates import check_dates
from align.qa.flags import Flag
from align.qa.glossary import Glossary, check_glossary
from align.qa.numbers import all_source_values, check_numbers
from align.qa.references import check_references
from align.qa.surface import check_empty, check_loops, check_untranslated
from align.qa.titles import check_titles

CHECKS = (
    "empty", "numbers", "dates", "references", "titles", "glossary", "untranslated", "loops",
    "length",
)  # fmt: skip


def check_pair(source: str, target: str, glossary: Glossary | None = None) -> list[Flag]:
    """Every check on one source/target pair; an empty target gets only the ``empty`` flag
    (listing each missing number of a missing sentence would bury the real finding)."""
    if not target.strip():
        return check_empty(source, target)
    values = all_source_values(source)
    return [
        *check_numbers(source, target),
        *check_dates(source, target, values),
        *check_references(source, target, values),
        *check_titles(source, target),
        *check_glossary(source, target, glossary),
        *check_untranslated(source, target),
        *check_loops(source, target),
    ]
