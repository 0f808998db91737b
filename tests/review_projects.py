"""Hand-made projects for the review tests: no model, varied scores, flags and n:m beads.

The sentences are invented for the tests (not from any benchmark or seed text).
"""

from __future__ import annotations

from pathlib import Path

from align.formats.project_json import write_project
from align.model import Bead, BeadOrigin, Draft, ModelInfo, Project, Segment, Side

ZH = [
    "会议在北京举行。",
    "各方交换了意见。",
    "双方同意加强合作。",
    "会议通过了联合声明。",
    "下次会议将在明年举行。",
    "各方对会议成果表示满意。",
    "秘书处负责后续工作。",
]
EN = [
    "The meeting was held in Beijing.",
    "The parties exchanged views.",
    "Both sides agreed to strengthen cooperation.",
    "The meeting adopted a joint statement.",
    "It was a good meeting.",
    "The next meeting will be held next year.",
    "The parties were satisfied with the results.",
    "The secretariat is responsible for follow-up work.",
]
DRAFTS = [
    "Meeting held in Beijing.",
    "All parties exchanged opinions.",
    "The two sides agreed to strengthen cooperation.",
    "The meeting passed a joint statement.",
    "The next meeting will be held next year.",
    "All parties were satisfied with the results of the meeting.",
    "The secretariat is responsible for follow-up.",
]
# (source ids, target ids, score, flags): a 1:2 bead, a 1:1 with a flag, a 2:1, ...
BEADS = [
    ((0,), (0,), 0.97, ()),
    ((1,), (1,), 0.55, ("number-mismatch",)),
    ((2, 3), (2, 3), 0.72, ()),
    ((4,), (4, 5), 0.31, ("length-ratio",)),
    ((5,), (6,), 0.93, ()),
    ((6,), (7,), 0.88, ()),
]


def _side(lang: str, texts: list[str], path: str | None) -> Side:
    segments, pos = [], 0
    for i, text in enumerate(texts):
        segments.append(Segment(i, text, paragraph=0, start=pos, end=pos + len(text)))
        pos += len(text) + 1
    return Side(lang, path, tuple(segments))


def _drafts() -> tuple[Draft, ...]:
    return tuple(Draft(t, "test/model", "sha256:test", "hf") for t in DRAFTS)


def reference_project() -> Project:
    """Chinese aligned to a human English reference (order defaults to least certain first)."""
    beads = tuple(
        Bead(s, t, score, origin=BeadOrigin.HUMAN, flags=flags) for s, t, score, flags in BEADS
    )
    return Project(
        source=_side("zh", ZH, "doc.zh.txt"),
        target=_side("en", EN, "doc.en.txt"),
        drafts=_drafts(),
        beads=beads,
        model=ModelInfo("test/model", "sha256:test", "hf"),
        tool_version="test",
        created="2026-01-01T00:00:00+00:00",
    )


def mt_project() -> Project:
    """No reference: each source sentence with its own draft (order defaults to document)."""
    beads = tuple(
        Bead((i,), (i,), 1.0 if i % 3 else 0.5, origin=BeadOrigin.MT) for i in range(len(ZH))
    )
    return Project(
        source=_side("zh", ZH, "doc.zh.txt"),
        target=_side("en", DRAFTS, None),
        drafts=_drafts(),
        beads=beads,
        model=ModelInfo("test/model", "sha256:test", "hf"),
        tool_version="test",
    )


def write(tmp: Path, project: Project | None = None, name: str = "doc.bitext.json") -> Path:
    path = tmp / name
    write_project(path, project or reference_project())
    return path
