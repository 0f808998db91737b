"""Export filters, the project JSON contract, and the export/import commands end to end."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from align.errors import InputError
from align.formats.filters import BeadFilter, OriginFilter, StatusFilter, select_beads
from align.formats.project_json import (
    project_to_dict,
    read_project,
    validate,
    write_project,
)
from align.formats.tmx import read_tmx
from align.model import Bead, BeadOrigin, BeadStatus, Project
from cli.app import app, main
from tests.test_formats_helpers import (
    check_tmx,
    every_tmx_checked,  # noqa: F401 (a fixture: validates every TMX written)
    hard_project,
)

pytestmark = pytest.mark.usefixtures("every_tmx_checked")

# hard_project's beads: status/origin/score by index
#  0 pending/mt/1.0  1 accepted/human/0.5  2 edited/edited/0.8765  3 accepted/tm/0.25
#  4 pending/mt/0.33  5 pending/human/0.9  6 pending/human/0.7  7 rejected/human/0.1
#  8 pending/human/0.0 (0:0)  9 accepted/mt/0.6


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        # unreviewed MT (0, 4) is left out unless asked for (include_mt, or origin=mt)
        (BeadFilter(), [1, 2, 3, 5, 6, 8, 9]),
        (BeadFilter(include_mt=True), [0, 1, 2, 3, 4, 5, 6, 8, 9]),
        (BeadFilter(StatusFilter.ACCEPTED), [1, 3, 9]),
        (BeadFilter(StatusFilter.EDITED), [2]),
        (BeadFilter(StatusFilter.REVIEWED), [1, 2, 3, 9]),
        (BeadFilter(min_score=0.7), [2, 5, 6]),
        (BeadFilter(min_score=0.7, include_mt=True), [0, 2, 5, 6]),
        (BeadFilter(origin=OriginFilter.MT), [0, 4, 9]),
        (BeadFilter(origin=OriginFilter.HUMAN), [1, 2, 3, 5, 6, 8]),
        (BeadFilter(StatusFilter.REVIEWED, 0.5, OriginFilter.HUMAN), [1, 2]),
        (BeadFilter(skip_empty=True), [1, 2, 3, 5, 6, 9]),
        (BeadFilter(skip_empty=True, include_mt=True), [0, 1, 2, 3, 4, 5, 6, 9]),
    ],
)
def test_select_beads(flt: BeadFilter, expected: list[int]) -> None:
    assert select_beads(hard_project().beads, flt) == expected


def test_what_is_left_out_is_counted_by_reason() -> None:
    from align.formats.filters import LeftOut, empty_in, for_format, select

    beads = hard_project().beads
    assert select(beads).left_out == LeftOut(rejected=1, unreviewed_mt=2)
    tmx = select(beads, for_format(None, "tmx"))  # a TMX never has an empty side
    assert tmx.left_out == LeftOut(rejected=1, unreviewed_mt=2, empty_side=1)
    blank = select(beads, for_format(None, "tmx"), empty_in(hard_project()))  # blank text too
    assert blank.left_out == LeftOut(rejected=1, unreviewed_mt=2, empty_side=2)
    xliff = select(beads, for_format(None, "xliff"))  # XLIFF marks drafts as needing review
    assert xliff.left_out == LeftOut(rejected=1) and 0 in xliff.indexes
    assert LeftOut(unreviewed_mt=1, empty_side=2).phrases() == [
        "1 unreviewed MT draft",
        "2 beads with an empty side",
    ]


def test_min_score_out_of_range() -> None:
    with pytest.raises(InputError, match="between 0 and 1"):
        BeadFilter(min_score=1.5)


def test_project_json_validates_against_schema(tmp_path: Path) -> None:
    path = tmp_path / "p.bitext.json"
    write_project(path, hard_project())
    validate(json.loads(path.read_text(encoding="utf-8")))
    assert read_project(path) == hard_project()


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("bitext-project/0", "older bitext"),
        ("bitext-project/2", "newer bitext"),
        ("bitext-project/1.1", "not a bitext project"),
        ("tmx", "not a bitext project"),
        (None, "not a bitext project"),
    ],
)
def test_other_format_versions_are_refused(fmt: str | None, message: str, tmp_path: Path) -> None:
    data = project_to_dict(hard_project())
    if fmt is None:
        del data["format"]
    else:
        data["format"] = fmt
    path = tmp_path / "p.bitext.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_project(path)


def test_schema_violation_is_one_clear_error(tmp_path: Path) -> None:
    data = project_to_dict(hard_project())
    data["beads"][0]["score"] = 7
    path = tmp_path / "p.bitext.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="beads/0/score"):
        read_project(path)


@pytest.fixture()
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "doc.bitext.json"
    write_project(path, hard_project())
    return path


def _bitext(args: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """Run the real entry point (one-line errors, exit codes) in-process."""
    monkeypatch.setattr(sys, "argv", ["bitext", *args])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_export_command_all_formats(project_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for suffix in (".tmx", ".xlf", ".jsonl", ".tsv", ".json"):
        out = tmp_path / f"export{suffix}"
        args = ["export", str(project_file), "-o", str(out), "--json", "--include-mt"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout.splitlines()[-1])
        units = 7 if suffix == ".tmx" else 9  # a TMX leaves out the beads with an empty side
        assert summary["units"] == units and summary["beads"] == 10 and out.exists()
        assert summary["output"] == str(out)
        assert summary["warnings"] == result.stderr.count("bitext: warning:")  # TMX 3, XLIFF 2
        assert summary["format"] == out.suffix.lstrip(".").replace("xlf", "xliff")


def test_export_tmx_with_filters_and_languages(
    project_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "reviewed.tmx"
    args = ["export", str(project_file), "--to", "tmx", "-o", str(out), "--status", "reviewed"]
    args += [
        "--origin",
        "human",
        "--min-score",
        "0.5",
        "--src-lang",
        "zh_CN",
        "--tgt-lang",
        "en-GB",
    ]
    assert _bitext(args, monkeypatch) == 0
    tree = check_tmx(out)
    # bead 2 passes the filters but its source is blank: a TMX never has an empty side
    assert [tu.get("tuid") for tu in tree.iter("tu")] == ["3"]
    assert tree.getroot().find("header").get("srclang") == "zh-CN"  # type: ignore[union-attr]
    err = capsys.readouterr().err
    assert "1 of 10 beads" in err and "2 beads with an empty side" in err


def test_export_leaves_unreviewed_mt_out_by_default_and_says_so(
    project_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "memory.tmx"
    result = CliRunner().invoke(app, ["export", str(project_file), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["units"] == 5  # accepted MT (10) stays: a human approved it
    assert summary["left_out"] == {
        "rejected": 1,
        "unreviewed_mt": 2,
        "empty_side": 2,  # bead 2's source text is blank, bead 9 has no sentences
        "filtered": 0,
    }
    assert "left out: 2 unreviewed MT drafts" in result.stderr
    assert "--include-mt adds them" in result.stderr
    tus = check_tmx(out).findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == ["3", "4", "6", "7", "10"]
    for tu in tus:  # every unit says where its target came from and whether it was reviewed
        props = {p.get("type"): p.text for p in tu.iter("prop")}
        assert props["x-origin"] in {"human", "edited", "tm", "mt"}
        assert props["x-status"] in {"pending", "accepted", "edited"}
        assert all(seg.text for seg in tu.iter("seg"))  # no empty side
    marked = CliRunner().invoke(app, ["export", str(project_file), "-o", str(out), "--include-mt"])
    assert marked.exit_code == 0, marked.output
    drafts = [tu for tu in check_tmx(out).iter("tu") if tu.get("tuid") in ("1", "5")]
    assert len(drafts) == 2
    for tu in drafts:
        props = {p.get("type"): p.text for p in tu.iter("prop")}
        assert props["x-origin"] == "mt" and props["x-status"] == "pending"


def test_export_prints_warnings_even_when_quiet(
    project_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        _bitext(
            ["export", str(project_file), "-o", str(tmp_path / "x.tmx"), "-q", "--include-mt"],
            monkeypatch,
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "bitext: warning: tu 5: removed U+0001" in err and "x-too-long" in err
    assert "beads →" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.txt"], "cannot tell the format"),
        (["-o", "x.tmx", "--src-lang", "en", "--tgt-lang", "en"], "different tags"),
    ],
)
def test_export_bad_input_is_one_line(
    args: list[str],
    message: str,
    project_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _bitext(["export", str(project_file), *args], monkeypatch) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("bitext: error:") and message in err and "\n" not in err


def test_export_missing_project_and_self_overwrite(
    project_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _bitext(["export", "nope.bitext.json", "-o", "x.tmx"], monkeypatch) == 1
    assert "no such project file" in capsys.readouterr().err
    assert _bitext(["export", str(project_file), "-o", str(project_file)], monkeypatch) == 1
    assert "that is an input file" in capsys.readouterr().err
    assert (
        _bitext(["export", str(project_file), "-o", "x.tmx", "--min-score", "2"], monkeypatch) == 2
    )
    assert "--min-score" in capsys.readouterr().err


def test_import_command(
    project_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmx = tmp_path / "memory.tmx"
    args = ["export", str(project_file), "-o", str(tmx), "-q", "--include-mt"]
    assert _bitext(args, monkeypatch) == 0
    out = tmp_path / "imported.json"
    result = CliRunner().invoke(app, ["import", str(tmx), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary == {"units": 7, "src_lang": "zh-CN", "tgt_lang": "en", "project": str(out)}
    validate(json.loads(out.read_text(encoding="utf-8")))
    assert read_project(out).beads == read_tmx(tmx).beads
    monkeypatch.chdir(tmp_path)
    assert _bitext(["import", str(tmx), "-q"], monkeypatch) == 0
    assert (tmp_path / "memory.bitext.json").exists()


def test_import_bad_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    assert _bitext(["import", str(bad), "-o", str(tmp_path / "p.json")], monkeypatch) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("bitext: error:") and "not well-formed" in err
    assert not (tmp_path / "p.json").exists()


def test_fast_validator_agrees_with_jsonschema() -> None:
    """read_project validates with fastjsonschema (speed); the reference validator must agree."""
    import jsonschema

    from align.formats.project_json import schema

    good = project_to_dict(hard_project())
    jsonschema.validate(good, schema())
    validate(good)
    bad_cases = [
        ("beads", 0, "status", "maybe"),
        ("source", None, "lang", "zh_CN"),
        ("beads", 1, "score", -0.1),
        ("drafts", 2, "text", 5),
    ]
    for key, index, field, value in bad_cases:
        data = json.loads(json.dumps(good))
        (data[key] if index is None else data[key][index])[field] = value
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, schema())
        with pytest.raises(InputError, match="not valid bitext-project/1"):
            validate(data)


def test_write_memories_keeps_human_work_and_mt_apart(tmp_path: Path) -> None:
    from align.formats.memories import write_memories

    human, mt = tmp_path / "doc.tmx", tmp_path / "doc.mt.tmx"
    report = write_memories(hard_project(), human, mt)
    assert (report.tmx, report.mt_tmx) == (human, mt)
    # accepted MT (10) is approved work; blank (2) and empty (9) sides and rejected (8) are out
    assert [tu.get("tuid") for tu in check_tmx(human).iter("tu")] == ["3", "4", "6", "7", "10"]
    assert [tu.get("tuid") for tu in check_tmx(mt).iter("tu")] == ["1", "5"]
    assert report.left_out.phrases() == ["2 beads with an empty side", "1 rejected bead"]
    reviewed = hard_project()
    only_mt = replace(reviewed, beads=tuple(b for b in reviewed.beads if b.origin == "mt"))
    pending = tuple(replace(b, status=BeadStatus.PENDING) for b in only_mt.beads)
    only_mt = replace(only_mt, beads=pending)
    again = write_memories(only_mt, human, mt)  # no human work: no NAME.tmx, not even last run's
    assert again.tmx is None and not human.exists() and again.mt_units == 3


def partial_reference_project() -> Project:
    """A reference translating the first sentence only: 1:0 beads with drafts (one accepted as
    "no translation" by a reviewer, one whose source segment is blank)."""
    base = hard_project()
    beads = (
        Bead((0,), (0,), 0.95, BeadOrigin.HUMAN, BeadStatus.PENDING),
        Bead((1,), (), 1.0, BeadOrigin.HUMAN, BeadStatus.PENDING),  # blank source: never a unit
        Bead((6,), (), 1.0, BeadOrigin.HUMAN, BeadStatus.PENDING),
        Bead((7,), (), 1.0, BeadOrigin.HUMAN, BeadStatus.ACCEPTED),
    )
    return replace(base, beads=beads)


def test_export_include_mt_writes_the_drafts_run_put_in_the_mt_tmx(tmp_path: Path) -> None:
    """`run` writes the drafts of the sentences a partial reference leaves untranslated to
    NAME.mt.tmx; `export --include-mt` (or `--origin mt`) of the same project used to leave them
    out as "beads with an empty side"."""
    from align.formats.exporters import export_project
    from align.formats.memories import write_memories

    project = partial_reference_project()
    report = write_memories(project, tmp_path / "run.tmx", tmp_path / "run.mt.tmx")
    assert report.mt_units == report.untranslated == 2

    plain = export_project("tmx", tmp_path / "plain.tmx", project)
    assert plain.count == 1 and plain.left_out.empty_side == 3  # human work only, as before
    both = export_project("tmx", tmp_path / "all.tmx", project, BeadFilter(include_mt=True))
    assert both.count == 3 and both.left_out.empty_side == 1
    tus = check_tmx(tmp_path / "all.tmx").findall("body/tu")
    assert [tu.get("tuid") for tu in tus] == ["1", "3", "4"]
    for tu in tus[1:]:
        props = {p.get("type"): p.text for p in tu.iter("prop")}
        # the draft was never reviewed, even where the 1:0 bead was accepted
        assert (props["x-origin"], props["x-status"]) == ("mt", "pending")
        assert all(seg.text for seg in tu.iter("seg"))
    only_mt = export_project(
        "tmx", tmp_path / "mt.tmx", project, BeadFilter(origin=OriginFilter.MT)
    )
    assert only_mt.count == 2
    assert _units(tmp_path / "mt.tmx") == _units(tmp_path / "run.mt.tmx")
    reviewed = BeadFilter(StatusFilter.REVIEWED, include_mt=True)
    assert export_project("tmx", tmp_path / "r.tmx", project, reviewed).count == 0


def _units(path: Path) -> list[list[str]]:
    return [[seg.text or "" for seg in tu.iter("seg")] for tu in check_tmx(path).iter("tu")]
