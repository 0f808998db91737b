"""PDF: the text layer by pdfminer.six, then the hard-wrap repair of ``align.documents.wrap``.

pdfminer's layout analysis gives each text line with its position and font size, which the
repair uses as a text file's blank lines and indents: a wider gap than the line spacing or a
first line further right starts a paragraph, a larger font is a heading, the lines repeated at
the top or bottom of most pages are running headers and footers. A PDF without a text layer (a
scan) is refused with one line: bitext does no OCR.
"""

from __future__ import annotations

import io
import statistics
from collections.abc import Iterator
from dataclasses import dataclass

from align.documents import Document, layout
from align.documents.wrap import Line, is_wide, repair
from align.errors import InputError


@dataclass(frozen=True)
class _Box:
    """One text line as laid out on the page (PDF points, y grows upwards)."""

    text: str
    x0: float
    x1: float
    y0: float
    size: float


def read_pdf(data: bytes, name: str) -> Document:
    pages = _pages(data, name)
    if not any(pages):
        raise InputError(
            f"{name}: no text layer (a scanned PDF?); bitext does no OCR: run OCR first "
            "(e.g. ocrmypdf) or give the text"
        )
    unmapped = sum(box.text.count("(cid:") for page in pages for box in page)
    if unmapped > max(10, sum(len(box.text) for page in pages for box in page) // 50):
        raise InputError(
            f"{name}: its fonts do not say which characters they draw (pdfminer shows (cid:N)); "
            "export the PDF again with embedded Unicode fonts, or OCR it"
        )
    lines = list(_lines(pages))
    sizes = [line.size for line in lines]
    body_size = statistics.median(sizes) if sizes else 10.0
    text, paragraphs = layout(repair(lines, slack=0.5 * body_size))
    return Document(text, paragraphs, "pdf", name, repaired=True)


def _pages(data: bytes, name: str) -> list[list[_Box]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return [_page_boxes(page) for page in extract_pages(io.BytesIO(data), laparams=LAParams())]
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(
            f"{name}: encrypted (password-protected); save an unprotected copy and give that"
        ) from None
    except Exception:  # pdfminer raises many kinds of errors on a broken file
        raise InputError(
            f"{name}: damaged PDF (cannot read its structure); re-save or re-export it and try "
            "again"
        ) from None


def _page_boxes(page: object) -> list[_Box]:
    from pdfminer.layout import LTChar, LTTextLine

    boxes = []
    for line in _walk(page):
        if not isinstance(line, LTTextLine):
            continue
        text = line.get_text().strip()
        if not text:
            continue
        sizes = [ch.size for ch in line if isinstance(ch, LTChar)]
        size = statistics.median(sizes) if sizes else line.height
        boxes.append(_Box(text, line.x0, line.x1, line.y0, size))
    return _merge_same_line(sorted(boxes, key=lambda b: (-b.y0, b.x0)))


def _walk(item: object) -> Iterator[object]:
    from pdfminer.layout import LTTextLine

    if isinstance(item, LTTextLine):
        yield item
        return
    if hasattr(item, "__iter__"):
        for child in item:
            yield from _walk(child)


def _merge_same_line(boxes: list[_Box]) -> list[_Box]:
    """Pieces of one visual line (two text boxes side by side) become one line."""
    merged: list[_Box] = []
    for box in boxes:
        last = merged[-1] if merged else None
        if last is not None and abs(last.y0 - box.y0) < 0.3 * max(box.size, 1.0):
            sep = "" if is_wide(last.text[-1]) or is_wide(box.text[0]) else " "
            merged[-1] = _Box(last.text + sep + box.text, last.x0, box.x1, last.y0, last.size)
        else:
            merged.append(box)
    return merged


def _lines(pages: list[list[_Box]]) -> Iterator[Line]:
    pitches = [
        a.y0 - b.y0 for page in pages for a, b in zip(page, page[1:], strict=False) if a.y0 > b.y0
    ]
    pitch = statistics.median(pitches) if pitches else 0.0
    lefts = [round(box.x0) for page in pages for box in page]
    left = statistics.mode(lefts) if lefts else 0.0
    for number, page in enumerate(pages):
        previous: _Box | None = None
        for n, box in enumerate(page, start=1):
            gap = previous is not None and previous.y0 - box.y0 > 1.3 * pitch
            indent = box.x0 > left + 0.8 * box.size
            yield Line(box.text, number, n, box.x1 - left, indent, gap, box.size, box.size, True)
            previous = box
