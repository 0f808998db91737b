"""`bitext segment` through typer's CliRunner: text and JSON output, options, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["segment", *(str(a) for a in args)])
    return result.exit_code, result.stdout, result.stderr


def test_seed_prints_one_segment_per_line(seed_path: Path) -> None:
    code, out, _ = invoke(seed_path)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 36
    assert lines[0] == "上海合作组织外交部长会议联合公报"
    assert lines[1].endswith("在莫斯科举行。")


def test_json_has_offsets_and_paragraph_ids(seed_path: Path) -> None:
    code, out, _ = invoke(seed_path, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["lang"] == "zh" and data["path"] == str(seed_path)
    original = seed_path.read_text(encoding="utf-8")
    segs = data["segments"]
    assert len(segs) == 36
    assert segs[0]["kind"] == "heading" and segs[0]["markup"] == "## "
    for seg in segs:
        assert original[seg["start"] : seg["end"]] == seg["markup"] + seg["text"]
    assert [s["paragraph"] for s in segs[:4]] == [0, 1, 1, 2]


def test_english_and_semicolon_options(tmp_path: Path) -> None:
    doc = tmp_path / "doc.en.txt"
    doc.write_text("Mr. Wang arrived; talks began. They ended\nat noon.\n", encoding="utf-8")
    code, out, _ = invoke(doc, "--lang", "en")
    assert code == 0
    assert out.splitlines() == ["Mr. Wang arrived; talks began.", "They ended at noon."]
    code, out, _ = invoke(doc, "-l", "en", "--split-semicolons")
    assert out.splitlines()[:2] == ["Mr. Wang arrived;", "talks began."]


def test_gb18030_file_is_read_and_noted(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_bytes("会议举行。部长们发言。".encode("gb18030"))
    code, out, err = invoke(doc)
    assert code == 0
    assert out.splitlines() == ["会议举行。", "部长们发言。"]
    assert "GB18030" in err
    assert invoke(doc, "--quiet")[2] == ""


def test_missing_empty_and_binary_files_give_one_line_and_exit_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    for path in (tmp_path / "missing.txt", empty, binary, tmp_path):
        code, out, err = invoke(path)
        assert code == 1, path
        assert out == ""
        assert len(err.strip().splitlines()) == 1 and err.startswith("bitext: error:"), err


def test_unknown_language_is_a_usage_error(seed_path: Path) -> None:
    code, _, err = invoke(seed_path, "--lang", "fr")
    assert code == 2
    assert "--lang" in err


def test_language_is_detected_when_lang_is_not_given(tmp_path: Path) -> None:
    """An English file used to be cut with the Chinese rules: whole paragraphs came back."""
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "Mr. Wang arrived in Moscow. Talks began at once.\n\nThe ministers met (see 会议 notes). "
        "They agreed.\n",
        encoding="utf-8",
    )
    code, out, _ = invoke(doc)
    assert code == 0
    assert out.splitlines() == [
        "Mr. Wang arrived in Moscow.",
        "Talks began at once.",
        "The ministers met (see 会议 notes).",
        "They agreed.",
    ]
    code, out, _ = invoke(doc, "--json")
    assert json.loads(out)["lang"] == "en"
    code, out, _ = invoke(doc, "--lang", "zh")  # --lang still decides
    assert json.loads(invoke(doc, "--lang", "zh", "--json")[1])["lang"] == "zh"
    assert out.splitlines()[0] == "Mr. Wang arrived in Moscow. Talks began at once."


def test_chinese_quoting_english_is_still_chinese(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("会议由WTO和APEC代表出席。部长们发言。\n", encoding="utf-8")
    code, out, _ = invoke(doc, "--json")
    assert code == 0 and json.loads(out)["lang"] == "zh"
    assert [s["text"] for s in json.loads(out)["segments"]] == [
        "会议由WTO和APEC代表出席。",
        "部长们发言。",
    ]
