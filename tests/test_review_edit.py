"""Issue 27.6: edits start from the current text, the source can be corrected, and
``--accept-above`` judges the pair that is exported, not an MT draft nobody will use."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from align.errors import InputError
from align.formats.project_json import project_to_dict, read_project, write_project
from align.model import Bead, BeadOrigin, BeadStatus, Draft
from align.review import ops
from cli.app import app
from cli.review_ui import parse_command, read_keys
from tests.review_projects import reference_project, write
from tests.review_pty import PROMPT, quit_session, screen_text, spawn

runner = CliRunner()
FIXED_ZH = "各方交换了意见，气氛友好。"


def test_edits_start_from_the_current_text_in_a_terminal(tmp_path: Path) -> None:
    path = write(tmp_path)
    child = spawn(path, "--order", "doc", columns=80)
    child.sendline("e")
    child.expect("new target")
    child.send("\x7f")  # Backspace over the final "." of the text the editor starts from
    child.sendline(" on Monday.")
    child.expect(PROMPT)  # on to bead #2
    child.sendline("es")
    child.expect("new source")
    child.send("\x7f")  # "各方交换了意见。" less its "。"
    child.sendline("，气氛友好。")
    child.expect(PROMPT)  # a correction is no verdict: still bead #2, now showing it
    assert "corrected" in str(child.before) and FIXED_ZH in screen_text(str(child.before))
    child.sendline("a")
    child.expect(PROMPT)
    quit_session(child)

    p = read_project(path)
    assert p.beads[0].text == "The meeting was held in Beijing on Monday."
    assert p.beads[1].source_text == FIXED_ZH and p.beads[1].status == BeadStatus.ACCEPTED
    fix = p.beads[1].history[0]
    assert (fix.what, fix.who, fix.before, fix.after) == (
        "edit-source",
        "pty",
        "各方交换了意见。",
        FIXED_ZH,
    )
    assert p.source.segments[1].text == "各方交换了意见。"  # the original is kept
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["export", str(path), "-o", str(out), "-q"]).exit_code == 0
    units = {u["id"]: u for u in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert units[2]["source"] == FIXED_ZH


def test_source_correction_without_a_terminal_is_journaled_and_undoable(tmp_path: Path) -> None:
    path = write(tmp_path)
    keys = ["j 2", f"es {FIXED_ZH}", "u", "es", FIXED_ZH, "e", "", "q"]
    args = ["review", str(path), "--order", "doc", "--reviewer", "ann"]
    result = runner.invoke(app, args, input="\n".join(keys) + "\n")
    assert result.exit_code == 0, result.output
    assert "new source" in result.output and "cancelled" in result.output
    bead = read_project(path).beads[1]
    assert bead.source_text == FIXED_ZH and bead.status == BeadStatus.PENDING
    assert [e.what for e in bead.history] == ["edit-source"] and bead.history[0].who == "ann"
    tmx = tmp_path / "out.tmx"
    assert runner.invoke(app, ["export", str(path), "-o", str(tmx), "-q"]).exit_code == 0
    assert FIXED_ZH in tmx.read_text(encoding="utf-8")


def test_single_key_s_asks_for_the_source() -> None:
    keys = iter("S")
    console = Console(file=io.StringIO())
    assert parse_command(read_keys(console, lambda: next(keys), input, "> ")).name == "edit-source"


def test_a_corrected_source_travels_through_merge_split_and_the_file(tmp_path: Path) -> None:
    p = ops.edit_source(reference_project(), 1, FIXED_ZH, who="ann", when="t")
    assert p.source_text(p.beads[1]) == FIXED_ZH
    merged = ops.merge(p, 1, 1)
    both = FIXED_ZH + "双方同意加强合作。会议通过了联合声明。"
    assert merged.source_text(merged.beads[1]) == both
    with pytest.raises(InputError, match="source was corrected, so it cannot be cut"):
        ops.split(merged, 1, 1, 1)
    split = ops.split(merged, 1, 3, 1)  # moved whole, with the sentences it stands for
    assert split.beads[1].source_text is not None and split.beads[2].source_text is None
    path = tmp_path / "p.bitext.json"
    write_project(path, p)
    assert read_project(path) == p
    untouched = project_to_dict(reference_project())["beads"][0]
    assert "source_text" not in untouched  # files without a correction are written as before


def test_accept_above_ignores_flags_on_a_draft_nobody_exports(tmp_path: Path) -> None:
    base = reference_project()
    drafts = tuple(replace(d, flags=("mt-loop",)) for d in base.drafts if isinstance(d, Draft))
    draft_flag = "numbers:draft:error: 2002 is missing in the draft"
    beads = list(base.beads)
    beads[0] = replace(beads[0], flags=(draft_flag,))  # 0.97: only its draft is flagged
    beads[4] = replace(beads[4], flags=("numbers:target:error: 2002 is missing",))  # 0.93
    path = write(tmp_path, replace(base, drafts=drafts, beads=tuple(beads)))
    result = runner.invoke(app, ["review", str(path), "--accept-above", "0.9"])
    assert result.exit_code == 0, result.output
    statuses = [b.status for b in read_project(path).beads]
    assert statuses[0] == BeadStatus.ACCEPTED  # the reference pair, whatever the MT did
    assert statuses[4] == BeadStatus.PENDING  # the exported English itself is flagged
    assert "accepted 1 " in result.stderr and "left 1 flagged" in result.stderr


def test_accept_above_leaves_a_sentence_without_translation_for_review(tmp_path: Path) -> None:
    """A partial reference leaves 1:0 beads scored 1.0: `--accept-above` accepted them, so
    `status` said 100% reviewed and the XLIFF signed off an empty target."""
    base = reference_project()
    gap = Bead((5,), (), 1.0, origin=BeadOrigin.HUMAN)
    beads = (*base.beads[:4], gap)
    path = write(tmp_path, replace(base, beads=beads))
    result = runner.invoke(app, ["review", str(path), "--accept-above", "0.9"])
    assert result.exit_code == 0, result.output
    assert "and 1 with an empty side (no translation)" in result.stderr
    assert read_project(path).beads[4].status == BeadStatus.PENDING
    assert read_project(path).beads[0].status == BeadStatus.ACCEPTED  # 0.97: a real pair
