"""Translation QA: pure checks over a source/target pair, and the project-level pass.

Every ``check_x(source, target, ...)`` returns a list of :class:`Flag`; nothing here reads
files except the glossary format modules (``glossary_tsv``, ``tbx``).
"""

from align.qa.checks import CHECKS, check_pair
from align.qa.dates import check_dates
from align.qa.flags import Flag, FlagCode, Severity, parse_code
from align.qa.glossary import Glossary, Term, check_glossary, load_glossary
from align.qa.numbers import check_numbers
from align.qa.project import (
    BeadReport,
    QaSummary,
    apply_reports,
    qa_beads,
    qa_project,
    summarize,
)
from align.qa.references import check_references
from align.qa.surface import check_empty, check_loops, check_untranslated, length_ratio_outliers
from align.qa.titles import check_titles

__all__ = [
    "CHECKS",
    "BeadReport",
    "Flag",
    "FlagCode",
    "Glossary",
    "QaSummary",
    "Severity",
    "Term",
    "apply_reports",
    "check_dates",
    "check_empty",
    "check_glossary",
    "check_loops",
    "check_numbers",
    "check_pair",
    "check_references",
    "check_titles",
    "check_untranslated",
    "length_ratio_outliers",
    "load_glossary",
    "parse_code",
    "qa_beads",
    "qa_project",
    "summarize",
]
