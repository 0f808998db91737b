"""ONE round trip over every exchange format: write the hard cases, read them back, compare."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from align.formats.exporters import export_project, import_file
from align.formats.filters import BeadFilter, empty_in, for_format, select
from align.formats.project_json import project_to_dict, validate
from align.formats.units import Unit, project_units
from tests.test_formats_helpers import (
    XML_FORBIDDEN,
    check_tmx,
    every_tmx_checked,  # noqa: F401 (a fixture: validates every TMX written)
    hard_project,
)

pytestmark = pytest.mark.usefixtures("every_tmx_checked")


@dataclass(frozen=True)
class Case:
    fmt: str
    suffix: str
    xml: bool  # XML cannot carry some characters: they are dropped with a warning


CASES = [
    Case("tmx", ".tmx", True),
    Case("xliff", ".xlf", True),
    Case("jsonl", ".jsonl", False),
    Case("tsv", ".tsv", False),
    Case("json", ".bitext.json", False),
]


def _comparable(unit: Unit, xml: bool) -> tuple[object, ...]:
    def text(value: str) -> str:
        return value.translate({ord(c): None for c in XML_FORBIDDEN}) if xml else value

    return (
        text(unit.source),
        text(unit.target),
        round(unit.score, 4),
        unit.status,
        unit.origin_label,
        unit.flags,
        text(unit.note),
    )


@pytest.mark.parametrize("case", CASES, ids=[c.fmt for c in CASES])
def test_round_trip(case: Case, tmp_path: Path) -> None:
    project = hard_project()
    path = tmp_path / f"out{case.suffix}"
    everything = BeadFilter(include_mt=True)  # unreviewed MT too: every field must survive
    report = export_project(case.fmt, path, project, everything)
    selection = select(project.beads, for_format(everything, case.fmt), empty_in(project)).indexes
    # everything but the rejected bead (and, in a TMX, the two with an empty side)
    assert report.count == len(selection) == len(project.beads) - (3 if case.fmt == "tmx" else 1)

    if case.xml:  # the forbidden characters were reported, per unit and side
        assert any("U+0001" in w and "U+FFFE" in w for w in report.warnings)
    else:
        assert not any("U+0001" in w for w in report.warnings)
    if case.fmt == "tmx":
        tree = check_tmx(path)
        assert any("x-too-long" in w for w in report.warnings)
        assert len(tree.findall("body/tu")) == report.count

    warnings: list[str] = []
    back = import_file(case.fmt, path, warnings)
    validate(json.loads(json.dumps(project_to_dict(back))))  # every import is a valid project
    expected = [_comparable(u, case.xml) for u in project_units(project, selection)]
    got = [_comparable(u, False) for u in project_units(back)]
    assert got == expected
    assert back.source.lang in ("zh-CN", "zh") and back.target.lang == "en"
