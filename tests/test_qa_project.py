"""QA over a whole project, the stored flag codes, and the ``qa`` / ``run --glossary`` CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from align.formats.project_json import project_to_dict, read_project, validate, write_project
from align.formats.tmx import write_tmx
from align.model import Bead, BeadOrigin, Draft, Project, Segment, Side
from align.qa import Severity, parse_code, qa_beads, qa_project
from align.qa.flags import Flag
from align.qa.glossary import Glossary, Term
from cli.app import app

SOURCE = [
    "上海合作组织外交部长会议于2002年11月23日在莫斯科举行。",
    "部长们表示希望，安理会1441号决议将有助于和平解决伊拉克问题。",
    "部长们支持朝鲜半岛无核化。",
]
HUMAN = [
    "The Meeting of Foreign Ministers of the Shanghai Cooperation Organization was held in "
    "Moscow on 23 November 2002.",
    "The Ministers hoped that Security Council resolution 1414 would help settle the Iraq issue.",
    "The Ministers supported the denuclearization of the Korean Peninsula.",
]
DRAFTS = [
    "The Shanghai Cooperation Organisation foreign ministers met in Moscow on 23 November 2002.",
    "The ministers hoped that Security Council resolution 1441 would help settle the Iraq issue.",
    "The Ministers supported the denuclearization of the Korean Peninsula.",
]
GLOSSARY = Glossary(
    (
        Term(
            "上海合作组织",
            ("Shanghai Cooperation Organization", "SCO"),
            ("Shanghai Cooperation Organisation",),
        ),
        Term("外交部长会议", ("Meeting of Foreign Ministers",)),
    )
)


def _side(lang: str, texts: list[str], path: str | None) -> Side:
    segments, pos = [], 0
    for i, text in enumerate(texts):
        segments.append(Segment(i, text, paragraph=i, start=pos, end=pos + len(text)))
        pos += len(text) + 1
    return Side(lang, path, tuple(segments))


def make_project(target: list[str] = HUMAN) -> Project:
    drafts = tuple(Draft(t, "tiny", "fp", "hf") for t in DRAFTS)
    beads = tuple(Bead((i,), (i,), 0.9, flags=("aligner: low score",)) for i in range(3))
    return Project(
        _side("zh", SOURCE, "doc.zh.md"), _side("en", target, "doc.en.txt"), drafts, beads
    )


def test_flag_codes_round_trip() -> None:
    flag = Flag("numbers", Severity.ERROR, "1441 (1441号决议); missing")
    code = flag.code("draft")
    assert code == "numbers:draft:error: 1441 (1441号决议), missing"
    parsed = parse_code(code)
    assert parsed is not None and (parsed.check, parsed.side, parsed.severity) == (
        "numbers",
        "draft",
        Severity.ERROR,
    )
    assert parse_code("aligner: low score") is None


def test_target_and_draft_are_both_checked() -> None:
    reports = {(r.index, r.side): r.flags for r in qa_beads(make_project(), GLOSSARY)}
    assert [f.check for f in reports[(0, "target")]] == []
    assert {f.check for f in reports[(0, "draft")]} == {"glossary"}
    assert {f.check for f in reports[(1, "target")]} == {"references"}  # 1441 lost, 1414 new
    assert reports[(1, "draft")] == ()
    assert (2, "draft") not in reports  # the draft is the same text: checked once


def test_mt_only_project_is_checked_once_as_target() -> None:
    project = replace(make_project(DRAFTS), beads=tuple(
        Bead((i,), (i,), 1.0, origin=BeadOrigin.MT) for i in range(3)
    ))  # fmt: skip
    sides = {r.side for r in qa_beads(project, GLOSSARY)}
    assert sides == {"target"}


def test_qa_project_stores_codes_keeps_other_flags_and_is_idempotent(tmp_path: Path) -> None:
    checked = qa_project(make_project(), GLOSSARY)
    flags = checked.beads[1].flags
    assert flags[0] == "aligner: low score"
    assert any(f.startswith("references:target:error: resolution 1441") for f in flags)
    assert qa_project(checked, GLOSSARY) == checked
    data = project_to_dict(checked)
    validate(data)
    write_project(tmp_path / "p.bitext.json", checked)
    assert read_project(tmp_path / "p.bitext.json") == checked
    write_tmx(tmp_path / "p.tmx", checked)
    tmx = (tmp_path / "p.tmx").read_text(encoding="utf-8")
    assert '<prop type="x-qa">aligner: low score;references:target:error:' in tmx


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "doc.bitext.json"
    write_project(path, make_project())
    return path


@pytest.fixture
def glossary_file(tmp_path: Path) -> Path:
    path = tmp_path / "g.tsv"
    path.write_text(
        "上海合作组织\tShanghai Cooperation Organization|SCO\tShanghai Cooperation Organisation\n",
        encoding="utf-8",
    )
    return path


def test_cli_report(project_file: Path, glossary_file: Path) -> None:
    before = project_file.read_bytes()
    result = CliRunner().invoke(app, ["qa", str(project_file), "--glossary", str(glossary_file)])
    assert result.exit_code == 0, result.output
    assert "By check:" in result.stdout and "references" in result.stdout
    assert "bead 1 [target]" in result.stdout and "bead 0 [draft]" in result.stdout
    assert project_file.read_bytes() == before  # without --write nothing changes


def test_cli_json_and_write(project_file: Path, glossary_file: Path) -> None:
    args = ["qa", str(project_file), "-g", str(glossary_file), "--json", "--write", "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"]["by_check"] == {"glossary": 2, "references": 2}
    assert data["summary"]["flagged_beads"] == [0, 1]
    assert data["summary"]["flags"] == 4 and set(data["summary"]["by_side"]) <= {"draft", "target"}
    assert data["summary"]["beads"] == len(read_project(project_file).beads)
    assert {"bead", "side", "check", "severity", "message", "source_span"} <= set(data["flags"][0])
    stored = read_project(project_file)
    assert any(parse_code(f) for f in stored.beads[1].flags)


def test_cli_bad_glossary_is_an_input_error(project_file: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["qa", str(project_file), "-g", str(tmp_path / "no.tsv")])
    assert result.exit_code == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "no such glossary file" in lines[0], result.stderr


def test_cli_missing_project_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["qa", str(tmp_path / "none.bitext.json")])
    assert result.exit_code == 1
    assert "no such project file" in result.stderr and "Traceback" not in result.stderr


class _FakeTranslator:
    """Stands in for MarianMT: the run test is about wiring, not about drafts."""

    model_id, fingerprint, engine = "fake", "0" * 12, "fake"

    def translate(
        self, texts: list[str], progress: Callable[[int], None] | None = None
    ) -> list[Draft]:
        return [Draft(f"Shanghai Cooperation Organisation {t}", "fake", "0", "fake") for t in texts]


def test_run_with_glossary_stores_flags(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_path: Path, glossary_file: Path
) -> None:
    monkeypatch.setattr("cli.run_cmd.make_translator", lambda options: _FakeTranslator())
    args = ["run", str(seed_path), "-o", str(tmp_path), "--glossary", str(glossary_file)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    project = read_project(tmp_path / "sco-foreign-ministers-2002-11-23.bitext.json")
    codes = [parse_code(f) for b in project.beads for f in b.flags]
    assert any(c and c.check == "glossary" and "forbidden" in c.message for c in codes)
    assert any(c and c.check == "untranslated" for c in codes)
    mt = tmp_path / "sco-foreign-ministers-2002-11-23.mt.tmx"  # the drafts are unreviewed MT
    assert "x-qa" in mt.read_text(encoding="utf-8")
    # the summary counts flagged beads per check (issue 27: it used to say nothing)
    flagged = {
        check: sum(
            any(c and c.check == check for c in map(parse_code, b.flags)) for b in project.beads
        )
        for check in ("glossary", "untranslated")
    }
    summary = json.loads(result.stdout.splitlines()[0])
    assert {k: summary["qa_flags"][k] for k in flagged} == flagged and all(flagged.values())
    assert "QA flags: " in result.stderr and f"glossary {flagged['glossary']}" in result.stderr


def test_a_reviewers_edit_is_what_gets_checked() -> None:
    project = make_project()
    fixed = HUMAN[1].replace("1414", "1441")
    beads = list(project.beads)
    beads[1] = replace(beads[1], text=fixed)
    reports = qa_beads(replace(project, beads=tuple(beads)), GLOSSARY)
    assert all(r.flags == () for r in reports if (r.index, r.side) == (1, "target"))
