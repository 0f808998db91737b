"""The pure review core: decisions, structure edits, the session state machine, statistics."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.errors import InputError
from align.formats.project_json import project_from_dict, project_to_dict, validate
from align.model import Bead, BeadOrigin, BeadStatus, Project
from align.review import ops
from align.review.session import Action, apply, remap, replay, start
from align.review.stats import (
    band,
    bead_row,
    draft_text,
    has_reference,
    post_edit_distance,
    queue,
    summarize,
)
from tests.review_projects import mt_project, reference_project


def shape(project: Project) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.source, b.target) for b in project.beads]


def flat(project: Project, side: str) -> list[int]:
    return [i for b in project.beads for i in getattr(b, side)]


def test_accept_and_reject_record_who_when_and_previous_status() -> None:
    p = ops.accept(reference_project(), 1, who="ann", when="2026-01-01T00:00:00+00:00")
    bead = p.beads[1]
    assert bead.status == BeadStatus.ACCEPTED
    assert bead.history[-1].what == "accepted"
    assert (bead.history[-1].who, bead.history[-1].before) == ("ann", "pending")
    assert ops.reject(p, 1).beads[1].status == BeadStatus.REJECTED


def test_edit_keeps_original_segments_and_history() -> None:
    p = reference_project()
    edited = ops.edit(p, 1, "  The parties had a frank exchange of views. ", who="ann")
    bead = edited.beads[1]
    assert bead.text == "The parties had a frank exchange of views."
    assert (bead.status, bead.origin) == (BeadStatus.EDITED, BeadOrigin.EDITED)
    assert edited.target_text(bead) == bead.text
    assert edited.original_target_text(bead) == "The parties exchanged views."
    assert bead.history[-1].before == "The parties exchanged views."
    assert edited.target.segments == p.target.segments
    assert ops.edit(edited, 1, bead.text) is edited  # unchanged text: no new decision
    with pytest.raises(InputError, match="empty"):
        ops.edit(p, 1, "   ")


def test_edited_project_round_trips_through_json_and_schema() -> None:
    p = ops.comment(ops.edit(reference_project(), 0, "New <b>text</b> & more"), 0, "check")
    data = project_to_dict(p)
    validate(data)
    assert project_from_dict(data) == p


def test_merge_next_and_previous() -> None:
    p = reference_project()
    merged = ops.merge(p, 1, 1)
    assert shape(merged)[1] == ((1, 2, 3), (1, 2, 3))
    assert merged.beads[1].score == pytest.approx(0.55)
    assert merged.beads[1].status == BeadStatus.PENDING
    assert shape(ops.merge(p, 1, -1)) == shape(ops.merge(p, 0, 1))
    with pytest.raises(InputError, match="no previous"):
        ops.merge(p, 0, -1)
    with pytest.raises(InputError, match="no next"):
        ops.merge(p, len(p.beads) - 1, 1)


def test_merge_joins_edited_text() -> None:
    p = ops.edit(reference_project(), 0, "Meeting in Beijing.")
    merged = ops.merge(p, 0, 1)
    assert merged.beads[0].text == "Meeting in Beijing. The parties exchanged views."
    assert merged.beads[0].origin == BeadOrigin.EDITED


def test_split_at_a_chosen_point() -> None:
    p = reference_project()
    split = ops.split(p, 3, 1, 1)  # bead (4,)→(4,5): keep target 4 with the source
    assert shape(split)[3:5] == [((4,), (4,)), ((), (5,))]
    with pytest.raises(InputError, match="empty"):
        ops.split(p, 3, 1, 2)
    with pytest.raises(InputError, match="out of range"):
        ops.split(p, 3, 2, 0)


def test_split_of_edited_bead_keeps_the_text_whole() -> None:
    p = ops.edit(reference_project(), 2, "Cooperation; a joint statement.")
    with pytest.raises(InputError, match="cannot be cut"):
        ops.split(p, 2, 1, 1)
    split = ops.split(p, 2, 1, 0)  # all target (and the edit) goes to the second part
    assert (split.beads[2].text, split.beads[3].text) == (None, "Cooperation; a joint statement.")


def test_move_sentences_between_neighbours() -> None:
    p = reference_project()
    moved = ops.move(p, 3, "target", -1)  # "It was a good meeting." belongs to bead 2
    assert shape(moved)[2:4] == [((2, 3), (2, 3, 4)), ((4,), (5,))]
    back = ops.move(moved, 2, "target", 1)
    assert shape(back) == shape(p)
    gone = ops.move(ops.move(p, 1, "source", 1), 1, "target", 1)  # bead 1 empties, disappears
    assert len(gone.beads) == len(p.beads) - 1
    with pytest.raises(InputError, match="no source"):
        ops.move(ops.split(p, 3, 1, 1), 4, "source", 1)


def test_status_summary_and_post_edit_distance() -> None:
    p = ops.accept(ops.edit(mt_project(), 0, "The meeting was held in Beijing."), 1)
    s = summarize(p)
    assert s.by_status["edited"] == 1 and s.by_status["accepted"] == 1
    assert s.reviewed == 2 and s.percent_reviewed == pytest.approx(100 * 2 / 7, abs=0.1)
    expected = post_edit_distance("Meeting held in Beijing.", "The meeting was held in Beijing.")
    assert s.mean_post_edit_distance == pytest.approx(expected, abs=1e-4)
    assert 0 < expected < 1 and post_edit_distance("abc", "abc") == 0.0
    assert summarize(reference_project()).flagged_left == 2


def test_draft_flags_count_as_qa_flags() -> None:
    p = reference_project()
    drafts = list(p.drafts)
    draft = drafts[5]
    assert draft is not None
    drafts[5] = replace(draft, flags=("untranslated",))
    p = replace(p, drafts=tuple(drafts))
    assert queue(p, "doc", flagged=True) == (1, 3, 4)
    assert summarize(p).flagged_left == 3
    assert bead_row(p, 4)["flags"] == ["untranslated"]


def test_queue_orders_and_filters() -> None:
    p = reference_project()
    assert queue(p, "score") == (3, 1, 2, 5, 4, 0)
    assert queue(p, "doc") == tuple(range(6))
    assert queue(p, "doc", flagged=True) == (1, 3)
    assert queue(ops.accept(p, 3), "score", BeadStatus.PENDING)[0] == 1
    assert has_reference(p) and not has_reference(mt_project())
    assert [band(x) for x in (0.95, 0.7, 0.2)] == ["high", "medium", "low"]
    assert draft_text(p, p.beads[2]).startswith("The two sides")
    assert bead_row(p, 3)["id"] == 4


def test_session_decisions_advance_and_undo_restores() -> None:
    p = reference_project()
    s0 = start(p, queue(p, "score"))
    s1 = apply(s0, Action("accept", bead=s0.current))
    assert s1.cursor == 1 and s1.project.beads[3].status == BeadStatus.ACCEPTED
    s2 = apply(s1, Action("merge", bead=s1.current, direction=1))
    assert s2.project.beads[s2.current].source == (1, 2, 3)
    assert s2.queue[s2.cursor] == s2.current and len(s2.queue) == 5
    s3 = apply(s2, Action("undo"))
    assert (s3.project, s3.queue, s3.cursor) == (s1.project, s1.queue, s1.cursor)
    s4 = apply(s3, Action("undo"))
    assert s4.project == p
    with pytest.raises(InputError, match="nothing to undo"):
        apply(s4, Action("undo"))


def test_actions_round_trip_and_replay_is_deterministic() -> None:
    p = reference_project()
    actions = [
        Action("edit", bead=1, text="Views were exchanged.", who="a", when="t"),
        Action("split", bead=2, source_at=1, target_at=1),
        Action("move", bead=4, side="target", direction=-1),
        Action("undo"),
        Action("comment", bead=0, text="fine"),
    ]
    again = [Action.from_dict(a.to_dict()) for a in actions]
    assert again == actions
    assert replay(start(p, ()), actions).project == replay(start(p, ()), again).project


def test_remap_keeps_new_beads_where_the_reviewer_looks() -> None:
    assert remap((3, 1, 2, 0), 1, 2, 1, anchor=2) == (2, 1, 0)  # merge 1+2 at 2's place
    assert remap((3, 1, 2, 0), 1, 1, 2, anchor=1) == (4, 1, 2, 3, 0)  # split 1
    assert remap((0, 5), 1, 2, 1) == (0, 4)  # untouched beads only shift


# --- the invariant: structure edits never lose, duplicate or reorder a sentence --------------


@st.composite
def projects(draw: st.DrawFn) -> Project:
    """Random partitions of both sides into beads (either side of a bead may be empty)."""
    base = reference_project()
    ns, nt = len(base.source.segments), len(base.target.segments)
    sizes = draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1))
    beads, i, j = [], 0, 0
    for a, b in sizes:
        a, b = min(a, ns - i), min(b, nt - j)
        if a or b:
            score = draw(st.floats(0, 1))
            beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), score))
        i, j = i + a, j + b
    if i < ns or j < nt:
        beads.append(Bead(tuple(range(i, ns)), tuple(range(j, nt)), 0.5))
    return replace(base, beads=tuple(beads))


ACTIONS = st.one_of(
    st.builds(lambda b, d: ("merge", b, d), st.integers(0, 12), st.sampled_from([1, -1])),
    st.builds(lambda b, s, t: ("split", b, s, t), st.integers(0, 12), st.integers(0, 3),
              st.integers(0, 3)),
    st.builds(lambda b, side, d: ("move", b, side, d), st.integers(0, 12),
              st.sampled_from(["source", "target"]), st.sampled_from([1, -1])),
    st.builds(lambda b: ("edit", b), st.integers(0, 12)),
)  # fmt: skip


def _do(p: Project, step: tuple) -> Project:
    name, bead = step[0], step[1]
    if name == "merge":
        return ops.merge(p, bead, step[2])
    if name == "split":
        return ops.split(p, bead, step[2], step[3])
    if name == "move":
        return ops.move(p, bead, step[2], step[3])
    return ops.edit(p, bead, f"edited {bead}")


@settings(max_examples=150, deadline=None)
@given(projects(), st.lists(ACTIONS, max_size=12))
def test_structure_edits_keep_every_sentence_once_and_in_order(
    project: Project, steps: list[tuple]
) -> None:
    ns, nt = len(project.source.segments), len(project.target.segments)
    for step in steps:
        try:
            project = _do(project, step)
        except InputError:
            continue  # refused (no neighbour, empty part, edited target): nothing changed
        assert flat(project, "source") == list(range(ns))
        assert flat(project, "target") == list(range(nt))
        assert all(b.source or b.target for b in project.beads)
    validate(project_to_dict(project))


@pytest.mark.parametrize("op", ["edit", "take", "edit-source"])
def test_a_replaced_text_drops_the_pair_flags_computed_on_the_old_one(op: str) -> None:
    """A date "missing" from the MT draft was still flagged on the memory match that has it —
    in the panel, in `status` and in the exported TMX's x-qa. Flags on the pair go with the old
    text; flags of other tools and on the draft stay."""
    stale = "dates:target:error: date 2003-11-23 (2003年11月23日) missing"
    draft_flag = "untranslated:draft:error: Chinese text left in the draft"
    base = mt_project()
    bead = replace(base.beads[0], flags=(stale, draft_flag, "length-ratio"))
    project = replace(base, beads=(bead, *base.beads[1:]))
    state = apply(start(project, ()), Action(op, bead=0, text="Held on 23 November 2003."))
    assert state.project.beads[0].flags == (draft_flag, "length-ratio")
    assert state.project.beads[1].flags == base.beads[1].flags
