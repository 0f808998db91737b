"""Bad input and unsafe outputs end in one line and exit 1, and never cost a user file.

Each case here once ended in a traceback or replaced a file the user still needed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from align.formats.project_json import write_project
from align.formats.tmx import write_tmx
from cli.app import main
from tests.encoder_helpers import share_encoder
from tests.test_formats_helpers import hard_project

ZH = "今天天气很好。\n我们去公园。\n"
# the random model never stops by itself: 512-token loops cost seconds a sentence
FAST = ["--beam", "1", "--max-length", "16"]
EN = "The weather is fine today.\nWe go to the park.\n"


def bitext(args: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """The real entry point, in-process: exit code as a shell sees it."""
    monkeypatch.setattr(sys, "argv", ["bitext", *[str(a) for a in args]])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def one_line_error(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    """The error is stderr's last line and its only ``bitext: error:`` (progress may precede)."""
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err, err
    last = err.splitlines()[-1]
    assert last.startswith("bitext: error:") and err.count("bitext: error:") == 1, err
    for word in words:
        assert word in last, err
    return last


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    share_encoder(tmp_path / "cache")
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path / "cache"))
    Path("zh.txt").write_text(ZH, encoding="utf-8")
    Path("en.txt").write_text(EN, encoding="utf-8")
    write_project(Path("p.json"), hard_project())
    write_tmx(Path("tm.tmx"), hard_project())
    Path("somedir").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["export", "p.json", "-o", "somedir", "--to", "tmx"],
        ["import", "tm.tmx", "-o", "somedir"],
        ["align", "zh.txt", "en.txt", "-o", "somedir"],
        ["align", "zh.txt", "en.txt", "--beads-out", "somedir"],
        ["report", "p.json", "-o", "somedir"],
        ["report", "p.json", "-o", ""],
    ],
)
def test_output_that_is_a_directory(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list
) -> None:
    assert bitext(args, monkeypatch) == 1
    one_line_error(capsys)
    assert Path("somedir").is_dir()


@pytest.mark.parametrize(
    ("args", "victim"),
    [
        (["import", "tm.tmx", "-o", "tm.tmx"], "tm.tmx"),
        (["report", "p.json", "-o", "p.json"], "p.json"),
        (["export", "p.json", "-o", "./p.json"], "p.json"),
        (["align", "zh.txt", "en.txt", "-o", "zh.txt"], "zh.txt"),
        (["align", "zh.txt", "en.txt", "--beads-out", "en.txt"], "en.txt"),
        (["align", "zh.txt", "en.txt", "-o", "x.json", "--beads-out", "x.json"], None),
    ],
)
def test_output_that_would_replace_an_input(
    files: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list,
    victim: str | None,
) -> None:
    before = Path(victim).read_bytes() if victim else b""
    assert bitext(args, monkeypatch) == 1
    one_line_error(capsys)
    if victim:
        assert Path(victim).read_bytes() == before
    else:
        assert not Path("x.json").exists()


def test_draft_refuses_to_overwrite_its_document(
    files: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["draft", "zh.txt", "-o", "zh.txt", "--model", tiny_model, *FAST, "-q"]
    assert bitext(args, monkeypatch) == 1
    one_line_error(capsys, "input file")
    assert Path("zh.txt").read_text(encoding="utf-8") == ZH


def test_output_through_a_symlink_updates_the_file_it_names(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Path("real.tmx").write_text("old", encoding="utf-8")
    Path("link.tmx").symlink_to("real.tmx")
    assert bitext(["export", "p.json", "-o", "link.tmx", "-q"], monkeypatch) == 0
    assert Path("link.tmx").is_symlink()
    assert Path("real.tmx").read_text(encoding="utf-8").startswith("<?xml")


def test_output_to_a_pipe_is_refused(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo("fifo.tmx")
    assert bitext(["export", "p.json", "-o", "fifo.tmx"], monkeypatch) == 1
    one_line_error(capsys, "not a regular file")
    assert Path("fifo.tmx").is_fifo()


def _damage(path: Path, change: str) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    if change == "index":
        data["beads"][0]["source"] = [99]
    elif change == "twice":
        data["beads"][1]["target"] = data["beads"][0]["target"]
    elif change == "drafts":
        data["drafts"] = data["drafts"][:1]
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("change", ["index", "twice", "drafts"])
@pytest.mark.parametrize(
    "command", [["qa"], ["export", "-o", "x.tmx"], ["report"], ["review", "--list"], ["status"]]
)
def test_damaged_project(
    files: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: str,
    command: list,
) -> None:
    _damage(Path("p.json"), change)
    assert bitext([command[0], "p.json", *command[1:]], monkeypatch) == 1
    one_line_error(capsys, "damaged project")


def test_project_with_a_byte_order_mark_loads(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("p.json").write_bytes(b"\xef\xbb\xbf" + Path("p.json").read_bytes())
    assert bitext(["status", "p.json"], monkeypatch) == 0


def test_qa_write_waits_for_no_one_and_loses_nothing(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A live review holds the lock: qa --write stops instead of being overwritten later."""
    from align.review.journal import ProjectLock

    lock = ProjectLock(Path("p.json"))
    lock.acquire()
    try:
        assert bitext(["qa", "p.json", "--write"], monkeypatch) == 1
        one_line_error(capsys, "another bitext review")
        assert bitext(["qa", "p.json"], monkeypatch) == 0  # reading needs no lock
    finally:
        lock.release()
    assert bitext(["qa", "p.json", "--write", "-q"], monkeypatch) == 0


def test_single_key_review_needs_a_terminal(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115
    assert bitext(["review", "p.json", "-k"], monkeypatch) == 1
    one_line_error(capsys, "-k")


def test_review_goes_on_when_the_editor_fails(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.setenv("VISUAL", "false")
    monkeypatch.setattr(sys, "stdin", io.StringIO("E\na\nq\n"))
    assert bitext(["review", "p.json", "--order", "doc"], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "Editing failed" in out and "Traceback" not in out
    assert json.loads(Path("p.json").read_text(encoding="utf-8"))["beads"][0]["status"] == (
        "accepted"
    )


def test_utf16_and_latin_heavy_gbk_files_are_read(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("zh16.txt").write_bytes(ZH.encode("utf-16"))
    assert bitext(["segment", "zh16.txt"], monkeypatch) == 0
    assert capsys.readouterr().out.splitlines() == ZH.splitlines()
    Path("g.tsv").write_bytes("天气\tweather\n公园\tpark|garden\n".encode("gbk"))
    assert bitext(["qa", "p.json", "-g", "g.tsv", "-q"], monkeypatch) == 0


@pytest.mark.parametrize(
    ("name", "content", "extra"),
    [
        ("h.tsv", "source\ttarget\n", []),
        ("t.tmx", None, ["--src-lang", "zh-CN", "--tgt-lang", "zh-CN"]),
        (
            "v2.xlf",
            '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh">'
            '<file id="f"><unit id="1"><segment><source>你好</source><target>hi</target>'
            "</segment></unit></file></xliff>",
            [],
        ),
    ],
)
def test_import_that_finds_nothing_usable(
    files: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str | None,
    extra: list,
) -> None:
    if content is None:
        shutil.copy("tm.tmx", name)
    else:
        Path(name).write_text(content, encoding="utf-8")
    assert bitext(["import", name, "-o", "new.json", *extra], monkeypatch) == 1
    one_line_error(capsys)
    assert not Path("new.json").exists()


def test_memory_with_no_usable_units(
    files: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    Path("fr.tmx").write_text(
        '<tmx version="1.4"><header srclang="fr" datatype="plaintext" segtype="sentence" '
        'adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="t"/><body><tu>'
        "<tuv xml:lang='fr'><seg>bonjour</seg></tuv><tuv xml:lang='de'><seg>hallo</seg></tuv>"
        "</tu></body></tmx>",
        encoding="utf-8",
    )
    args = ["run", "zh.txt", "--tm", "fr.tmx", "--model", tiny_model, *FAST, "-q"]
    assert bitext(args, monkeypatch) == 1
    one_line_error(capsys, "fr.tmx", "leave this memory out")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "en.txt"], ["no Chinese characters"]),
        (["draft", "en.txt", "-o", "d.json"], ["no Chinese characters"]),
        (["run", "zh.txt", "-r", "zh.txt"], ["looks like Chinese"]),
    ],
)
def test_wrong_languages_stop_before_any_drafting(
    files: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list,
    words: list,
) -> None:
    def no_load(self: object) -> None:
        raise AssertionError("the model was loaded before the input was checked")

    monkeypatch.setattr("models.hf_engine.HFTranslator.load", no_load)
    assert bitext([*args, "--model", tiny_model, *FAST, "-q", "--no-cache"], monkeypatch) == 1
    one_line_error(capsys, *words)


@pytest.mark.parametrize("damage", ["weights", "spm"])
def test_damaged_model_files(
    files: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    damage: str,
) -> None:
    model = Path(shutil.copytree(tiny_model, "model"))
    if damage == "weights":
        weights = next(p for p in model.iterdir() if p.suffix in (".bin", ".safetensors"))
        weights.write_bytes(weights.read_bytes()[:1000])
    else:
        (model / "source.spm").write_text("garbage", encoding="utf-8")
    args = ["draft", "zh.txt", "-o", "d.json", "--model", model, "--engine", "hf", *FAST, "-q"]
    assert bitext([*args, "--no-cache"], monkeypatch) == 1
    one_line_error(capsys, "damaged", "bitext models pull")


def test_model_commands_with_odd_arguments(
    files: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert bitext(["models", "pull", tiny_model], monkeypatch) == 1
    one_line_error(capsys, "needs no download", "--model")
    assert bitext(["models", "pull", "not a valid id!!"], monkeypatch) == 1
    one_line_error(capsys, "not a hub model id")
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(files / "zh.txt"))  # a file, not a folder
    assert bitext(["models", "convert", tiny_model, "--force"], monkeypatch) == 1
    one_line_error(capsys, "BITEXT_CACHE_DIR")


def test_an_unforeseen_error_is_one_line_unless_debugging(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("planted")

    monkeypatch.setattr("cli.status_cmd.load_current", broken, raising=False)
    monkeypatch.setattr("align.review.journal.read_project", broken)
    assert bitext(["status", "p.json"], monkeypatch) == 1
    one_line_error(capsys, "ValueError", "planted", "BITEXT_DEBUG")
    monkeypatch.setenv("BITEXT_DEBUG", "1")
    with pytest.raises(ValueError, match="planted"):
        bitext(["status", "p.json"], monkeypatch)


@pytest.mark.parametrize(
    "args",
    [["run", "--bogus"], ["align", "zh.txt"], ["--bogus"], ["models", "bogus"], ["nope"]],
)
def test_usage_errors_are_one_line_with_exit_2(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list
) -> None:
    assert bitext(args, monkeypatch) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("bitext: usage error:") and "\n" not in err, err
    assert err.endswith("--help)")


def test_bare_commands_still_print_their_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in ([], ["models"]):
        bitext(args, monkeypatch)
        captured = capsys.readouterr()
        assert "Usage:" in captured.out + captured.err and "usage error" not in captured.err


def test_reviewed_project_is_not_wiped_by_a_rerun(
    files: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    draft = ["draft", "zh.txt", "-o", "d.json", "--model", tiny_model, *FAST, "-q"]
    assert bitext(draft, monkeypatch) == 0
    assert bitext(draft, monkeypatch) == 0  # nothing reviewed yet: replaced freely
    assert bitext(["review", "d.json", "--set", "1=accepted", "-q"], monkeypatch) == 0
    before = Path("d.json").read_bytes()
    assert bitext(draft, monkeypatch) == 1
    one_line_error(capsys, "review work on 1 bead", "--overwrite")
    assert Path("d.json").read_bytes() == before
    align = ["align", "zh.txt", "en.txt", "-o", "d.json", "-q"]
    assert bitext(align, monkeypatch) == 1
    one_line_error(capsys, "--overwrite")
    assert bitext([*draft, "--overwrite"], monkeypatch) == 0
    assert json.loads(Path("d.json").read_text(encoding="utf-8"))["beads"][0]["status"] == (
        "pending"
    )


def test_no_command_writes_a_project_under_a_live_review(
    files: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from align.review.journal import ProjectLock

    lock = ProjectLock(Path("p.json"))
    lock.acquire()
    try:
        for args in (
            ["align", "zh.txt", "en.txt", "-o", "p.json", "--overwrite"],
            ["import", "tm.tmx", "-o", "p.json", "--overwrite"],
            ["draft", "zh.txt", "-o", "p.json", "--model", tiny_model, *FAST, "--overwrite"],
        ):
            before = Path("p.json").read_bytes()
            assert bitext([*args, "-q"], monkeypatch) == 1, args
            one_line_error(capsys, "another bitext review")
            assert Path("p.json").read_bytes() == before
    finally:
        lock.release()


def test_ctrl_c_while_loading_ends_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cli.app
    from cli.entry import main as entry

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.app, "main", interrupted)
    with pytest.raises(SystemExit) as exit_info:
        entry()
    assert exit_info.value.code == 130
    assert capsys.readouterr().err.strip().startswith("bitext: interrupted")


def test_damaged_draft_cache(
    files: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sqlite3

    Path("cache").mkdir(exist_ok=True)  # the fixture may have made it
    with sqlite3.connect(Path("cache") / "drafts.sqlite3") as db:  # another program's table
        db.execute("CREATE TABLE drafts (key TEXT PRIMARY KEY, text INTEGER)")
    args = ["draft", "zh.txt", "-o", "d.json", "--model", tiny_model, *FAST, "-q"]
    assert bitext(args, monkeypatch) == 1
    one_line_error(capsys, "draft cache", "damaged", "--no-cache")


def test_segmented_lines_break_at_newlines_only(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("dr.txt").write_text("Good\u2028weather\x0ctoday.\nWe go\x85to the park.\n", "utf-8")
    Path("en1.txt").write_text("The weather\u2028is fine today.\nWe go to the park.\n", "utf-8")
    args = ["align", "zh.txt", "en1.txt", "--segmented", "--drafts", "dr.txt", "--json", "-q"]
    assert bitext(args, monkeypatch) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["source_sentences"] == summary["target_sentences"] == 2


def test_document_with_only_whitespace(
    files: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    Path("ws.md").write_text("   \n\n\t\n\u3000\n", encoding="utf-8")
    assert bitext(["run", "ws.md", "--model", tiny_model, *FAST, "-q"], monkeypatch) == 1
    one_line_error(capsys, "ws.md")


def test_one_bead_set_two_ways_is_a_usage_error(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["review", "p.json", "--set", "1=accepted", "--set", "1=rejected"]
    assert bitext(args, monkeypatch) == 2
    assert "both accepted and rejected" in capsys.readouterr().err


def test_folder_in_place_of_the_review_lock(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("p.json.lock").mkdir()
    assert bitext(["review", "p.json", "--set", "1=accepted"], monkeypatch) == 1
    one_line_error(capsys, "rename it")
    assert bitext(["models", "info", "zh.txt"], monkeypatch) == 1
    assert "--model" not in one_line_error(capsys, "is a file")


def test_import_says_which_values_it_replaced(
    files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"source": "你好", "target": "hello", "score": "x", "status": "weird"},
        {"source": "再见", "target": "bye", "score": 0.5, "status": "accepted"},
        {"source": "好", "target": "good", "score": 7},
    ]
    Path("t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert bitext(["import", "t.jsonl", "-o", "t.json", "-q"], monkeypatch) == 0
    err = capsys.readouterr().err
    assert "t.jsonl:1: score 'x'" in err and "t.jsonl:1: status 'weird'" in err
    assert "t.jsonl:3: score 7" in err and "t.jsonl:2" not in err
    beads = json.loads(Path("t.json").read_text(encoding="utf-8"))["beads"]
    assert [b["status"] for b in beads] == ["pending", "accepted", "pending"]
