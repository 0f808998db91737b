"""Plain text and Markdown: kept as written, unless the lines are hard-wrapped.

Text that is not wrapped (one paragraph per line, or paragraphs between blank lines) is returned
untouched, so segment offsets are offsets into the file. Hard-wrapped text — most lines about
as long as the longest, most of those ending in the middle of a sentence, or any line break the
segmenter would leave inside a sentence — is rebuilt by ``align.documents.wrap`` into one line
per paragraph.
"""

from __future__ import annotations

import re

from align.documents import Document, Paragraph, ParagraphKind, layout
from align.documents.wrap import (
    CLOSERS,
    FINAL,
    Line,
    display_width,
    ends_sentence,
    fits_after,
    limit_of,
    mostly_chinese,
    remove_furniture,
    repair,
)
from align.textio import decode_bytes

_BLANK_RUN = re.compile(r"\n[^\S\n]*\n\s*")
_MIN_LINES = 4
# a line that does not end a sentence, followed by a non-blank line
_OPEN_LINE_END = re.compile(rf"[^\s{re.escape(FINAL + CLOSERS)}][^\S\n]*\n[^\S\n]*\S")


def read_text_document(data: bytes, name: str, fmt: str = "text") -> Document:
    loaded = decode_bytes(data, name)
    text = loaded.text
    lines = text_lines(text)
    if looks_wrapped(lines) or _breaks_inside_sentences(text):
        body, paragraphs = layout(repair(lines))
        furniture = len(lines) - len(remove_furniture(lines))
        return Document(
            body,
            paragraphs,
            fmt,
            name,
            encoding=loaded.encoding,
            repaired=True,
            furniture=furniture,
        )
    return Document(text, _paragraphs(text), fmt, name, encoding=loaded.encoding)


def text_lines(text: str) -> list[Line]:
    """The non-blank lines with their layout: a form feed starts a page."""
    lines: list[Line] = []
    margin = _margin(text)
    number = 0
    paged = "\f" in text
    for page, page_text in enumerate(text.split("\f")):
        gap = False
        for raw in page_text.split("\n"):
            number += 1
            stripped = raw.strip()
            if not stripped:
                gap = bool(lines)
                continue
            lead = display_width(raw[: len(raw) - len(raw.lstrip())])
            width = display_width(raw.rstrip())
            lines.append(Line(stripped, page, number, width, lead > margin, gap, paged=paged))
            gap = False
    return lines


def _margin(text: str) -> float:
    """The usual indentation of a line (0 unless every line is indented)."""
    leads = [
        display_width(line[: len(line) - len(line.lstrip())])
        for line in text.split("\n")
        if line.strip()
    ]
    return min(leads, default=0.0)


def looks_wrapped(lines: list[Line]) -> bool:
    """Most lines nearly as long as the longest, most of those ending mid-sentence, and most
    too full for the next line's first word (a list of short titles is not wrapped)."""
    if len(lines) < _MIN_LINES:
        return False
    limit = limit_of(lines)
    if limit > 200:
        return False
    long = [line for line in lines if line.width >= 0.7 * limit]
    if len(long) < 0.5 * len(lines):
        return False
    open_ended = sum(1 for line in long if not ends_sentence(line.text))
    if open_ended < 0.5 * len(long):
        return False
    # the wrapper's mark: the next line's first word would not have fitted on this one
    pairs = [(a, b) for a, b in zip(lines, lines[1:], strict=False) if not b.gap]
    full = sum(1 for a, b in pairs if not fits_after(a, b, limit))
    return full >= 0.5 * len(pairs)


def _breaks_inside_sentences(text: str) -> bool:
    """A few hard-wrapped lines (too few to tell a wrap width) still leave a line break inside
    a sentence; rebuild those too, so that no segment ever holds one."""
    if _OPEN_LINE_END.search(text) is None:
        return False  # every line ends a sentence (or the text): nothing continues
    from align.segment import segment

    lang = "zh" if mostly_chinese(text) else "en"
    return any("\n" in s.text for s in segment(text, lang))


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Blocks between blank lines, with offsets into the text as written."""
    out: list[Paragraph] = []
    pos = 0
    for match in [*_BLANK_RUN.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[pos:end]
        stripped = chunk.strip()
        if stripped:
            start = pos + len(chunk) - len(chunk.lstrip())
            kind = ParagraphKind.HEADING if stripped.startswith("#") else ParagraphKind.BODY
            line = text.count("\n", 0, start) + 1
            out.append(Paragraph(stripped, kind, start, start + len(stripped), f"line {line}"))
        if match:
            pos = match.end()
    return tuple(out)
