"""Taking a memory match in a real pseudo-terminal: shown under the draft, one key, journaled."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from align.formats.project_json import read_project
from align.model import BeadOrigin, BeadStatus, Draft, TmMatch
from tests.review_projects import mt_project, write

pexpect = pytest.importorskip("pexpect")

from tests.test_review_pty import PROMPT, send, spawn  # noqa: E402 (after the skip)


def test_t_takes_the_fuzzy_match_and_e_adjusts_it(tmp_path: Path) -> None:
    project = mt_project()
    segment = project.source.segments[1].text  # 各方交换了意见。
    match = TmMatch("双方交换了意见。", "The two sides exchanged views.", 87, "last-year.tmx",
                    ("number 二→三",))  # fmt: skip
    draft = project.drafts[1]
    assert draft is not None
    drafts = list(project.drafts)
    drafts[1] = replace(draft, matches=(match,))
    path = write(tmp_path, replace(project, drafts=tuple(drafts)))
    child = spawn(path, "--order", "doc")
    out = send(child, "n")  # bead #2: the panel shows the match under the draft
    assert "TM 87%" in out and "last-year.tmx" in out and "The two sides exchanged views." in out
    assert "TM source" in out and "repaired" in out
    assert "saved: take" in send(child, "t")
    out = send(child, "n")  # bead #3 has no match: t says so, one line, nothing saved
    assert "TM" not in out.split("bead #3")[1].split("review")[0]
    assert "no memory match" in send(child, "t")
    send(child, "p")
    send(child, "e The two sides exchanged views frankly.")
    child.sendline("q")
    child.expect(pexpect.EOF)
    saved = read_project(path).beads[1]
    assert saved.text == "The two sides exchanged views frankly."
    assert [e.what for e in saved.history] == ["take", "edit"]
    assert (
        saved.history[0].after == "The two sides exchanged views." and saved.history[0].who == "pty"
    )
    assert saved.status is BeadStatus.EDITED and saved.origin is BeadOrigin.EDITED
    assert segment != match.source


def test_taken_match_keeps_origin_tm(tmp_path: Path) -> None:
    project = mt_project()
    drafts = list(project.drafts)
    first = drafts[0]
    assert isinstance(first, Draft)
    drafts[0] = replace(
        first, matches=(TmMatch("会议在上海举行。", "It met in Shanghai.", 80, "m"),)
    )
    path = write(tmp_path, replace(project, drafts=tuple(drafts)))
    child = spawn(path, "--order", "doc", "--single-key")
    child.send("t")
    child.expect(PROMPT)
    child.send("q")
    child.expect(pexpect.EOF)
    bead = read_project(path).beads[0]
    assert (bead.text, bead.origin) == ("It met in Shanghai.", BeadOrigin.TM)
