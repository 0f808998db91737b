"""Glossary matching, the TSV and TBX-Basic formats, and the shipped SCO glossary."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from align.errors import InputError
from align.qa.glossary import (
    Glossary,
    Term,
    check_glossary,
    find_terms,
    load_glossary,
    term_pattern,
)
from align.qa.glossary_tsv import parse_glossary_tsv, read_glossary_tsv, write_glossary_tsv
from align.qa.tbx import parse_tbx, read_tbx, write_tbx

REPO = Path(__file__).resolve().parent.parent
SEED_GLOSSARY = REPO / "seeds" / "sco-glossary.tsv"

SCO = Term(
    "上海合作组织",
    ("Shanghai Cooperation Organization", "SCO"),
    ("Shanghai Cooperation Organisation",),
)
GLOSSARY = Glossary(
    (
        SCO,
        Term("外交部长会议", ("Meeting of Foreign Ministers", "Foreign Ministers Meeting")),
        Term("外交部长", ("Foreign Minister",)),
        Term("分裂主义", ("separatism",), ("splittism",)),
        Term("无核武器区", ("nuclear-weapon-free zone",)),
    )
)


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("Foreign Minister", "the foreign ministers"),
        ("Foreign Ministers Meeting", "the SCO Foreign Ministers' Meeting"),
        ("nuclear-weapon-free zone", "nuclear weapon free zones"),
        ("separatism", "separatist tendencies"),
        ("Asia", "Asian countries"),
        ("Secretary", "the Secretaries"),
        ("Shanghai Cooperation Organization", "Shanghai Cooperation Organization's Charter"),
    ],
)
def test_term_pattern_tolerates_inflection(form: str, text: str) -> None:
    assert term_pattern(form).search(text)


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("Shanghai Cooperation Organization", "Shanghai Cooperation Organisation"),
        ("Regional", "Regionalism"),
        ("SCO", "SCOPE"),
        ("SCO", "a sco"),  # acronyms are case-sensitive
        ("Iraq", "Iraqiyya"),
    ],
)
def test_term_pattern_does_not_overmatch(form: str, text: str) -> None:
    assert not term_pattern(form).search(text)


def test_correct_terms_pass_and_longest_term_wins() -> None:
    source = "上海合作组织外交部长会议在莫斯科举行。"
    assert check_glossary(source, "The SCO Meeting of Foreign Ministers was held.", GLOSSARY) == []


def test_missing_and_forbidden_terms() -> None:
    source = "上海合作组织外交部长会议在莫斯科举行。"
    target = "The Shanghai Cooperation Organisation ministerial meeting was held."
    messages = [f.message for f in check_glossary(source, target, GLOSSARY)]
    assert len(messages) == 3
    assert any("上海合作组织 → 'Shanghai Cooperation Organization'" in m for m in messages)
    assert any("forbidden 'Shanghai Cooperation Organisation'" in m for m in messages)
    assert any("外交部长会议" in m for m in messages)


def test_forbidden_variant_is_inflection_tolerant() -> None:
    flags = check_glossary("分裂主义", "splittist forces and separatism", GLOSSARY)
    assert [f.message for f in flags] == ["分裂主义: forbidden 'splittist' (use 'separatism')"]


def test_no_glossary_no_flags() -> None:
    assert check_glossary("上海合作组织", "nothing", None) == []


def test_tsv_parsing() -> None:
    text = (
        "# comment\nzh\ten\tforbidden\tnote\n"
        "上海合作组织\tShanghai Cooperation Organization|SCO\tShanghai Cooperation Organisation\t"
        "house style\n北京\tBeijing\n"
    )
    glossary = parse_glossary_tsv(text)
    assert glossary.terms == (
        Term("上海合作组织", SCO.en, SCO.forbidden, "house style"),
        Term("北京", ("Beijing",)),
    )


@pytest.mark.parametrize("text", ["北京\n", "\tBeijing\n", "# only a comment\n"])
def test_tsv_errors_say_what_to_do(text: str) -> None:
    with pytest.raises(InputError, match="zh<TAB>en"):
        parse_glossary_tsv(text, "g.tsv")


def test_tsv_and_tbx_round_trip(tmp_path: Path) -> None:
    write_glossary_tsv(tmp_path / "g.tsv", GLOSSARY)
    assert read_glossary_tsv(tmp_path / "g.tsv") == GLOSSARY
    write_tbx(tmp_path / "g.tbx", GLOSSARY)
    assert read_tbx(tmp_path / "g.tbx") == GLOSSARY
    assert load_glossary(tmp_path / "g.tbx") == load_glossary(tmp_path / "g.tsv")


TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
 <tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
 <text><body>
  <conceptEntry id="c1">
   <descrip type="definition">Kazakh city</descrip>
   <langSec xml:lang="zh-CN"><termSec><term>阿拉木图</term></termSec></langSec>
   <langSec xml:lang="en">
    <termSec><term>Alma-Ata</term>
     <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
    <termSec><term>Almaty</term>
     <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
   </langSec>
  </conceptEntry>
 </body></text>
</tbx>""".encode()


def test_tbx3_with_namespace_and_statuses() -> None:
    glossary = parse_tbx(TBX3)
    assert glossary.terms == (Term("阿拉木图", ("Almaty",), ("Alma-Ata",), "Kazakh city"),)


@pytest.mark.parametrize("data", [b"<martif><text><body/></text></martif>", b"not xml <"])
def test_bad_tbx(data: bytes) -> None:
    with pytest.raises(InputError, match="TBX"):
        parse_tbx(data, "g.tbx")


def test_missing_glossary_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such glossary"):
        load_glossary(tmp_path / "nope.tsv")


def test_seed_glossary_covers_the_communique() -> None:
    glossary = load_glossary(SEED_GLOSSARY)
    by_zh = {t.zh: t for t in glossary.terms}
    assert len(by_zh) == len(glossary.terms), "duplicate zh terms"
    for zh, en in [
        ("上海合作组织", "Shanghai Cooperation Organization"),
        ("国家协调员理事会", "Council of National Coordinators"),
        ("地区反恐机构", "Regional Anti-Terrorist Structure"),
        ("托卡耶夫", "Tokayev"),
        ("唐家璇", "Tang Jiaxuan"),
        ("艾特玛托夫", "Aitmatov"),
        ("伊万诺夫", "Ivanov"),
        ("纳扎罗夫", "Nazarov"),
        ("卡米洛夫", "Kamilov"),
        ("联合国宪章", "Charter of the United Nations"),
        ("关于国际恐怖主义的全面公约", "Comprehensive Convention on International Terrorism"),
        ("东盟地区论坛", "ASEAN Regional Forum"),
        ("亚信", "CICA"),
        ("支尔格大会", "Loya Jirga"),
        ("波恩协议", "Bonn Agreement"),
        ("阿拉木图", "Almaty"),
    ]:
        assert en in by_zh[zh].en
    seed = (REPO / "seeds" / "sco-foreign-ministers-2002-11-23.zh.md").read_text(encoding="utf-8")
    unused = [t.zh for t in glossary.terms if t.zh not in seed]
    assert len(unused) <= 6, unused  # a few general terms (外长, 秘书长…) beyond the seed are fine


def test_simplified_glossary_finds_its_terms_in_a_traditional_source() -> None:
    """Glossaries are kept in one script, sources come in either: matched through OpenCC."""
    source = "上海合作組織外交部長會議於莫斯科舉行。"
    found = [(term.zh, span) for term, span in find_terms(source, GLOSSARY)]
    assert found == [("上海合作组织", (0, 6)), ("外交部长会议", (6, 12))]  # spans as written
    flags = check_glossary(source, "The SCO ministers met.", GLOSSARY)
    assert [f.source_span for f in flags] == [(6, 12)]
    assert source[slice(*flags[0].source_span)] == "外交部長會議"
    traditional = Glossary((Term("外交部長", ("Foreign Minister",)),))
    assert find_terms("外交部长们", traditional) == [(traditional.terms[0], (0, 4))]


def test_qa_command_matches_a_simplified_glossary_in_a_traditional_project(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from align.formats.project_json import write_project
    from cli.app import app
    from tests.test_qa_project import make_project

    project = make_project()
    source = project.source
    first = source.segments[0]
    traditional = replace(first, text="上海合作組織外交部長會議於2002年11月23日在莫斯科舉行。")
    project = replace(project, source=replace(source, segments=(traditional, *source.segments[1:])))
    path = tmp_path / "p.json"
    write_project(path, project)
    glossary = tmp_path / "g.tsv"
    glossary.write_text("上海合作组织\tShanghai Cooperation Organization\n", encoding="utf-8")
    args = ["qa", str(path), "-g", str(glossary), "--json", "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    flags = [f for f in json.loads(result.stdout)["flags"] if f["check"] == "glossary"]
    assert [(f["bead"], f["side"], f["source_span"]) for f in flags] == [(0, "draft", [0, 6])]
