"""The plain bead format of sentence-alignment benchmarks: one bead per line, 0-based ids.

[0,1]:[0]      source sentences 0 and 1 ↔ target sentence 0
[3]:[]         source sentence 3 has no counterpart
[]:[7]         target sentence 7 has no counterpart
"""

from __future__ import annotations

from pathlib import Path

import regex

from align.errors import InputError
from align.model import Bead
from align.textio import atomic_writer

BeadIds = tuple[tuple[int, ...], tuple[int, ...]]  # a bead's source and target sentence ids
_LINE = regex.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def format_bead(bead: Bead) -> str:
    return "[{}]:[{}]".format(",".join(map(str, bead.source)), ",".join(map(str, bead.target)))


def parse_bead(line: str) -> BeadIds:
    match = _LINE.match(line)
    if not match:
        raise InputError(f"not a bead line (expected like [0,1]:[0]): {line.strip()[:60]!r}")

    def ids(text: str) -> tuple[int, ...]:
        return tuple(int(x) for x in text.replace(" ", "").split(",") if x)

    return ids(match.group(1)), ids(match.group(2))


def read_beads(path: Path) -> list[BeadIds]:
    """The (source ids, target ids) of every bead in a bead file (blank lines skipped).

    Ids only: the format carries no scores, so a gold file and a prediction read alike.
    """
    beads = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                beads.append(parse_bead(line))
            except InputError as err:
                raise InputError(f"{path}:{number}: {err}") from None
    return beads


def write_beads(path: Path, beads: list[Bead]) -> None:
    with atomic_writer(path) as out:
        out.write("".join(format_bead(b) + "\n" for b in beads))
