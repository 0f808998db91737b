"""``bitext review`` / ``status`` / ``report`` through typer's CliRunner (no terminal)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from align.errors import InputError
from align.formats.project_json import read_project
from align.model import BeadStatus
from align.review.journal import journal_path
from cli.app import app
from cli.review_ui import parse_command
from tests.review_projects import mt_project, write

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


def review(path: Path, keys: list[str], *options: str) -> str:
    result = runner.invoke(app, ["review", str(path), *options], input="\n".join(keys) + "\n")
    assert result.exit_code == 0, result.output
    return result.output


def shape(path: Path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.source, b.target) for b in read_project(path).beads]


def test_accept_edit_merge_split_undo_sequence(tmp_path: Path) -> None:
    path = write(tmp_path)
    # score order: #4 (0.31), #2 (0.55), #3 (0.72), #6, #5, #1
    out = review(
        path,
        ["a", "e The parties had a frank exchange of views.", "m+", "s 1 1", "u", "c check", "q"],
        "--reviewer",
        "ann",
    )
    assert "1/6" in out and "bead #4" in out
    p = read_project(path)
    assert "accepted" in [e.what for e in p.beads[2].history]  # #4 was accepted, then merged
    assert p.beads[1].text == "The parties had a frank exchange of views."
    assert p.beads[1].history[-1].who == "ann"
    # merge #3 with #4 (its next), split again, undo the split: #3 stays merged
    assert shape(path)[2] == ((2, 3, 4), (2, 3, 4, 5)) and len(p.beads) == 5
    assert p.beads[2].note == "check" and p.beads[2].status == BeadStatus.PENDING
    assert not journal_path(path).exists()


def test_split_prompts_for_the_point_and_edit_prompts_for_text(tmp_path: Path) -> None:
    path = write(tmp_path)
    out = review(path, ["s", "1 1", "j 3", "s", "1 1", "e", "", "q"], "--order", "doc")
    assert "leaves one part empty" in out  # bead #1 is 1:1: nothing to split
    p = read_project(path)
    assert [(b.source, b.target) for b in p.beads][2:4] == [((2,), (2,)), ((3,), (3,))]
    assert p.beads[2].text is None  # an empty answer cancels the edit
    out = review(path, ["p", "j 5", "s 1 1", "e", "Next year.", "q"], "--order", "doc")
    assert "already first" in out
    assert shape(path)[4:6] == [((4,), (4,)), ((), (5,))]
    assert read_project(path).beads[4].text == "Next year."


def test_move_and_filters(tmp_path: Path) -> None:
    path = write(tmp_path)
    review(path, ["j 4", "<t", "q"], "--order", "doc")
    assert shape(path)[2:4] == [((2, 3), (2, 3, 4)), ((4,), (5,))]
    out = review(path, ["q"], "--flagged", "--order", "doc")
    assert "1/2" in out and "bead #2" in out
    review(path, ["a", "a", "q"])
    out = review(path, ["q"], "--status", "pending")
    assert "1/4" in out


def test_resume_starts_at_the_first_pending_bead(tmp_path: Path) -> None:
    path = write(tmp_path, mt_project())
    review(path, ["a", "a", "q"])  # no reference: document order
    out = review(path, ["q"])
    assert "3/7" in out and "bead #3" in out


def test_unknown_command_and_eof_are_handled(tmp_path: Path) -> None:
    path = write(tmp_path)
    out = review(path, ["zz", "?", "j x"])  # then EOF ends the session cleanly
    assert "unknown command 'zz'" in out and "merge with the next" in out and "usage" in out


def test_list_json_and_batch_decisions(tmp_path: Path) -> None:
    path = write(tmp_path)
    result = runner.invoke(app, ["review", str(path), "--list", "--json"])
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == [4, 2, 3, 6, 5, 1]
    assert rows[0]["flags"] == ["length-ratio"] and rows[0]["band"] == "low"
    result = runner.invoke(
        app, ["review", str(path), "--set", "2=rejected", "--set", "3=accepted", "-q"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["review", str(path), "--accept-above", "0.9"])
    assert "accepted 2" in result.output
    statuses = [b.status.value for b in read_project(path).beads]
    assert statuses == ["accepted", "rejected", "accepted", "pending", "accepted", "pending"]
    args = ["review", str(path), "--list", "--order", "doc", "--status", "pending"]
    doc = runner.invoke(app, args)
    assert "0.31" in doc.output and "0.97" not in doc.output


@pytest.mark.parametrize("item", ["7=accepted", "2=maybe", "x", "2"])
def test_bad_set_is_a_usage_error(tmp_path: Path, item: str) -> None:
    result = runner.invoke(app, ["review", str(write(tmp_path)), "--set", item])
    assert result.exit_code == 2


def test_status_json(tmp_path: Path) -> None:
    path = write(tmp_path, mt_project())
    review(path, ["e The meeting was held in Beijing.", "a", "q"])
    result = runner.invoke(app, ["status", str(path), "--json"])
    data = json.loads(result.output)
    assert data["by_status"] == {"pending": 5, "accepted": 1, "rejected": 0, "edited": 1}
    assert data["percent_reviewed"] == pytest.approx(28.6)
    assert 0 < data["mean_post_edit_distance"] < 1
    assert data["flagged_left"] == 0
    text = runner.invoke(app, ["status", str(path)]).output
    assert "mean post-edit distance" in text and "2/7" in text


def test_missing_project_is_one_line_and_exit_1(tmp_path: Path) -> None:
    for command in ("status", "report", "review"):
        result = runner.invoke(app, [command, str(tmp_path / "none.json")])
        assert result.exit_code == 1 and "no such project file" in result.output
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "review", str(tmp_path / "none.json"), "--list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"bitext: error: {tmp_path / 'none.json'}: no such project file; check the path"
    ]


def test_parse_command() -> None:
    assert parse_command("m+").direction == 1
    assert parse_command(">t").side == "target"
    assert parse_command("s 2 1").numbers == (2, 1)
    assert parse_command("j 12").numbers == (12,)
    assert parse_command("e new text").arg == "new text"
    assert parse_command("").name == "next"
    with pytest.raises(InputError):
        parse_command("s 1")


def test_long_edits_go_through_the_editor(tmp_path: Path) -> None:
    path = write(tmp_path)
    result = runner.invoke(
        app,
        ["review", str(path), "--order", "doc"],
        input="E\nq\n",
        env={"EDITOR": "sed -i s/Beijing/Peking/", "VISUAL": ""},
    )
    assert result.exit_code == 0, result.output
    bead = read_project(path).beads[0]
    assert bead.text == "The meeting was held in Peking."
    assert bead.history[-1].before == "The meeting was held in Beijing."
