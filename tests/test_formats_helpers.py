"""Test helpers for the formats: a project full of hard cases and a strict TMX checker."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from align.formats.tmx import DTD_PATH, XML_LANG
from align.model import (
    Bead,
    BeadOrigin,
    BeadStatus,
    Draft,
    Edit,
    ModelInfo,
    Project,
    Segment,
    Side,
)

DTD_SHA256 = "08449181cabc3ee37e2ced6958c4a58d3f708d087843e254fc413a2018e2e980"
# Characters XML 1.0 cannot carry at all; the XML writers must drop them (and say so).
XML_FORBIDDEN = "\x01\x0b\x1f\ufffe"
LONG_ZH = "中" * 5000
LONG_EN = "word " * 999 + "end"  # 4,998 characters

ZH = [
    "中华人民共和国外交部长会议。",
    "",  # an empty segment
    "标点<&>\"'与&amp;实体",
    "扩展汉字𠀀与表情😀👍🏽",
    f"控制\t字符\n换行\r回车\x7f\x85\u2028{XML_FORBIDDEN}完",
    LONG_ZH,
    "二比一对齐的前半句，",
    "以及后半句。",
    "被拒绝的句子。",
    "  首尾空格  ",
]
EN = [
    "Meeting of the foreign ministers of the People's Republic of China.",
    "A target whose source is empty.",
    "Punctuation <&>\"' and &amp; entities",
    "Extension B 𠀀 and emoji 😀👍🏽",
    f"Control\tchars\nnewline\rreturn\x7f\x85\u2028{XML_FORBIDDEN}end",
    LONG_EN,
    "One English sentence for two Chinese halves.",
    "A rejected pair.",
    "  edge spaces  ",
]


def _side(lang: str, path: str | None, texts: list[str]) -> Side:
    segments, pos = [], 0
    for i, text in enumerate(texts):
        segments.append(Segment(i, text, i, pos, pos + len(text)))
        pos += len(text) + 1
    return Side(lang, path, tuple(segments))


def hard_project() -> Project:
    """Every case the exchange formats must survive, one bead each."""
    drafts = tuple(Draft(f"draft {i}", "opus-mt-zh-en", f"rev{i % 2}", "hf") for i in range(10))
    beads = (
        Bead((0,), (0,), 1.0, BeadOrigin.MT, BeadStatus.PENDING),
        Bead((1,), (1,), 0.5, BeadOrigin.HUMAN, BeadStatus.ACCEPTED, note="源文为空"),
        Bead(
            (2,),
            (2,),
            0.8765,
            BeadOrigin.EDITED,
            BeadStatus.EDITED,
            ("entities",),
            "<&>\"'",
            history=(Edit("edit", "li.wei", "2026-02-03T04:05:06+00:00", "a", "b"),),
        ),
        Bead((3,), (3,), 0.25, BeadOrigin.TM, BeadStatus.ACCEPTED),
        Bead((4,), (4,), 0.3333, BeadOrigin.MT, BeadStatus.PENDING, ("ctrl", "qa2")),
        Bead((5,), (5,), 0.9, BeadOrigin.HUMAN, BeadStatus.PENDING, note="line one\nline two"),
        Bead((6, 7), (6,), 0.7, BeadOrigin.HUMAN, BeadStatus.PENDING),
        Bead((8,), (7,), 0.1, BeadOrigin.HUMAN, BeadStatus.REJECTED),
        Bead((), (), 0.0, BeadOrigin.HUMAN, BeadStatus.PENDING),
        Bead((9,), (8,), 0.6, BeadOrigin.MT, BeadStatus.ACCEPTED),
    )
    return Project(
        source=_side("zh", "seeds/communique.zh.md", ZH),
        target=_side("en", None, EN),
        drafts=drafts,
        beads=beads,
        model=ModelInfo("opus-mt-zh-en", "rev0", "hf"),
        tool_version="0.1.0",
        created="2026-01-01T00:00:00Z",
    )


_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_DATE = re.compile(r"\d{8}T\d{6}Z")


def check_tmx(path: Path) -> etree._ElementTree:
    """Everything CAT tools need from a TMX that the DTD cannot check, plus the DTD itself."""
    data = path.read_bytes()
    assert hashlib.sha256(DTD_PATH.read_bytes()).hexdigest() == DTD_SHA256
    dtd = etree.DTD(str(DTD_PATH))
    tree = etree.parse(str(path))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    root = tree.getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    for attr in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang"):
        assert header.get(attr), attr
    assert header.get("segtype") == "sentence" and header.get("datatype") == "plaintext"
    assert _DATE.fullmatch(header.get("creationdate", "")), header.get("creationdate")
    srclang = header.get("srclang", "")
    assert _LANG.fullmatch(srclang) and "_" not in srclang
    tus = root.findall("body/tu")
    for tu in tus:
        tuvs = tu.findall("tuv")
        assert len(tuvs) == 2 and tu.get("tuid")
        langs = [tuv.get(XML_LANG, "") for tuv in tuvs]
        assert langs[0] == srclang, "srclang must be the source tuv's exact xml:lang"
        assert all(_LANG.fullmatch(lang) for lang in langs) and langs[0] != langs[1]
        children = [c.tag for c in tu]
        assert children.index("tuv") == len(children) - 2, "props and notes before the tuvs"
    # One element per line: every tu/prop/note/tuv/seg opens a line of its own.
    for tag in (b"tu", b"prop", b"tuv", b"seg", b"header", b"body"):
        assert len(re.findall(rb"\n *<" + tag + rb"[ />]", data)) == len(
            re.findall(rb"<" + tag + rb"[ />]", data)
        ), tag
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<tmx')
    return tree


def test_shipped_dtd_is_the_lisa_reference() -> None:
    """The DTD is shipped byte-exact (CRLF kept); compare with ../shared when it is there."""
    reference = Path(__file__).resolve().parents[2] / "shared" / "reference" / "tmx14.dtd"
    assert hashlib.sha256(DTD_PATH.read_bytes()).hexdigest() == DTD_SHA256
    if reference.exists():
        assert DTD_PATH.read_bytes() == reference.read_bytes()
    etree.DTD(str(DTD_PATH))  # loads


@pytest.fixture()
def every_tmx_checked(tmp_path: Path) -> Iterator[None]:
    """After the test, DTD-validate and check every TMX that bitext wrote under ``tmp_path``."""
    yield
    for path in sorted(tmp_path.rglob("*.tmx")):
        try:
            header = etree.parse(str(path)).getroot().find("header")
        except etree.XMLSyntaxError:
            continue  # a deliberately broken input, not something bitext wrote
        if header is not None and header.get("creationtool") == "bitext":
            check_tmx(path)
