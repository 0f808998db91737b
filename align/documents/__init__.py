"""Documents in: plain text, Markdown, HTML, DOCX and PDF as one ordered list of paragraphs.

``read_document(path)`` is the one reader every command uses (``run``, ``draft``, ``segment``,
``align``, ``batch``). It returns a :class:`Document`: the extracted ``text`` that segment
offsets point into, its :class:`Paragraph` list (text, kind, where it came from) and what the
file declares about itself (title, language).

* Plain text and Markdown are kept as written, so offsets are offsets into the file; only
  hard-wrapped text (a PDF copy, an e-mail) is rebuilt, its lines joined into paragraphs and
  its page numbers and running headers dropped (``repaired`` says so).
* For HTML, DOCX and PDF ``text`` is the extracted text: one paragraph per line, paragraphs
  separated by a blank line. Offsets are offsets into that text, not into the file.

HTML and DOCX are *structured*: their paragraphs and headings come from the markup, and the
segmenter takes them as given (``segment_document``). Text and PDF paragraphs are found by the
segmenter in the rebuilt text, as for any plain text.

Each format is a module of pure functions over bytes (``html``, ``docx``, ``pdf``, ``text``);
``sniff`` picks one from the extension and the first bytes. A file we cannot read raises
:class:`~align.errors.InputError` with one line that says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from align.errors import InputError
from align.model import Segment


class ParagraphKind(StrEnum):
    HEADING = "heading"
    BODY = "body"
    LIST_ITEM = "list-item"
    TABLE_CELL = "table-cell"
    FOOTNOTE = "footnote"


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: ``Document.text[start:end] == markup + text``.

    ``markup`` is an automatic list number as the document shows it (``（一）``, ``1.``): the
    segmenter keeps it out of the sentence, as CAT tools keep numbering out of segments.
    ``origin`` says where in the file it was (``line 12``, ``page 3``, ``table 1 row 2 cell 1``).
    """

    text: str
    kind: ParagraphKind
    start: int
    end: int
    origin: str
    markup: str = ""

    @property
    def heading(self) -> bool:
        return self.kind is ParagraphKind.HEADING


FORMATS = ("text", "markdown", "html", "docx", "pdf")
STRUCTURED = frozenset({"html", "docx"})


@dataclass(frozen=True)
class Document:
    """A document as read: the text segments point into, and its paragraphs in order."""

    text: str
    paragraphs: tuple[Paragraph, ...]
    format: str
    path: str | None = None
    title: str | None = None
    lang: str | None = None  # as the file declares it (``<html lang>``, DOCX core properties)
    encoding: str | None = None  # for text and HTML: how the bytes were decoded
    repaired: bool = False  # hard-wrapped lines were joined, page furniture removed
    furniture: int = 0  # of a repaired text: page-number and running header/footer lines dropped

    @property
    def structured(self) -> bool:
        """Paragraphs and headings come from markup, not from the segmenter's rules."""
        return self.format in STRUCTURED


@dataclass(frozen=True)
class Block:
    """A paragraph as a reader yields it, before the document text is laid out."""

    text: str
    kind: ParagraphKind = ParagraphKind.BODY
    origin: str = ""
    markup: str = ""


def layout(blocks: Iterable[Block]) -> tuple[str, tuple[Paragraph, ...]]:
    """One paragraph per line, a blank line between: the extracted text and its paragraphs."""
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    pos = 0
    for block in blocks:
        text = _one_line(block.text)
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        full = block.markup + text
        parts.append(full)
        paragraphs.append(
            Paragraph(text, block.kind, pos, pos + len(full), block.origin, block.markup)
        )
        pos += len(full)
    if parts:
        parts.append("\n")
    return "".join(parts), tuple(paragraphs)


def _one_line(text: str) -> str:
    if "\n" not in text:
        return text.strip()
    from align.documents.wrap import join_lines, mostly_chinese

    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return join_lines(lines, mostly_chinese(text))


def read_document(path: Path | str, format: str | None = None) -> Document:  # noqa: A002
    """Read the document at ``path``; ``format`` (one of :data:`FORMATS`) skips the guessing.

    Raises :class:`~align.errors.InputError` (one line, with advice) for a missing, empty,
    damaged, encrypted or unsupported file.
    """
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise InputError(f"--format {format}: unknown; bitext reads {', '.join(FORMATS)}")
    from align.textio import read_input

    return read_bytes(read_input(path, "a document file"), str(path), format)


def read_bytes(data: bytes, name: str, format: str | None = None) -> Document:  # noqa: A002
    """:func:`read_document` over bytes already read; ``name`` appears in errors and ``path``."""
    from align.documents import sniff

    chosen = format or sniff.guess_format(data, name)
    if chosen in ("text", "markdown"):
        from align.documents.text import read_text_document

        return read_text_document(data, name, chosen)
    if chosen == "html":
        from align.documents.html import read_html

        return read_html(data, name)
    if chosen == "docx":
        from align.documents.docx import read_docx

        return read_docx(data, name)
    from align.documents.pdf import read_pdf

    return read_pdf(data, name)


def segment_document(
    document: Document, lang: str, *, split_semicolons: bool = False
) -> list[Segment]:
    """Sentences of ``document``: structured paragraphs as given, other text by the rules."""
    from align.segment import segment

    paragraphs: Sequence[Paragraph] | None = document.paragraphs if document.structured else None
    return segment(document.text, lang, split_semicolons=split_semicolons, paragraphs=paragraphs)
