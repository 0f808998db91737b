"""The end-to-end job as batch functions over plain values: segment → draft → align → project.

Each stage takes and returns plain data, so any one can be swapped (another segmenter, another
engine, another aligner) or run as a distributed batch stage without touching the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from align import __version__, documents
from align.aligner import align
from align.documents import Paragraph
from align.model import (
    Bead,
    BeadOrigin,
    Draft,
    ModelInfo,
    Project,
    Segment,
    Side,
)
from align.segment import segment
from align.semantic import BlockVectors, SentenceEncoder, block_vectors, count_blocks, wide_ends
from align.tm import TM_ENGINE
from align.translator import ProgressCallback, Translator


@dataclass(frozen=True)
class Document:
    """One input text and where it came from.

    ``paragraphs`` are a structured reader's (HTML, DOCX): the segmenter takes them as given.
    None lets it find paragraphs in ``text`` (plain text, Markdown, repaired PDF text).
    """

    text: str
    path: str | None
    lang: str
    paragraphs: tuple[Paragraph, ...] | None = None

    @classmethod
    def read(cls, document: documents.Document, lang: str) -> Document:
        """What :func:`align.documents.read_document` returned, as a pipeline input."""
        paragraphs = document.paragraphs if document.structured else None
        return cls(document.text, document.path, lang, paragraphs)


def segment_input(document: Document) -> list[Segment]:
    return segment(document.text, document.lang, paragraphs=document.paragraphs)


def draft_segments(
    segments: list[Segment], translator: Translator, progress: ProgressCallback | None = None
) -> list[Draft]:
    return translator.translate([s.text for s in segments], progress=progress)


def drafts_as_target(drafts: list[Draft], lang: str = "en") -> Side:
    """Without a reference, the drafts are the target side, one per source segment."""
    segments = []
    pos = 0
    for i, draft in enumerate(drafts):
        segments.append(Segment(i, draft.text, paragraph=0, start=pos, end=pos + len(draft.text)))
        pos += len(draft.text) + 1  # drafts are laid out one per line
    return Side(lang=lang, path=None, segments=tuple(segments))


def pair_with_drafts(count: int, drafts: Sequence[Draft] = ()) -> list[Bead]:
    """Each source sentence with its own draft: a certain 1:1 link (origin tm for TM matches)."""
    tm = {i for i, d in enumerate(drafts) if d.engine == TM_ENGINE}
    return [
        Bead((i,), (i,), 1.0, origin=BeadOrigin.TM if i in tm else BeadOrigin.MT)
        for i in range(count)
    ]


def encode_sides(
    src: Sequence[Segment | str],
    tgt: Sequence[Segment | str],
    encoder: SentenceEncoder | None,
    progress: Callable[[str, int], ProgressCallback | None] | None = None,
    *,
    drafts: Sequence[str] | None = None,
    hard_paragraphs: bool = False,
) -> BlockVectors | None:
    """The aligner's sentence vectors, when an encoder is given.

    A first alignment without them (seconds, against minutes of encoding) says where wide
    blocks are worth encoding (``align.semantic.wide_ends``); pass the same ``drafts`` and
    ``hard_paragraphs`` as to the alignment that will use the vectors.
    """
    if encoder is None:
        return None
    tick = progress("aligning without vectors", len(src)) if progress else None
    first = align(src, tgt, drafts=drafts, hard_paragraphs=hard_paragraphs, progress=tick)
    wide = wide_ends(first)
    total = count_blocks(len(src), len(tgt), wide)
    tick = progress("encoding sentence groups", total) if progress else None
    texts = [_text(s) for s in src], [_text(s) for s in tgt]
    return block_vectors(*texts, encoder, wide=wide, progress=tick)


def _text(sentence: Segment | str) -> str:
    return sentence.text if isinstance(sentence, Segment) else sentence


def build_project(
    source: Document,
    translator: Translator,
    reference: Document | None = None,
    progress: Callable[[str, int], ProgressCallback | None] | None = None,
    encoder: SentenceEncoder | None = None,
) -> Project:
    """Run every stage on one document; ``progress(stage, total)`` may return a tick callback.

    ``encoder`` adds the sentence-meaning signal to the alignment with a reference.
    """
    from align.coverage import align_covered  # only a run with a reference needs it

    src_segments = segment_input(source)
    tick = progress("drafting", len(src_segments)) if progress else None
    drafts = draft_segments(src_segments, translator, tick)
    if reference is None:
        target = drafts_as_target(drafts)
        beads = pair_with_drafts(len(src_segments), drafts)
    else:
        tgt_segments = segment_input(reference)
        target = Side(reference.lang, reference.path, tuple(tgt_segments))
        draft_texts = [d.text for d in drafts]
        vectors = encode_sides(src_segments, tgt_segments, encoder, progress, drafts=draft_texts)
        # Segments (not bare strings) carry paragraph numbers: soft anchors for the aligner.
        # A reference that translates only part of the source aligns 1-1 where it does.
        tick = progress("aligning", len(src_segments)) if progress else None
        beads = align_covered(
            src_segments,
            tgt_segments,
            drafts=draft_texts,
            semantic=vectors,
            progress=tick,
        )
    return Project(
        source=Side(source.lang, source.path, tuple(src_segments)),
        target=target,
        drafts=tuple(drafts),
        beads=tuple(beads),
        model=ModelInfo(translator.model_id, translator.fingerprint, translator.engine),
        tool_version=__version__,
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
