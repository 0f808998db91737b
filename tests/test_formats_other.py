"""XLIFF 1.2, TSV and JSONL specifics beyond the shared round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from align.errors import InputError
from align.formats.jsonl import read_jsonl, write_jsonl
from align.formats.tsv import escape, read_tsv, unescape, write_tsv
from align.formats.units import project_units
from align.formats.xliff import NS, STATES, read_xliff, write_xliff
from align.model import BeadStatus
from tests.test_formats_helpers import XML_FORBIDDEN, hard_project

X = f"{{{NS}}}"


def test_xliff_states_and_languages(tmp_path: Path) -> None:
    path = tmp_path / "p.xlf"
    write_xliff(path, hard_project(), src_lang="zh_CN", tgt_lang="en-US")
    root = etree.parse(str(path)).getroot()
    assert root.get("version") == "1.2" and root.tag == f"{X}xliff"
    file = root.find(f"{X}file")
    assert file is not None
    assert (file.get("source-language"), file.get("target-language")) == ("zh-CN", "en-US")
    units = {tu.get("id"): tu for tu in root.iter(f"{X}trans-unit")}
    assert units["8"].find(f"{X}target").get("state") == "needs-translation"  # type: ignore[union-attr]
    expected = {
        "1": ("needs-review-translation", "no", "mt-suggestion"),
        "2": ("signed-off", "yes", None),
        "3": ("translated", "yes", None),
        "4": ("signed-off", "yes", "exact-match"),
    }
    for ident, (state, approved, qualifier) in expected.items():
        target = units[ident].find(f"{X}target")
        assert target is not None
        assert (target.get("state"), units[ident].get("approved")) == (state, approved)
        assert target.get("state-qualifier") == qualifier
    assert all(
        tu.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve" for tu in units.values()
    )
    assert set(STATES) == set(BeadStatus)


def test_translate_toolkit_reads_our_xliff(tmp_path: Path) -> None:
    from translate.storage import xliff

    project = hard_project()
    path = tmp_path / "p.xlf"
    write_xliff(path, project)
    store = xliff.xlifffile.parsestring(path.read_bytes())
    strip = {ord(c): None for c in XML_FORBIDDEN}
    expected = [
        (u.source.translate(strip), u.target.translate(strip)) for u in project_units(project)
    ]
    assert [(u.source, u.target) for u in store.units] == expected
    assert store.units[1].isapproved() and not store.units[0].isapproved()


def test_xliff_back_from_a_cat_tool(tmp_path: Path) -> None:
    """A post-editor's tool kept no bitext context group: state and approved decide status."""
    path = tmp_path / "back.xlf"
    path.write_text(
        '<xliff version="1.2"><file original="x" source-language="zh-CN" target-language="en"'
        ' datatype="plaintext"><body>'
        '<trans-unit id="1"><source>甲<x id="1"/>乙</source><target state="final">'
        '<g id="2">A</g> B</target></trans-unit>'
        '<trans-unit id="2" approved="yes"><source>丙</source><target>C</target></trans-unit>'
        '<trans-unit id="3"><source>丁</source><target state="translated">D</target>'
        "<note>fixed</note></trans-unit>"
        '<trans-unit id="4"><source>戊</source></trans-unit>'
        "</body></file></xliff>",
        encoding="utf-8",
    )
    project = read_xliff(path)
    got = [(u.source, u.target, u.status, u.note) for u in project_units(project)]
    assert got == [
        ("甲乙", "A B", BeadStatus.ACCEPTED, ""),
        ("丙", "C", BeadStatus.ACCEPTED, ""),
        ("丁", "D", BeadStatus.EDITED, "fixed"),
        ("戊", "", BeadStatus.PENDING, ""),
    ]
    bad = tmp_path / "bad.xlf"
    bad.write_text("<xliff><file>", encoding="utf-8")
    with pytest.raises(InputError, match="not well-formed"):
        read_xliff(bad)


@given(st.text())
def test_tsv_escaping_is_reversible(text: str) -> None:
    escaped = escape(text)
    assert "\t" not in escaped and "\n" not in escaped and "\r" not in escaped
    assert unescape(escaped) == text


def test_tsv_layout_and_spreadsheet_edits(tmp_path: Path) -> None:
    path = tmp_path / "p.tsv"
    write_tsv(path, hard_project(), [0, 4])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid\tzh-CN\ten\tscore\tstatus\torigin\tflags\tnote\n")
    assert raw.count(b"\n") == 3 and b"\\t" in raw and b"\\r" in raw
    # A spreadsheet user dropped and reordered columns and saved with CRLF line ends.
    sheet = tmp_path / "sheet.tsv"
    sheet.write_bytes("en\tstatus\tzh-CN\r\nHello\\tworld\taccepted\t你好\r\n".encode())
    project = read_tsv(sheet)
    unit = next(project_units(project))
    assert (unit.source, unit.target, unit.status) == ("Hello\tworld", "你好", BeadStatus.ACCEPTED)
    assert project.source.lang == "en" and project.target.lang == "zh-CN"
    one_column = tmp_path / "one.tsv"
    one_column.write_text("id\tzh-CN\n1\t中\n", encoding="utf-8")
    with pytest.raises(InputError, match="two language columns"):
        read_tsv(one_column)


def test_jsonl_one_self_contained_pair_per_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    report = write_jsonl(path, hard_project())
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 1 == report.count == len(hard_project().beads)
    first = json.loads(lines[0])
    assert first["src_lang"] == "zh-CN" and first["origin"] == "mt:opus-mt-zh-en@rev0"
    assert {"id", "source", "target", "score", "status", "flags", "note"} <= set(first)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + "\n{oops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2"):
        read_jsonl(bad)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="no pairs"):
        read_jsonl(empty)


def test_xliff_never_signs_off_an_empty_target(tmp_path: Path) -> None:
    """A reviewer can accept a 1:0 bead (the sentence has no translation); its XLIFF unit was
    `signed-off`/approved with an empty target, which a CAT tool takes as a finished empty
    translation. The exact status still comes back from bitext's own context."""
    from dataclasses import replace

    from align.model import Bead, BeadOrigin

    base = hard_project()
    gap = Bead((0,), (), 1.0, BeadOrigin.HUMAN, BeadStatus.ACCEPTED)
    project = replace(base, beads=(gap, *base.beads[1:4]))
    path = tmp_path / "gap.xlf"
    write_xliff(path, project)
    units = {tu.get("id"): tu for tu in etree.parse(str(path)).getroot().iter(f"{X}trans-unit")}
    target = units["1"].find(f"{X}target")
    assert target is not None and not (target.text or "").strip()
    assert (target.get("state"), units["1"].get("approved")) == ("needs-translation", "no")
    assert units["2"].get("approved") == "yes"  # a real accepted pair is still signed off
    assert read_xliff(path).beads[0].status is BeadStatus.ACCEPTED
