"""Hard-wrapped lines back into paragraphs: the repair shared by plain text and PDF.

A PDF copy or an e-mail breaks every sentence at the page edge, and a page break adds a
running header, a footer and a page number in the middle of a sentence. Left alone, a digit or
Latin word split at a line end becomes two tokens (``于20`` / ``02年``), the line break reaches
the segments and the TMX, and the header is glued into a sentence. The repair:

1. drops page furniture: page numbers (``3``, ``- 3 -``, ``第3页``, ``Page 3 of 9``) and lines
   that repeat at the top or bottom of most pages (digits ignored, so ``Page 3`` matches
   ``Page 4``); without page breaks, a short line repeated word for word at regular intervals;
2. starts a paragraph at a blank line (or a wider gap in a PDF), an indented first line, a
   Markdown heading, a list item after a finished line, a change of font size, and after a line
   that ends a sentence and stops short of the margin (the next word would have fitted, so the
   break was the author's, not the wrapper's);
3. joins the other lines: Chinese with no space, English with one, an end-of-line hyphen
   removed only where the joined word is an English word (``co-`` ``operation``), a Latin word
   or number split inside Chinese text joined back (``20`` ``02年``).

Widths are in a unit the caller chooses (display columns for text, points for PDF); ``em`` is
the width of one Chinese character in that unit.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import regex

from align.documents import Block, ParagraphKind

FINAL = "。｡！？!?…⋯.．"
CLOSERS = "”’」』）》〉】〕］｝»›)]\"'"
_HAN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_LATIN = regex.compile(r"\p{Latin}")
_PAGE_NUMBER = regex.compile(
    r"[-–—\s]*(?:(?:page|p\.)\s*)?(?:第\s*)?\d{1,4}(?:\s*页)?"
    r"(?:\s*(?:/|／|of|共)\s*\d{1,4}\s*页?)?[-–—\s]*",
    regex.I,
)
_ENUM_START = regex.compile(
    r"(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]{1,3}[）)]"
    r"|\d{1,3}[.．、)](?!\d)|第[一二三四五六七八九十百\d]+[条章节]|[①-⑳]"
    r"|(?:[a-z][.)]|[-*•▪])\s)"
)
_MD_HEADING = re.compile(r"#{1,6}\s")
_DIGITS = re.compile(r"\d+")
_TRAILING_LETTERS = regex.compile(r"\p{Latin}+\Z")
_LEADING_LETTERS = regex.compile(r"\p{Latin}+")


@dataclass(frozen=True)
class Line:
    """One laid-out line (stripped) and what the layout says about it."""

    text: str
    page: int  # 0-based; every line 0 when the source has no page breaks
    number: int  # 1-based, in the file (text) or on its page (PDF)
    width: float  # from the left margin to the line's end
    indent: bool = False  # further right than the page's left margin: a first line
    gap: bool = False  # a blank line, or a wider gap than the line spacing, before it
    em: float = 2.0  # width of one CJK character (text: 2 columns; PDF: the font size)
    size: float = 0.0  # font size when known (PDF)
    paged: bool = False  # the source has pages (a PDF, a text with form feeds)

    @property
    def origin(self) -> str:
        return f"page {self.page + 1} line {self.number}" if self.paged else f"line {self.number}"


def char_width(ch: str, em: float = 2.0) -> float:
    return em if unicodedata.east_asian_width(ch) in "WF" else em / 2


def display_width(text: str, em: float = 2.0) -> float:
    return sum(char_width(ch, em) for ch in text)


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def mostly_chinese(text: str) -> bool:
    """Chinese (or Japanese) text: lines are wrapped anywhere, not only at spaces."""
    sample = text[:20000]
    han = len(_HAN.findall(sample))
    return han > 0.3 * (han + len(_LATIN.findall(sample)))


def limit_of(lines: Sequence[Line]) -> float:
    """The wrap width: the longest line but for a few outliers (in a long text)."""
    widths = sorted(line.width for line in lines)
    if len(widths) < 50:
        return widths[-1] if widths else 0.0
    return widths[int(0.98 * (len(widths) - 1))]


def ends_sentence(text: str) -> bool:
    body = text.rstrip(CLOSERS)
    return bool(body) and body[-1] in FINAL


# -- page furniture ---------------------------------------------------------------------------


def remove_furniture(lines: Sequence[Line]) -> list[Line]:
    """Drop page numbers and running headers/footers (see the module docstring)."""
    pages = max((line.page for line in lines), default=0) + 1
    drop = _paged_furniture(lines, pages) if pages > 1 else _unpaged_furniture(lines)
    kept: list[Line] = []
    after_drop = False
    for i, line in enumerate(lines):
        if i in drop:
            after_drop = True
            continue
        if after_drop or line.page != (kept[-1].page if kept else 0):
            # the blank lines around a page break say nothing about paragraphs
            line = dataclasses.replace(line, gap=False)
        kept.append(line)
        after_drop = False
    return kept


def _key(text: str) -> str:
    return _DIGITS.sub("#", "".join(text.split()))


def _paged_furniture(lines: Sequence[Line], pages: int) -> set[int]:
    edges: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        edges.setdefault(line.page, []).append(i)
    candidates = [i for idx in edges.values() for i in (*idx[:2], *idx[-2:])]
    candidates = sorted(set(candidates))
    counts = Counter(_key(lines[i].text) for i in candidates)
    needed = max(2, (pages + 1) // 2)
    return {
        i
        for i in candidates
        if _PAGE_NUMBER.fullmatch(lines[i].text) or counts[_key(lines[i].text)] >= needed
    }


def _unpaged_furniture(lines: Sequence[Line]) -> set[int]:
    """Without page breaks: a short line repeated at regular intervals, and page numbers."""
    limit = limit_of(lines)
    positions: dict[str, list[int]] = {}
    for i, line in enumerate(lines):  # exact text: "in 2003. The" is not "in 2004. The"
        positions.setdefault(line.text, []).append(i)
    drop: set[int] = set()
    for where in positions.values():
        line = lines[where[0]]
        if (
            len(where) >= 3
            and line.width <= 0.85 * limit  # a full line repeated is text repeated
            and not ends_sentence(line.text)
            and _regular(where)
        ):
            drop.update(where)
    numbers = [
        i
        for i, line in enumerate(lines)
        if line.width <= 0.5 * limit and _PAGE_NUMBER.fullmatch(line.text)
    ]
    values = [int(_DIGITS.findall(lines[i].text)[0]) for i in numbers]
    if len(numbers) >= 2 and all(a < b for a, b in zip(values, values[1:], strict=False)):
        drop.update(numbers)
    return drop


def _regular(where: list[int]) -> bool:
    gaps = [b - a for a, b in zip(where, where[1:], strict=False)]
    return min(gaps) >= 5 and max(gaps) <= 1.6 * min(gaps)


# -- paragraphs -------------------------------------------------------------------------------


def paragraphs(lines: Sequence[Line], *, slack: float = 0.0) -> Iterator[list[Line]]:
    """Group lines into paragraphs; ``slack`` is how far short of the margin still counts as
    reaching it (PDF geometry is approximate)."""
    limit = limit_of(lines)
    body_size = _body_size(lines)
    current: list[Line] = []
    for line in lines:
        if current and _starts_paragraph(current, line, limit, slack, body_size):
            yield current
            current = []
        current.append(line)
    if current:
        yield current


def _body_size(lines: Sequence[Line]) -> float:
    sizes = [round(line.size, 1) for line in lines if line.size]
    return statistics.mode(sizes) if sizes else 0.0


def _starts_paragraph(
    current: list[Line], line: Line, limit: float, slack: float, body_size: float
) -> bool:
    prev = current[-1]
    if line.gap or line.indent:
        return True
    if body_size and abs(line.size - prev.size) > 0.15 * body_size:
        return True  # a heading in a larger (or a note in a smaller) font
    if _MD_HEADING.match(line.text) or _MD_HEADING.match(prev.text):
        return True
    if prev.text.endswith(("-", "\u00ad")):
        return False
    if not fits_after(prev, line, limit - slack):
        return False
    if _ENUM_START.match(line.text) or ends_sentence(prev.text) or prev.text[-1] in "：:；;":
        return True
    # a short line standing alone: a title, a dateline, a signature
    return len(current) == 1 and prev.width <= 0.6 * limit


def fits_after(line: Line, nxt: Line, limit: float) -> bool:
    """Would ``nxt``'s first word have fitted at the end of ``line``? Then the break was meant."""
    return line.width + _first_token_width(nxt) + line.em / 2 <= limit


def _first_token_width(line: Line) -> float:
    text = line.text
    if not text:
        return 0.0
    if is_wide(text[0]):
        return char_width(text[0], line.em)
    token = text.split(None, 1)[0]
    return display_width(token, line.em)


# -- joining ----------------------------------------------------------------------------------


def join_lines(texts: Sequence[str], chinese: bool) -> str:
    """The lines of one paragraph as one line (see the module docstring for the rules)."""
    out = texts[0] if texts else ""
    for text in texts[1:]:
        out = join_pair(out, text, chinese) if out else text
    return out


def join_pair(a: str, b: str, chinese: bool) -> str:
    if not b:
        return a
    if a.endswith("\u00ad"):  # a soft hyphen is never printed
        return a[:-1] + b
    last, first = a[-1], b[0]
    if last == "-" and len(a) > 1 and a[-2].isalpha() and first.isalpha():
        return a[:-1] + b if first.islower() and _joined_is_word(a[:-1], b) else a + b
    if is_wide(last) or is_wide(first):
        return a + b
    if last in "—–/" and not a[:-1].endswith(" "):
        return a + b  # an unspaced dash or a path goes on
    if chinese and not (last.isalpha() and first.isalpha() and not _joined_is_word(a, b)):
        return a + b if not (last in ",.;:!?" and first.isalpha()) else f"{a} {b}"
    return f"{a} {b}"


def _joined_is_word(a: str, b: str) -> bool:
    from align.documents.words import is_word

    head = _TRAILING_LETTERS.search(a)
    tail = _LEADING_LETTERS.match(b)
    if head is None or tail is None:
        return False
    return is_word(head.group() + tail.group())


# -- the whole repair -------------------------------------------------------------------------


def repair(lines: Sequence[Line], *, slack: float = 0.0) -> list[Block]:
    """Page furniture out, paragraphs found, lines joined: the blocks of a wrapped document."""
    kept = remove_furniture(lines)
    chinese = mostly_chinese("".join(line.text for line in kept))
    groups = list(paragraphs(kept, slack=slack))
    body_size = _body_size(kept)
    blocks = []
    for group in groups:
        text = join_lines([line.text for line in group], chinese)
        blocks.append(Block(text, _kind(group, text, body_size), group[0].origin))
    return blocks


def _kind(group: list[Line], text: str, body_size: float) -> ParagraphKind:
    if _MD_HEADING.match(text):
        return ParagraphKind.HEADING
    if body_size and group[0].size > 1.15 * body_size:
        return ParagraphKind.HEADING
    if _ENUM_START.match(text):
        return ParagraphKind.LIST_ITEM
    if len(group) == 1 and not ends_sentence(text) and text[-1] not in "，,、；;：:":
        return ParagraphKind.HEADING
    return ParagraphKind.BODY
