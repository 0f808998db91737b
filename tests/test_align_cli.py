"""``bitext align`` end to end, and its one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from align.formats.project_json import read_project
from cli.app import main
from models.sentence_encoder import encoder_installed
from tests.test_align import EN, GOLD, ZH


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    old = sys.argv
    sys.argv = ["bitext", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = old
    out, err = capsys.readouterr()
    return code, out, err


def expected_lines() -> list[str]:
    return ["[{}]:[{}]".format(",".join(map(str, s)), ",".join(map(str, t))) for s, t in GOLD]


def test_segmented_beads_on_stdout(
    zh_en_files: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    code, out, _ = run_cli(
        ["align", str(zh_en_files[0]), str(zh_en_files[1]), "--segmented", "-q"], capsys
    )
    assert code == 0
    assert out.splitlines() == expected_lines()


def test_beads_out_project_and_json(
    zh_en_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    drafts = tmp_path / "doc.mt"
    drafts.write_text("\n".join(["draft"] * len(ZH)) + "\n", encoding="utf-8")
    beads, project = tmp_path / "doc.align", tmp_path / "doc.bitext.json"
    args = [
        "align",
        str(zh_en_files[0]),
        str(zh_en_files[1]),
        "--segmented",
        "--drafts",
        str(drafts),
    ]
    code, out, _ = run_cli([*args, "--beads-out", str(beads), "-o", str(project), "--json"], capsys)
    assert code == 0
    summary = json.loads(out)
    assert summary["beads"] == len(GOLD)
    assert (summary["source_sentences"], summary["target_sentences"]) == (len(ZH), len(EN))
    assert summary["low_score_beads"] == 0
    assert summary["semantic"] is encoder_installed()  # meaning is on by default
    assert summary["seconds"] >= 0
    assert beads.read_text(encoding="utf-8").splitlines() == expected_lines()
    loaded = read_project(project)
    assert [(b.source, b.target) for b in loaded.beads] == GOLD
    assert [d.text for d in loaded.drafts if d] == ["draft"] * len(ZH)
    # drafts can be taken back from that project
    code, out, _ = run_cli([*args[:-1], str(project), "-q"], capsys)
    assert code == 0 and out.splitlines() == expected_lines()


def test_unsegmented_texts_are_segmented(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    zh, en = tmp_path / "a.zh.txt", tmp_path / "a.en.txt"
    zh.write_text("".join(ZH) + "\n", encoding="utf-8")
    en.write_text(" ".join(EN) + "\n", encoding="utf-8")
    code, out, _ = run_cli(["align", str(zh), str(en), "-q"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "[0]:[0]"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("swapped", "no Chinese characters"),
        ("identical", "looks like Chinese"),
        ("drafts", "drafts for 5 Chinese sentences"),
        ("missing", "doc.nope"),
        ("no-out-dir", "no directory"),
    ],
)
def test_bad_input_is_one_line(
    zh_en_files: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    case: str,
    message: str,
) -> None:
    zh, en = zh_en_files
    args = {
        "swapped": [str(en), str(zh)],
        "identical": [str(zh), str(zh)],
        "drafts": [str(zh), str(en), "--drafts", str(en)],
        "missing": [str(zh), str(tmp_path / "doc.nope")],
        "no-out-dir": [str(zh), str(en), "--beads-out", str(tmp_path / "nope" / "a.align")],
    }[case]
    code, _, err = run_cli(["align", *args, "--segmented", "-q"], capsys)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_empty_english_file_is_a_one_line_error(
    zh_en_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    empty = tmp_path / "empty.en"
    empty.write_text("", encoding="utf-8")
    code, out, err = run_cli(
        ["align", str(zh_en_files[0]), str(empty), "--segmented", "-q"], capsys
    )
    assert code == 1 and out == ""
    assert "empty" in err and len(err.strip().splitlines()) == 1


def test_texts_that_do_not_translate_each_other_get_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from tests.benchmarks.test_align_bench import synthetic_pair

    zh_lines, en_lines, _ = synthetic_pair(60, seed=1)
    _, other_en, _ = synthetic_pair(60, seed=2)
    zh, en, wrong = tmp_path / "a.zh", tmp_path / "a.en", tmp_path / "b.en"
    zh.write_text("\n".join(zh_lines) + "\n", encoding="utf-8")
    en.write_text("\n".join(en_lines) + "\n", encoding="utf-8")
    wrong.write_text("\n".join(other_en) + "\n", encoding="utf-8")
    code, out, err = run_cli(["align", str(zh), str(en), "--segmented", "-q"], capsys)
    assert code == 0 and out and "warning" not in err
    code, out, err = run_cli(["align", str(zh), str(wrong), "--segmented", "-q"], capsys)
    assert code == 0 and out  # the beads are still written: the reviewer decides
    (line,) = err.splitlines()
    assert line.startswith("bitext: warning:") and "check that b.en translates a.zh" in line


def test_a_side_many_times_too_long_gets_a_warning_and_still_aligns(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    zh, en = tmp_path / "a.zh", tmp_path / "a.en"

    def align_sizes(zh_lines: list[str], en_lines: list[str]) -> tuple[int, str, str]:
        zh.write_text("\n".join(zh_lines) + "\n", encoding="utf-8")
        en.write_text("\n".join(en_lines) + "\n", encoding="utf-8")
        return run_cli(["align", str(zh), str(en), "--segmented", "-q"], capsys)

    code, out, err = align_sizes(ZH * 3, EN * 3)  # a translation's usual size: nothing to say
    assert code == 0 and out and err == ""
    code, out, err = align_sizes(ZH, EN * 10)  # warned even with -q; the beads still come
    assert code == 0 and len(out.splitlines()) >= len(ZH)
    first, *rest = err.splitlines()  # before aligning (doubtful beads may add a warning)
    assert first.startswith("bitext: warning: a.en is about") and "translation of a.zh" in first
    assert all(line.startswith("bitext: warning:") for line in rest)
    code, out, err = align_sizes(ZH * 10, EN[:1])
    assert code == 0 and out
    first, *rest = err.splitlines()
    assert first.startswith("bitext: warning: a.zh is about") and "original of a.en" in first
    assert all(line.startswith("bitext: warning:") for line in rest)
