"""Issue 27.1: a reviewer sees every character of both sides, at any width from 60 columns."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from align.model import Bead, BeadOrigin, Segment, Side
from tests.review_projects import mt_project, reference_project, write
from tests.review_pty import bitext, quit_session, screen_text, spawn

# An invented sentence of over 200 characters, no spaces: the kind rich used to cut with "…".
LONG_ZH = (
    "上海合作组织成员国外交部长理事会会议于二〇〇二年十一月在莫斯科举行，各方代表就本组织框架内"
    "进一步加强政治、经济、人文等各领域合作，共同应对恐怖主义、分裂主义和极端主义威胁，维护地区"
    "和平、安全与稳定，以及推动建立公正合理的国际政治经济新秩序等广泛议题深入交换了意见，并一致"
    "认为应当继续坚持互信、互利、平等、协商、尊重多样文明、谋求共同发展的上海精神，全面落实元首"
    "理事会会议达成的各项共识，为本组织的长远发展奠定更加坚实的基础。"
)
LONG_EN = (
    "The ministers exchanged views on closer political, economic and cultural cooperation, on "
    "threats to regional peace and on a fairer international order, and agreed to keep to the "
    "Shanghai spirit of mutual trust, mutual benefit, equality and consultation."
)


def long_project(tmp_path: Path) -> Path:
    """One 1:1 bead with the long pair (a reference project, so the MT draft shows too)."""
    base = reference_project()
    source = Side("zh", "doc.zh.txt", (Segment(0, LONG_ZH, 0, 0, len(LONG_ZH)),))
    target = Side("en", "doc.en.txt", (Segment(0, LONG_EN, 0, 0, len(LONG_EN)),))
    bead = Bead((0,), (0,), 0.8, origin=BeadOrigin.HUMAN, flags=("length-ratio",))
    project = replace(base, source=source, target=target, drafts=base.drafts[:1], beads=(bead,))
    return write(tmp_path, project)


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_long_sentence_is_whole_in_the_review_panel(tmp_path: Path, columns: int) -> None:
    assert len(LONG_ZH) >= 200 and " " not in LONG_ZH
    child = spawn(long_project(tmp_path), columns=columns)
    seen = screen_text(str(child.before))
    quit_session(child)
    assert LONG_ZH in seen
    assert LONG_EN.replace(" ", "") in seen


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_list_shows_both_sides_whole(tmp_path: Path, columns: int) -> None:
    path = long_project(tmp_path)
    done = bitext("review", str(path), "--list", cwd=tmp_path, COLUMNS=str(columns))
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= columns
    seen = screen_text(done.stdout)
    assert LONG_ZH in seen
    assert LONG_EN.replace(" ", "") in seen


@pytest.mark.parametrize("reference", [False, True])
def test_a_memory_match_standing_in_for_the_draft_is_not_called_mt(reference: bool) -> None:
    """`run --tm` puts an exact match where the MT draft goes (the model never sees the
    sentence); the panel labelled it "MT draft", so a reviewer took human work for raw MT."""
    from rich.console import Console

    from align.model import Draft
    from align.tm import TM_ENGINE
    from cli.review_ui import render

    base = reference_project() if reference else mt_project()
    memory = Draft("From the memory.", "tm:last-year.tmx", "abc", TM_ENGINE)
    project = replace(base, drafts=(memory, *base.drafts[1:]))
    console = Console(record=True, width=80)
    for index, label in ((0, "memory"), (1, "MT draft")):
        render(console, project, index, "1/2")
        lines = console.export_text().splitlines()
        assert any(line.startswith(f"│ {label} ") for line in lines), lines
        if index == 0:
            assert not any("MT draft" in line for line in lines)
