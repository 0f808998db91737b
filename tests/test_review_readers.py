"""Issue 27.2: every reader of a project sees what the reviewer decided, journal included.

A review journals each decision (fsynced) and folds it into the project only when it ends, so
after ``kill -9`` or while a review is still open the decisions live in ``PROJECT.journal``.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from align.formats.project_json import read_project
from align.model import BeadStatus, Project
from align.review import journal as journal_module
from align.review.journal import Recorder, _digest, journal_path, read_current
from align.review.session import Action, start
from cli.app import app
from tests.review_projects import EN, ZH, write
from tests.review_pty import pexpect, quit_session, send, spawn

runner = CliRunner()
EDIT = "The parties had a frank exchange of views."


def decide(path: Path) -> object:
    """In a real review (document order): accept #1, edit #2, reject #3; leave it running."""
    child = spawn(path, "--order", "doc")
    send(child, "a")
    send(child, f"e {EDIT}")
    send(child, "r")
    return child


def export_jsonl(path: Path, *options: str) -> tuple[dict[int, dict[str, object]], str]:
    out = path.with_name("out.jsonl")
    result = runner.invoke(app, ["export", str(path), "-o", str(out), "-q", *options])
    assert result.exit_code == 0, result.output
    units = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {u["id"]: u for u in units}, result.stderr


def test_export_and_status_after_kill_9_hold_every_decision(tmp_path: Path) -> None:
    path = write(tmp_path)
    child = decide(path)
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert journal_path(path).exists()  # nothing was compacted: the decisions are journaled

    units, stderr = export_jsonl(path)
    assert units[1]["status"] == "accepted"
    assert units[2]["target"] == EDIT and units[2]["status"] == "edited"
    assert 3 not in units  # rejected: left out
    assert sorted(units) == [1, 2, 4, 5, 6]
    assert stderr == ""  # no review is open: nothing to say
    reviewed, _ = export_jsonl(path, "--status", "reviewed")
    assert sorted(reviewed) == [1, 2]

    status = runner.invoke(app, ["status", str(path), "--json"])
    counts = json.loads(status.stdout)["by_status"]
    assert counts == {"pending": 3, "accepted": 1, "rejected": 1, "edited": 1}
    (tmp_path / "zh.txt").write_text("\n".join(ZH), encoding="utf-8")
    (tmp_path / "en.txt").write_text("\n".join(EN), encoding="utf-8")
    rerun = runner.invoke(
        app, ["align", *(str(tmp_path / f) for f in ("zh.txt", "en.txt")), "-o", str(path)]
    )
    assert rerun.exit_code == 1 and "holds review work on 3 bead(s)" in rerun.stderr
    assert journal_path(path).exists()  # readers write nothing


def test_readers_during_a_live_review_read_the_saved_decisions_and_say_so(
    tmp_path: Path,
) -> None:
    path = write(tmp_path)
    child = decide(path)
    try:
        units, stderr = export_jsonl(path)
        note = f"{path} is open in bitext review (pid {child.pid})"
        assert stderr.splitlines() == [f"bitext: note: {note}; reading the decisions saved so far"]
        assert units[2]["target"] == EDIT and 3 not in units
        for command in (["status", "--json"], ["qa", "--json"], ["review", "--list", "--json"]):
            result = runner.invoke(app, [command[0], str(path), *command[1:]])
            assert result.exit_code == 0, result.output
            assert [line for line in result.stderr.splitlines() if "note:" in line] == [
                f"bitext: note: {note}; reading the decisions saved so far"
            ], command
        report = runner.invoke(app, ["report", str(path), "-q"])
        assert note in report.stderr
        assert "edited" in path.with_name("doc.bitext.report.html").read_text(encoding="utf-8")
    finally:
        quit_session(child)


def test_a_read_that_straddles_the_review_compacting_is_redone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path)
    recorder = Recorder(path, start(read_project(path), ()), _digest(path))
    recorder.do(Action("accept", bead=0, who="ann"))
    real_read = journal_module.read_project
    calls = []

    def read_then_compact(p: Path) -> Project:
        project = real_read(p)
        if not calls:  # the review ends between our read of the file and of its journal
            recorder.compact()
        calls.append(p)
        return project

    monkeypatch.setattr(journal_module, "read_project", read_then_compact)
    current = read_current(path)
    assert len(calls) == 2 and not journal_path(path).exists()
    assert current.project.beads[0].status == BeadStatus.ACCEPTED
    assert current.open_by is None


def test_the_overwrite_guard_counts_a_source_correction_without_calling_it_reviewed(
    tmp_path: Path,
) -> None:
    """A corrected source is no verdict (`status` counts 1 reviewed bead here), but a rerun
    would wipe it: the guard keeps it and says what it counted in `status`'s words."""
    path = write(tmp_path)
    recorder = Recorder(path, start(read_project(path), ()), _digest(path))
    recorder.do(Action("accept", bead=0, who="ann"))
    recorder.do(Action("edit-source", bead=1, text="会议认为。", who="ann"))
    status = runner.invoke(app, ["status", str(path), "--json"])
    assert json.loads(status.stdout)["reviewed"] == 1
    (tmp_path / "zh.txt").write_text("\n".join(ZH), encoding="utf-8")
    (tmp_path / "en.txt").write_text("\n".join(EN), encoding="utf-8")
    args = ["align", str(tmp_path / "zh.txt"), str(tmp_path / "en.txt"), "-o", str(path)]
    rerun = runner.invoke(app, args)
    assert rerun.exit_code == 1 and len(rerun.stderr.strip().splitlines()) == 1
    assert "holds review work on 2 bead(s)" in rerun.stderr and "reviewed" not in rerun.stderr
