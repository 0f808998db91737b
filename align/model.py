"""The project data model: plain frozen dataclasses that every stage passes along.

Stages never share mutable state; each returns new values, so a stage can run as a batch
function anywhere (a CLI, a test, a Ray ``map_batches`` worker) without hidden coupling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SegmentKind(StrEnum):
    SENTENCE = "sentence"
    HEADING = "heading"


class BeadStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EDITED = "edited"


class BeadOrigin(StrEnum):
    MT = "mt"  # target is the machine draft of the source
    HUMAN = "human"  # target comes from a human reference translation, paired by the aligner
    EDITED = "edited"  # a reviewer changed the target text
    TM = (
        "tm"  # target taken from a translation-memory match (exact, or a fuzzy one a reviewer took)
    )


@dataclass(frozen=True)
class Segment:
    """One sentence (or heading) with offsets into the original text.

    ``text`` is exactly ``original[start:end]`` unless ``markup`` was stripped (headings), in
    which case the markup precedes ``text`` inside the span.
    """

    id: int
    text: str
    paragraph: int
    start: int
    end: int
    kind: SegmentKind = SegmentKind.SENTENCE
    markup: str = ""


@dataclass(frozen=True)
class DecodingSettings:
    beam: int = 4
    max_length: int = 512
    batch_size: int = 16

    def key(self) -> str:
        """A stable string that identifies these settings in caches and provenance."""
        return f"beam={self.beam};max_length={self.max_length}"


@dataclass(frozen=True)
class TmMatch:
    """A translation-memory unit offered for one segment, kept beside the draft, never in it.

    ``percent`` is the similarity of ``source`` to the segment (``align.fuzzy``): 101 is an
    exact match whose neighbours match too, 100 exact, below that fuzzy. ``repairs`` says what
    was changed in ``target`` to fit the segment (``date 2002→2003``); empty when offered as is.
    """

    source: str
    target: str
    percent: int
    memory: str
    repairs: tuple[str, ...] = ()

    @property
    def repaired(self) -> bool:
        return bool(self.repairs)


@dataclass(frozen=True)
class Draft:
    """A draft of one source segment, traceable to the exact model (or memory) that made it.

    ``matches`` holds the best memory matches, best first; a fuzzy one never replaces ``text``.
    """

    text: str
    model: str
    fingerprint: str
    engine: str
    settings: DecodingSettings = field(default_factory=DecodingSettings)
    flags: tuple[str, ...] = ()
    matches: tuple[TmMatch, ...] = ()


@dataclass(frozen=True)
class Edit:
    """One reviewer decision on a bead, kept so edits stay traceable to the original draft.

    ``what`` is the kind of decision (``accept``, ``reject``, ``edit``, ``edit-source``,
    ``comment``, ``merge``, ``split``, ``move``); ``before``/``after`` hold the text (edit,
    comment) or status it changed.
    """

    what: str
    who: str = ""
    when: str = ""
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Bead:
    """An n:m link between source and target segment ids (either side may be empty).

    ``text`` is a reviewer's edited target; when set it replaces the joined target segments,
    which stay untouched so the original is never lost. ``source_text`` is the same for the
    source side: a reviewer's correction (a typo, a sentence cut in the wrong place).
    """

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float
    origin: BeadOrigin = BeadOrigin.HUMAN
    status: BeadStatus = BeadStatus.PENDING
    flags: tuple[str, ...] = ()
    note: str = ""
    text: str | None = None
    history: tuple[Edit, ...] = ()
    source_text: str | None = None


@dataclass(frozen=True)
class Side:
    """One language side of a project: where it came from and its segments."""

    lang: str
    path: str | None
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class ModelInfo:
    id: str
    fingerprint: str
    engine: str


@dataclass(frozen=True)
class Project:
    """Everything one run produced; serialised as ``bitext-project/1`` JSON."""

    source: Side
    target: Side
    drafts: tuple[Draft | None, ...]
    beads: tuple[Bead, ...]
    model: ModelInfo | None = None
    tool_version: str = ""
    created: str = ""
    # What ``bitext batch`` made the project from (a hash of the inputs and settings), so a
    # re-run can skip it when nothing changed; empty for projects made one at a time.
    input_hash: str = ""

    def source_text(self, bead: Bead) -> str:
        """The bead's source as it stands now: the reviewer's correction when there is one."""
        if bead.source_text is not None:
            return bead.source_text
        return self.original_source_text(bead)

    def original_source_text(self, bead: Bead) -> str:
        return join_texts([self.source.segments[i].text for i in bead.source], self.source.lang)

    def target_text(self, bead: Bead) -> str:
        """The bead's target as it stands now: the reviewer's edit when there is one."""
        if bead.text is not None:
            return bead.text
        return self.original_target_text(bead)

    def original_target_text(self, bead: Bead) -> str:
        return join_texts([self.target.segments[i].text for i in bead.target], self.target.lang)


def join_texts(texts: list[str], lang: str) -> str:
    """Join sentences the way the language writes them: CJK without spaces, others with one."""
    sep = "" if lang.split("-")[0].lower() in {"zh", "ja", "ko"} else " "
    return sep.join(texts)
