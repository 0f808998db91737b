"""TMX specifics: what CAT tools require, interop with translate-toolkit, and the reader."""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from align.errors import InputError
from align.formats.tmx import read_tm_pairs, read_tmx, tmx_date, write_tmx
from align.formats.units import normalise_lang, project_units
from align.model import Bead, BeadOrigin, BeadStatus, Project
from tests.test_formats_helpers import (
    XML_FORBIDDEN,
    check_tmx,
    every_tmx_checked,  # noqa: F401 (a fixture: validates every TMX written)
    hard_project,
)

pytestmark = pytest.mark.usefixtures("every_tmx_checked")


def _pairs(project: Project) -> list[tuple[str, str]]:
    return [(u.source, u.target) for u in project_units(project)]


def _strip_forbidden(text: str) -> str:
    return text.translate({ord(c): None for c in XML_FORBIDDEN})


def test_header_languages_props_and_exact_segs(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    moment = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    write_tmx(path, hard_project(), src_lang="zh_cn", tgt_lang="EN_us", created=moment)
    tree = check_tmx(path)
    header = tree.getroot().find("header")
    assert header is not None
    assert header.get("srclang") == "zh-CN" and header.get("creationdate") == "20260304T050607Z"
    assert header.get("creationtool") == "bitext"
    data = path.read_bytes()
    assert b'xml:lang="en-US"' in data and b"_" not in re.sub(rb"<seg>.*?</seg>", b"", data)
    # No whitespace is added inside <seg>: the edge spaces and the text are byte-exact.
    assert "<seg>  首尾空格  </seg>".encode() in data
    assert "<seg>中华人民共和国外交部长会议。</seg>".encode() in data
    tu = tree.getroot().find("body/tu[@tuid='1']")
    assert tu is not None
    props = {p.get("type"): p.text for p in tu.findall("prop")}
    assert props["x-origin"] == "mt" and props["x-mt-model"] == "opus-mt-zh-en@rev0"
    assert props["x-score"] == "1.0000" and props["x-status"] == "pending"
    assert props["x-document"] == "communique.zh.md"
    assert props["x-source-ids"] == "0" and props["x-target-ids"] == "0"
    tu3 = tree.getroot().find("body/tu[@tuid='3']")
    assert tu3 is not None and tu3.findtext("note") == "<&>\"'"
    assert {p.get("type"): p.text for p in tu3.findall("prop")}["x-qa"] == "entities"
    # The last review decision becomes the unit's changeid/changedate; read back as history.
    assert (tu3.get("changeid"), tu3.get("changedate")) == ("li.wei", "20260203T040506Z")
    edit = read_tmx(path).beads[2].history[-1]
    assert (edit.who, edit.when) == ("li.wei", "2026-02-03T04:05:06+00:00")


def test_n_to_m_beads_are_joined_by_language(tmp_path: Path) -> None:
    project = hard_project()
    path = tmp_path / "m.tmx"
    write_tmx(path, project, [6])
    segs = [s.text for s in etree.parse(str(path)).iter("seg")]
    assert segs == ["二比一对齐的前半句，以及后半句。", project.target.segments[6].text]
    two_english = Project(
        project.target, project.source, project.drafts, (Bead((0, 6), (0,), 1.0),)
    )
    write_tmx(path, two_english, src_lang="en", tgt_lang="zh-CN")
    check_tmx(path)
    source = next(etree.parse(str(path)).iter("seg")).text or ""
    assert source == f"{project.target.segments[0].text} {project.target.segments[6].text}"


def test_selection_keeps_project_tuids(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    report = write_tmx(path, hard_project(), [2, 9])
    assert report.count == 2
    assert [tu.get("tuid") for tu in check_tmx(path).iter("tu")] == ["3", "10"]


def test_forbidden_characters_removed_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "m.tmx"
    report = write_tmx(path, hard_project(), [4])
    assert len(report.warnings) == 2  # source and target, each one line
    assert all("U+0001, U+000B, U+001F, U+FFFE" in w for w in report.warnings)
    seg = next(check_tmx(path).iter("seg")).text
    assert seg == _strip_forbidden(hard_project().source.segments[4].text)
    assert "\r" in (seg or "") and "\x85\u2028" in (seg or "")  # allowed controls survive


def test_trados_length_cap_is_flagged_not_truncated(tmp_path: Path) -> None:
    project = hard_project()
    path = tmp_path / "m.tmx"
    report = write_tmx(path, project, [5])
    tu = next(check_tmx(path).iter("tu"))
    assert {p.get("type"): p.text for p in tu.findall("prop")}["x-too-long"] == "source,target"
    assert [len(s.text or "") for s in tu.iter("seg")] == [
        5000,
        len(project.target_text(project.beads[5])),
    ]
    assert any("tu 6" in w and "2000" in w for w in report.warnings)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [("𠀀" * 1000, False), ("𠀀" * 1001, True), ("a" * 2000, False), ("a" * 2001, True)],
)
def test_length_counts_utf16_units_like_trados(text: str, flagged: bool, tmp_path: Path) -> None:
    base = hard_project()
    side = base.source.__class__(
        "zh", None, (base.source.segments[0].__class__(0, text, 0, 0, len(text)),)
    )
    project = Project(side, base.target, (None,), (Bead((0,), (0,), 1.0),))
    report = write_tmx(tmp_path / "m.tmx", project)
    assert bool(report.warnings) is flagged


def test_language_tags() -> None:
    assert normalise_lang("zh_CN") == "zh-CN"
    assert normalise_lang("zh-hans-cn") == "zh-Hans-CN"
    assert normalise_lang("EN") == "en"
    assert normalise_lang("es-419") == "es-419"
    for bad in ("zh CN", "chinese!", "", "zh_CN.UTF-8"):
        with pytest.raises(InputError, match="language tag"):
            normalise_lang(bad)


def test_same_language_on_both_sides_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="different tags"):
        write_tmx(tmp_path / "m.tmx", hard_project(), src_lang="en", tgt_lang="en-US")
    assert not (tmp_path / "m.tmx").exists()


def test_tmx_date_format() -> None:
    assert re.fullmatch(r"\d{8}T\d{6}Z", tmx_date())


def test_translate_toolkit_reads_our_tmx(tmp_path: Path) -> None:
    from translate.storage import tmx

    project = hard_project()
    path = tmp_path / "m.tmx"
    write_tmx(path, project)
    store = tmx.tmxfile.parsestring(path.read_bytes())  # source side taken from header srclang
    got = [(u.source, u.target) for u in store.units]
    expected = [(_strip_forbidden(s), _strip_forbidden(t)) for s, t in _pairs(project)]
    assert got == expected
    assert store.units[2].getnotes() == "<&>\"'"


def test_we_read_translate_toolkit_tmx(tmp_path: Path) -> None:
    from translate.storage import tmx

    store = tmx.tmxfile(sourcelanguage="zh-CN", targetlanguage="en")
    pairs = [("中文<&>", "Chinese <&>"), ("𠀀😀\t换行\n", "tab\tline\n"), ("  空格 ", " space ")]
    for source, target in pairs:
        unit = store.addsourceunit(source)
        unit.target = target
    store.units[0].addnote("a note")
    path = tmp_path / "tt.tmx"
    path.write_bytes(bytes(store))
    assert b"<!DOCTYPE" in path.read_bytes()  # their DOCTYPE must not trip our reader
    project = read_tmx(path)
    assert _pairs(project) == pairs
    assert project.source.lang == "zh-CN" and project.target.lang == "en"
    assert project.beads[0].note == "a note"
    assert all(
        b.origin is BeadOrigin.HUMAN and b.status is BeadStatus.PENDING for b in project.beads
    )


FOREIGN = """<?xml version="1.0" encoding="UTF-16"?>
<tmx version="1.4"><header creationtool="X" creationtoolversion="1" segtype="sentence"
 o-tmf="x" adminlang="en-US" srclang="*all*" datatype="xml"/><body>
<tu tuid="a">
<tuv xml:lang="ZH-cn"><seg>按<bpt i="1">&lt;b&gt;</bpt>确定<ept i="1">&lt;/b&gt;</ept
><ph>&lt;br/&gt;</ph><hi>键</hi></seg></tuv>
<tuv xml:lang="en-US"><seg>Press <bpt i="1">&lt;b&gt;</bpt>OK<ept i="1">&lt;/b&gt;</ept
><hi type="x">now</hi></seg></tuv>
<tuv xml:lang="fr-FR"><seg>Appuyez</seg></tuv></tu>
<tu><tuv lang="zh-CN"><seg>旧格式</seg></tuv><tuv lang="en-US"><seg>Old style</seg></tuv>
<tuv lang="fr-FR"><seg>Ancien</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>只有中文</seg></tuv><tuv xml:lang="fr-FR"><seg>Seulement</seg></tuv>
</tu>
</body></tmx>
"""


def test_reader_handles_foreign_tmx(tmp_path: Path) -> None:
    path = tmp_path / "foreign.tmx"
    path.write_text(FOREIGN, encoding="utf-16")  # Trados exports UTF-16
    warnings: list[str] = []
    project = read_tmx(path, src_lang="zh", tgt_lang="en-US", warnings=warnings)
    assert _pairs(project) == [("按确定键", "Press OKnow"), ("旧格式", "Old style")]
    assert project.target.lang == "en-US"
    assert warnings and "skipped 1 units" in warnings[0]
    french = read_tmx(path, src_lang="zh-CN", tgt_lang="fr")
    assert len(french.beads) == 3
    assert read_tm_pairs(path, "zh", "en") == [("按确定键", "Press OKnow"), ("旧格式", "Old style")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not xml at all", "not well-formed"),
        ("<tmx version='1.4'><header srclang='en'/><body/></tmx>", "no translation units"),
    ],
)
def test_reader_refuses_bad_files(content: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.tmx"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_tmx(path)
    with pytest.raises(InputError, match="no such TMX"):
        read_tmx(tmp_path / "missing.tmx")


def test_tmx_to_project_to_tmx_is_stable(tmp_path: Path) -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    first, second = tmp_path / "a.tmx", tmp_path / "b.tmx"
    write_tmx(first, hard_project(), created=moment)
    write_tmx(second, read_tmx(first), created=moment)
    strip_ids = re.compile(rb'( tuid="\d+"|<prop type="x-(source|target)-ids">[\d,]*</prop>)')
    assert strip_ids.sub(b"", first.read_bytes()) == strip_ids.sub(b"", second.read_bytes())


@settings(max_examples=60, deadline=None)
@given(source=st.text(max_size=60), target=st.text(max_size=60))
def test_any_text_survives_tmx_except_xml_forbidden(source: str, target: str) -> None:
    """Whatever the text, reading back gives it exactly, minus only what XML cannot hold."""
    from align.formats.tmx import write_tmx_units
    from align.formats.units import Unit, xml_safe

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.tmx"
        report = write_tmx_units(path, [Unit(1, source, target)], "zh-CN", "en")
        check_tmx(path)
        units = list(project_units(read_tmx(path)))
    expected = (xml_safe(source)[0], xml_safe(target)[0])
    assert [(u.source, u.target) for u in units] == [expected]
    assert bool(report.warnings) == ((source, target) != expected)


def test_older_mt_origin_labels_still_read(tmp_path: Path) -> None:
    """bitext once wrote ``x-origin`` as ``mt:MODEL``; such memories keep their provenance."""
    path = tmp_path / "old.tmx"
    write_tmx(path, hard_project(), [0])
    text = path.read_text(encoding="utf-8")
    old = text.replace('<prop type="x-origin">mt</prop>', '<prop type="x-origin">mt:old@r1</prop>')
    path.write_text(old.replace('<prop type="x-mt-model">opus-mt-zh-en@rev0</prop>', ""), "utf-8")
    unit = next(project_units(read_tmx(path)))
    assert unit.origin_label == "mt:old@r1"
