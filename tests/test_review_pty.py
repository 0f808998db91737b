"""The interactive loop in a real pseudo-terminal (pexpect), including ``kill -9`` mid-review."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from align.formats.project_json import project_to_dict, read_project, validate
from align.model import BeadStatus
from align.review.journal import journal_path, load_current
from tests.review_projects import write
from tests.review_pty import PROMPT, env, pexpect, send, spawn


def test_keys_in_a_terminal_leave_the_expected_project(tmp_path: Path) -> None:
    path = write(tmp_path)
    child = spawn(path, "--order", "doc")
    assert "bead #1" in str(child.before)
    send(child, "a")  # #1 accepted, on to #2
    assert "saved: edit" in send(child, "e Views were exchanged.")
    send(child, "m+")  # #3 merged with #4 → (2,3,4) ↔ (2,3,4,5)
    send(child, "s 2 2")  # split it back after 2 source / 2 target sentences
    send(child, "s 1 1")  # and the first part once more
    out = send(child, "u")  # undo that last split
    assert "3/" in out
    send(child, "r")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    p = read_project(path)
    assert [(b.source, b.target) for b in p.beads] == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((2, 3), (2, 3)),
        ((4,), (4, 5)),
        ((5,), (6,)),
        ((6,), (7,)),
    ]
    statuses = [b.status for b in p.beads]
    assert statuses[:3] == [BeadStatus.ACCEPTED, BeadStatus.EDITED, BeadStatus.REJECTED]
    assert p.beads[1].text == "Views were exchanged." and p.beads[1].history[-1].who == "pty"
    assert not journal_path(path).exists()


def test_single_key_mode_needs_no_enter(tmp_path: Path) -> None:
    path = write(tmp_path)
    child = spawn(path, "--order", "doc", "--single-key")
    child.send("a")  # accept #1
    child.expect(PROMPT)
    child.send("m")
    child.send("+")  # merge #2 with #3
    child.expect(PROMPT)
    child.send("e")
    child.expect("new target")
    child.send("\x15")  # Ctrl-U: clear the current text the line editor starts from
    child.sendline("Views were exchanged; cooperation agreed.")
    child.expect(PROMPT)
    child.send("x")
    child.expect("unknown key")
    child.expect(PROMPT)
    child.send("j")
    child.expect("jump to position")
    child.sendline("4")
    child.expect(PROMPT)
    child.send("r")
    child.expect(PROMPT)
    child.send("u")  # undo the reject
    child.expect(PROMPT)
    child.send("q")
    child.expect(pexpect.EOF)
    p = read_project(path)
    assert [b.status for b in p.beads[:2]] == [BeadStatus.ACCEPTED, BeadStatus.EDITED]
    assert p.beads[1].source == (1, 2, 3)
    assert p.beads[1].text == "Views were exchanged; cooperation agreed."
    assert all(b.status == BeadStatus.PENDING for b in p.beads[2:])


def test_sigkill_mid_review_loses_no_acknowledged_decision(tmp_path: Path) -> None:
    path = write(tmp_path)
    child = spawn(path)  # score order: #4, #2, #3, #6, #5, #1
    send(child, "a")
    send(child, "e The parties exchanged views frankly.")
    send(child, "c ask the client")
    for _ in range(3):  # typed ahead, never acknowledged: may or may not have landed
        child.sendline("a")
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL

    validate(project_to_dict(read_project(path)))  # the file itself is never half-written
    live = load_current(path)  # file + journal = every decision made so far
    assert live.beads[3].status == BeadStatus.ACCEPTED
    assert live.beads[1].text == "The parties exchanged views frankly."
    assert live.beads[2].note == "ask the client"
    typed_ahead = [2, 5, 4]  # the queue after the comment: #3, #6, #5
    landed = [i for i in typed_ahead if live.beads[i].status == BeadStatus.ACCEPTED]
    assert landed == typed_ahead[: len(landed)]  # whatever landed did so in order

    child = spawn(path)  # resume: recovered, compacted, first pending bead in score order
    out = str(child.before)
    assert "recovered" in out
    child.sendline("q")
    child.expect(pexpect.EOF)
    assert not journal_path(path).exists()
    assert read_project(path) == live


def test_second_reviewer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = write(tmp_path)
    child = spawn(path)
    other = subprocess.run(
        [sys.executable, "-m", "cli", "review", str(path), "--accept-above", "0.5"],
        capture_output=True,
        text=True,
        env=env(),
        cwd=tmp_path,
    )
    assert other.returncode == 1
    assert f"another bitext review (pid {child.pid})" in other.stderr
    assert len(other.stderr.strip().splitlines()) == 1
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert all(b.status == BeadStatus.PENDING for b in read_project(path).beads)
