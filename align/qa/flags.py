"""What a QA check returns, and the compact string form stored in ``Bead.flags``.

Flags stay plain strings in the project file so that TMX props (``x-qa``), review filters and
old readers need no schema change; the string is structured enough to parse back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

Span = tuple[int, int]


class Severity(StrEnum):
    ERROR = "error"  # almost certainly wrong: a missing number, a forbidden term
    WARNING = "warning"  # worth a look: an odd length ratio, a possibly lost title


@dataclass(frozen=True)
class Flag:
    """One finding of one check, with character spans into the texts it was computed on."""

    check: str
    severity: Severity
    message: str
    source_span: Span | None = None
    target_span: Span | None = None

    def code(self, side: str = "target") -> str:
        """``check:side:severity: message`` — one line, no ``;`` (TMX joins flags with it)."""
        message = " ".join(self.message.replace(";", ",").split())
        return f"{self.check}:{side}:{self.severity.value}: {message}"


@dataclass(frozen=True)
class FlagCode:
    """A flag read back from ``Bead.flags`` (spans are not stored; rerun QA to get them)."""

    check: str
    side: str
    severity: Severity
    message: str


def parse_code(code: str) -> FlagCode | None:
    """Parse a stored flag; ``None`` for flags that other tools put in ``Bead.flags``."""
    head, sep, message = code.partition(": ")
    parts = head.split(":")
    if not sep or len(parts) != 3 or parts[2] not in {s.value for s in Severity}:
        return None
    return FlagCode(parts[0], parts[1], Severity(parts[2]), message)
