"""Crash safety: the journal replays, stale journals are set aside, one reviewer at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.errors import InputError
from align.formats.project_json import read_project
from align.model import BeadStatus
from align.review.journal import (
    ProjectLock,
    journal_path,
    load_current,
    lock_path,
    read_journal,
    reviewing,
)
from align.review.session import Action
from tests.review_projects import write


def test_decisions_are_journaled_before_compaction(tmp_path: Path) -> None:
    path = write(tmp_path)
    before = path.read_bytes()
    with reviewing(path) as (recorder, notices):
        assert notices == []
        recorder.do(Action("accept", bead=0, who="ann"))
        recorder.do(Action("edit", bead=1, text="Views were exchanged."))
        assert path.read_bytes() == before  # the project file is untouched mid-session...
        lines = journal_path(path).read_text(encoding="utf-8").splitlines()
        assert len(lines) == 3 and json.loads(lines[1])["op"] == "accept"
        live = load_current(path)  # ...but readers see the decisions already
        assert live.beads[1].text == "Views were exchanged."
    assert not journal_path(path).exists() and not lock_path(path).exists()
    saved = read_project(path)
    assert saved.beads[0].status == BeadStatus.ACCEPTED
    assert saved.beads[0].history[-1].who == "ann"


def test_refused_action_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path)
    with reviewing(path) as (recorder, _):
        with pytest.raises(InputError):
            recorder.do(Action("merge", bead=0, direction=-1))
        assert not journal_path(path).exists()


def _crash_journal(path: Path, tail: str = "") -> None:
    """What a killed session leaves: a journal (maybe with a torn last line), no compaction."""
    with reviewing(path) as (recorder, _):
        recorder.do(Action("accept", bead=0))
        recorder.do(Action("merge", bead=2, direction=1))
        recorder.do(Action("reject", bead=4))
        journal = journal_path(path).read_bytes()
    journal_path(path).write_bytes(journal + tail.encode())
    lock_path(path).unlink(missing_ok=True)


def test_unfinished_journal_is_replayed_and_compacted(tmp_path: Path) -> None:
    expected_path = write(tmp_path, name="expected.json")
    with reviewing(expected_path) as (recorder, _):
        recorder.do(Action("accept", bead=0))
        recorder.do(Action("merge", bead=2, direction=1))
        recorder.do(Action("reject", bead=4))
    path = write(tmp_path)
    original = path.read_bytes()
    _crash_journal(path, tail='{"op": "acc')  # torn final write: never acknowledged
    path.write_bytes(original)  # as if the process died before compacting
    with reviewing(path) as (recorder, notices):
        assert "recovered 3 decisions" in notices[0]
        assert recorder.state.project == read_project(expected_path)
    assert not journal_path(path).exists()
    assert read_project(path) == read_project(expected_path)


def test_stale_journal_is_set_aside_not_applied_twice(tmp_path: Path) -> None:
    path = write(tmp_path)
    _crash_journal(path)  # the session compacted, but suppose deleting the journal failed
    compacted = read_project(path)
    assert read_journal(journal_path(path), "not-this-file") is None
    with reviewing(path) as (recorder, notices):
        assert "another version" in notices[0]
        assert recorder.state.project == compacted
    assert journal_path(path).with_name(journal_path(path).name + ".stale").exists()


def test_damaged_journal_line_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path)
    original = path.read_bytes()
    _crash_journal(path)
    path.write_bytes(original)
    lines = journal_path(path).read_text(encoding="utf-8").splitlines()
    lines[1] = "garbage"
    journal_path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2 is damaged"):
        load_current(path)


def test_second_reviewer_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path)
    with reviewing(path):
        with pytest.raises(InputError, match=r"another bitext review \(pid \d+\)"):
            ProjectLock(path).acquire()
    lock = ProjectLock(path)  # released on exit: the next reviewer gets in
    lock.acquire()
    lock.release()


def test_missing_project_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such project file"):
        with reviewing(tmp_path / "nope.json"):
            pass
