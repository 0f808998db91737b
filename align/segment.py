"""Sentence segmentation for Chinese and English with exact character offsets.

Every later stage inherits a wrong split, so the rules follow how official and literary texts
are actually written rather than a generic "full stop + space" heuristic.

Contract. ``segment(text, lang)`` returns segments in document order, non-overlapping, never
empty and never starting or ending with whitespace. A segment covers ``text[start:end]``; for a
heading that span is ``markup + segment.text`` (``markup`` is the ``## `` prefix, kept out of the
text so it is not translated), for every other segment ``markup`` is empty and
``segment.text == text[start:end]``. The gaps between spans hold only whitespace and the
optional closing ``#`` run of a Markdown heading, so the original is rebuilt exactly as
``gap_0 + markup_0 + text_0 + gap_1 + ...`` (see ``tests/test_segment_props.py``). A segment's
text may contain a line break when the input is hard-wrapped; documents read through
``align.documents.read_document`` have their wrapped lines joined first, so none is left.

With ``paragraphs`` (a structured reader's: HTML, DOCX) the paragraphs and headings are taken as
given; the first segment of a numbered list item carries the number as its ``markup``.

Paragraphs are blocks separated by blank lines or opened by an indented line (``\u3000\u3000``,
a tab, two spaces); Chinese text without any blank line is read as one paragraph per line that
ends a sentence. ``Segment.paragraph`` is the 0-based paragraph index.
Inside a paragraph a line break also ends a segment when a Markdown heading or an enumerated
item starts the next line (``一、`` ``（一）`` ``(1)`` ``1.`` ``1．`` ``第一，`` ``第一条``
``a)`` ``-``), or when the line is short and ends in a word or a closing bracket (a title,
a dateline); other line breaks are hard wraps and stay inside the sentence. A paragraph that
is one short line without final punctuation, followed by a blank line, is a plain-text heading.

Chinese (also Traditional; full- and half-width marks alike). A sentence ends after a run of
。｡！？!? or an ellipsis (…… ⋯ ...), plus the closing quotes and brackets that follow it
(” ’ 」 』 ） 》 ) ] " ', also across spaces before an unambiguous closer). It does not end
inside a 《…》 title, before continuation punctuation (，、；：), or at an ellipsis that is a
hesitation: followed by a space and more text on the same line (``我叫…… 叫``) or by the
character before it (``我……我``). Interrupted speech (``——”``) ends a sentence. A
half-width ``.`` ends a sentence only after a Han character or a closer, so 6,645.8亿, 3.5%,
``1.`` and URLs stay whole. With ``split_semicolons`` ；/; end a segment too (long
enumerating sentences).
A quote holding several sentences is split inside; each part keeps its own marks.

English. A sentence ends at . ! ? or an ellipsis (``...`` ``…`` ``. . .``) plus closers, when
whitespace and an upper-case letter, digit or opening quote/bracket follow. ! ? and ellipses
followed by a lower-case word never end it (``"Why?" he asked``), nor an ellipsis before a
repeated word (``I... I``); a dash before a closing quote (``But I—'``) does. A period followed by
a closing quote or bracket always ends the sentence; a bare period does not end it after:

* a title or reference abbreviation that never closes a sentence (Mr. Dr. St. e.g. i.e. ...);
* No. Art. Vol. p. Fig. ... when a number follows;
* an enumerator that opens the segment (``2. The parties``), a decimal or an unspaced initial
  (``S.Lavrov``), since there is no whitespace after the period.

**Sentence-final abbreviations.** Initials (``W. Yi``), dotted acronyms (U.S. U.N. H.E. a.m.),
month abbreviations and company/list abbreviations (Inc. Ltd. Co. etc. Jr.) may end a
sentence. After them the segmenter splits only when the next word is one of a closed list of
common sentence openers (The, This, He, It, We, In, But, ...): ``in the U.S. The talks`` splits,
``U.S. President Bush`` and ``W. Yi`` do not. This is best effort: a proper noun after a
sentence-final abbreviation stays joined.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterator, Sequence
from typing import Protocol

import regex

from align.model import Segment, SegmentKind

Span = tuple[int, int]

# A blank line, or a line break before an indented line (\u3000\u3000 or a tab opens a paragraph).
_PARA_BREAK = regex.compile(r"\n(?:[^\S\n]*\n)+|\n(?=(?:\u3000|\t| {2,})[^\S\n]*\S)")
# Chinese without any blank line is usually one paragraph per line: a line break after a
# finished sentence is a paragraph break there (mid-sentence breaks are hard wraps).
_ZH_LINE_PARA = regex.compile(
    r"(?<=[。｡！？!?…⋯][”’」』）)\]\"']*+)[^\S\n]*\n|\n(?=(?:\u3000|\t| {2,})[^\S\n]*\S)"
)
_BLANK_LINE = regex.compile(r"\n[^\S\n]*\n")
_HSPACE = r"[^\S\n]"
_CLOSE_ANY = "”’」』）》〉】〕］｝»›)]\"'"
_CLOSE_SURE = "”’」』）》〉】〕］｝»›"  # never an opener, so it may follow a space
_CLOSER = rf"(?:[{regex.escape(_CLOSE_ANY)}]|{_HSPACE}+[{regex.escape(_CLOSE_SURE)}])"
_ELLIPSIS = r"(?:…++|⋯++|\.{3,}+|。{3,}+|(?:\. ){2,}\.)"
_STUTTER = r"(?<=(\p{Han}))(?:…++|⋯++)\1"  # 我……我: a hesitation, not a sentence end


def _zh_end(semi: bool) -> regex.Pattern[str]:
    """A run of hard terminators (maybe with ellipses) or an ellipsis that is not a pause,
    then closers, never before continuation punctuation."""
    hard = "[。｡！？!?；;]" if semi else "[。｡！？!?]"
    hard = rf"(?:{hard}|(?<=[\p{{Han}}”’」』）)\]\"'])[.．](?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ.．]))"
    return regex.compile(
        rf"(?=[{'；;' if semi else ''}。｡！？!?…⋯.．—―─])"  # lets the engine skip ahead fast
        rf"(?:(?:{_ELLIPSIS})*+{hard}(?:{hard}|{_ELLIPSIS})*+{_CLOSER}*+"
        rf"|(?<![…⋯.。])(?!{_STUTTER}){_ELLIPSIS}(?:{_CLOSER}++|(?!{_HSPACE}+\S))"
        rf"|[—―─]++[”’」』]{_CLOSER}*+)"
        rf"(?!{_HSPACE}*[，,、：:；;])"
    )


_ZH_END = _zh_end(False)
_ZH_END_SEMI = _zh_end(True)
_TITLE = regex.compile(r"《[^《》\n]{0,300}》")

# English: candidates only; the abbreviation checks need the words around them.
_EN_END = regex.compile(
    rf"(?:{_ELLIPSIS}|[.!?]++|[—–]++(?=[\"'”’]))(?:[{regex.escape(_CLOSE_ANY)}])*+(?=\s|\Z)"
)
_EN_END_SEMI = regex.compile(
    rf"(?:{_ELLIPSIS}|[.!?]++|[—–]++(?=[\"'”’])|;)(?:[{regex.escape(_CLOSE_ANY)}])*+(?=\s|\Z)"
)
_EN_NEXT = regex.compile(r"\s+[\"'“‘(\[«]*(\S)(\p{L}*)")
_EN_WORD_BEFORE = regex.compile(r"(?r)(?<![\p{L}\p{N}.'’-])[\p{L}\p{N}.'’-]*\Z")

_ENUMERATOR = regex.compile(
    r"(?:[一二三四五六七八九十百零〇两]+[、．.]"
    r"|[（(][一二三四五六七八九十百零〇\d]{1,4}[）)]"
    r"|\(?\d{1,3}[.．)、](?!\d)"
    r"|第[一二三四五六七八九十百零〇\d]+(?:[，,、：:]|[条章节款编])"
    r"|[①-⑳]"
    r"|(?:\(?[a-z][.)]|\([ivx]{1,5}\)|[IVX]{1,5}\.|[-*•▪])(?=\s|\Z))"  # Latin ones need a space
)
_ENUM_LINE = regex.compile(rf"{_HSPACE}*{_ENUMERATOR.pattern}")
_ENUM_ONLY = regex.compile(rf"\s*{_ENUMERATOR.pattern}\s*")
_ATX = regex.compile(
    r"[^\S\n]{0,3}(#{1,6}[^\S\n]+)(\S(?:[^\n]*?\S)??)(?:[^\S\n]+#+)?[^\S\n]*$", regex.M
)
_FINAL_PUNCT = "。｡！？!?….．；;：:，,、-–—"

_EN_NEVER_END = frozenset(
    "mr mrs ms mx dr prof gen sen rep gov st hon amb rev capt col lt maj sgt cmdr adm pres"
    " messrs mme mlle fr e.g i.e cf viz vs approx dept esp".split()
)
_EN_BEFORE_NUMBER = frozenset("no nos art arts vol vols p pp para paras fig figs sec ch op".split())
_EN_MAY_END = frozenset(
    "inc ltd co corp jr sr etc al bros jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_EN_OPENERS = frozenset(
    "the a an this that these those there then thus however but and so yet or nor it its he she"
    " we they i you his her their our my your in on at as by for from with after before when"
    " while if although though since during under over what who why how where which this"
    " meanwhile moreover furthermore also some many most all both each one no not".split()
)
_HEADING = SegmentKind.HEADING
_SHORT_LINE = {"zh": 30, "en": 50}
_HEADING_MAX = {"zh": 40, "en": 80}


class Block(Protocol):
    """A paragraph a document reader already found (``align.documents.Paragraph``).

    ``text[start:end]`` is the paragraph; it opens with ``markup`` (a list number as shown,
    kept out of the segment text like a heading's ``#``). A heading is never split.
    """

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def markup(self) -> str: ...
    @property
    def heading(self) -> bool: ...


def segment(
    text: str,
    lang: str = "zh",
    *,
    split_semicolons: bool = False,
    paragraphs: Sequence[Block] | None = None,
) -> list[Segment]:
    """Split ``text`` into sentences and headings; ``lang`` is ``zh`` or ``en``.

    Region subtags are ignored (``zh-Hant`` is Chinese). Japanese shares the Chinese rules (。
    without spaces); any other language gets the English ones, which suit space-separated
    scripts. ``paragraphs`` (from a structured reader: HTML, DOCX) replaces the search for
    paragraphs and headings in ``text``: each is split into sentences on its own.
    """
    base = "zh" if lang.replace("_", "-").split("-")[0].lower() in {"zh", "ja"} else "en"
    titles = [m.span() for m in _TITLE.finditer(text)] if base == "zh" and "《" in text else []
    if paragraphs is not None:
        return _segment_blocks(text, paragraphs, base, split_semicolons, titles)
    segments: list[Segment] = []
    paragraphs_found = _paragraph_spans(text, base)
    for index, (p_start, p_end) in enumerate(paragraphs_found):
        last = index == len(paragraphs_found) - 1
        if text.find("\n", p_start, p_end) < 0 and text.find("#", p_start, p_end) < 0:
            # The common case, kept free of per-segment indirection for throughput.
            spans = _sentence_spans(text, p_start, p_end, base, split_semicolons, titles)
            if len(spans) == 1 and not last and _is_plain_heading(text, p_start, p_end, base):
                segments.append(
                    Segment(len(segments), text[p_start:p_end], index, p_start, p_end, _HEADING)
                )
                continue
            for a, b in spans:
                segments.append(Segment(len(segments), text[a:b], index, a, b))
            continue
        for kind, markup, a, b in _paragraph_segments(
            text, p_start, p_end, base, split_semicolons, titles, last
        ):
            segments.append(
                Segment(len(segments), text[a + len(markup) : b], index, a, b, kind, markup)
            )
    return segments


def _segment_blocks(
    text: str, blocks: Sequence[Block], lang: str, semi: bool, titles: list[Span]
) -> list[Segment]:
    segments: list[Segment] = []
    for index, block in enumerate(blocks):
        if block.heading:
            a, b = block.start + len(block.markup), block.end
            markup = block.markup
            segments.append(
                Segment(len(segments), text[a:b], index, block.start, b, _HEADING, markup)
            )
            continue
        spans = _sentence_spans(
            text, block.start + len(block.markup), block.end, lang, semi, titles
        )
        for i, (a, b) in enumerate(spans):
            markup = text[block.start : a] if i == 0 and block.markup else ""
            start = a - len(markup)
            segments.append(
                Segment(len(segments), text[a:b], index, start, b, SegmentKind.SENTENCE, markup)
            )
    return segments


def _paragraph_spans(text: str, lang: str) -> list[Span]:
    breaks = _PARA_BREAK
    if lang == "zh" and _BLANK_LINE.search(text) is None:
        breaks = _ZH_LINE_PARA
    spans, pos = [], 0
    for match in breaks.finditer(text):
        spans.append(_strip(text, pos, match.start()))
        pos = match.end()
    spans.append(_strip(text, pos, len(text)))
    return [s for s in spans if s[0] < s[1]]


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraph_segments(
    text: str, start: int, end: int, lang: str, semi: bool, titles: list[Span], last: bool
) -> Iterator[tuple[SegmentKind, str, int, int]]:
    blocks = _blocks(text, start, end, lang)
    for kind, markup, a, b in blocks:
        if kind is SegmentKind.HEADING:
            yield kind, markup, a, b
            continue
        spans = _sentence_spans(text, a, b, lang, semi, titles)
        if (
            len(blocks) == 1
            and len(spans) == 1
            and not last
            and _is_plain_heading(text, a, b, lang)
        ):
            yield SegmentKind.HEADING, "", a, b
            continue
        for s, e in spans:
            yield SegmentKind.SENTENCE, "", s, e


def _is_plain_heading(text: str, start: int, end: int, lang: str) -> bool:
    """A short line without final punctuation, followed by a blank line, is a title."""
    if end - start > _HEADING_MAX[lang] or text.find("\n", start, end) >= 0:
        return False
    body = text[start:end].rstrip(_CLOSE_ANY + " ")
    return (
        bool(body)
        and body[-1] not in _FINAL_PUNCT
        and regex.search(r"[\p{L}\p{N}]", body) is not None
    )


def _blocks(text: str, start: int, end: int, lang: str) -> list[tuple[SegmentKind, str, int, int]]:
    """Cut a multi-line paragraph at headings, enumerated lines and short title-like lines."""
    lines = _line_spans(text, start, end)
    out: list[tuple[SegmentKind, str, int, int]] = []
    block_start: int | None = None
    for i, (a, b) in enumerate(lines):
        heading = _ATX.match(text, a, b)
        if heading:
            if block_start is not None:
                out.append((SegmentKind.SENTENCE, "", block_start, lines[i - 1][1]))
                block_start = None
            out.append((SegmentKind.HEADING, heading.group(1), heading.start(1), heading.end(2)))
            continue
        if block_start is None:
            block_start = a
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is None or _hard_break(text, (a, b), nxt, lang):
            out.append((SegmentKind.SENTENCE, "", block_start, b))
            block_start = None
    return out


def _line_spans(text: str, start: int, end: int) -> list[Span]:
    spans, pos = [], start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        spans.append(_strip(text, pos, stop))
        pos = stop + 1
    return [s for s in spans if s[0] < s[1]]


def _hard_break(text: str, line: Span, nxt: Span, lang: str) -> bool:
    """Does the line break between ``line`` and ``nxt`` end a segment?"""
    if _ENUM_ONLY.fullmatch(text, *line):
        return False  # an enumerator is never a segment on its own
    if _ATX.match(text, *nxt) or _ENUM_LINE.match(text, *nxt):
        return True
    # A short line ending in a word or a closing bracket is a title or dateline. Lines that end
    # in punctuation are left to the sentence rules (``Mr.`` before a wrap must not split).
    last = text[line[1] - 1]
    if line[1] - line[0] > _SHORT_LINE[lang] or not (last.isalnum() or last in _CLOSE_ANY):
        return False
    return lang == "zh" or not text[nxt[0]].islower()


def _sentence_spans(
    text: str, start: int, end: int, lang: str, semi: bool, titles: list[Span]
) -> list[Span]:
    if lang == "zh":
        pattern = _ZH_END_SEMI if semi else _ZH_END
        if titles and _overlaps(titles, start, end):
            matches = [
                m for m in pattern.finditer(text, start, end) if not _inside(titles, m.start())
            ]
        elif text.find('"', start, end) >= 0:
            matches = list(pattern.finditer(text, start, end))
        else:
            matches = None
            cuts = [m.end() for m in pattern.finditer(text, start, end)]
        if matches is not None:
            cuts = _ascii_quote_cuts(text, start, matches)
    else:
        cuts = _en_cuts(text, start, end, semi)
    spans, prev = [], start
    for cut in cuts:
        if prev < cut and not (text[prev].isspace() or text[cut - 1].isspace()):
            spans.append((prev, cut))  # the usual case in Chinese: nothing to strip
            prev = cut
            continue
        a, b = _strip(text, prev, cut)
        if a < b:
            spans.append((a, b))
            prev = cut
    a, b = _strip(text, prev, end)
    if a < b:
        spans.append((a, b))
    return spans


def _ascii_quote_cuts(text: str, start: int, matches: list[regex.Match[str]]) -> list[int]:
    """A straight ``"`` after 。 closes a quote only if one is open; else it opens the next."""
    cuts, pos, count = [], start, 0
    for match in matches:
        quote = text.find('"', match.start(), match.end())
        if quote < 0:
            cuts.append(match.end())
            continue
        count += text.count('"', pos, quote)
        pos = quote
        cuts.append(match.end() if count % 2 else quote)
    return cuts


def _overlaps(titles: list[Span], start: int, end: int) -> bool:
    i = bisect.bisect_left(titles, (start, 0))
    return (i > 0 and titles[i - 1][1] > start) or (i < len(titles) and titles[i][0] < end)


def _inside(titles: list[Span], pos: int) -> bool:
    i = bisect.bisect_right(titles, (pos, sys.maxsize)) - 1
    return i >= 0 and titles[i][0] < pos < titles[i][1]


def _en_cuts(text: str, start: int, end: int, semi: bool) -> list[int]:
    cuts: list[int] = []
    seg_start = start
    for match in (_EN_END_SEMI if semi else _EN_END).finditer(text, start, end):
        if match.end() >= end:
            break
        if _en_boundary(text, match, seg_start, end):
            cuts.append(match.end())
            seg_start = match.end()
    return cuts


def _en_boundary(text: str, match: regex.Match[str], seg_start: int, end: int) -> bool:
    nxt = _EN_NEXT.match(text, match.end(), end)
    if nxt is None:
        return True
    first = nxt.group(1)
    if match.group()[0] == ";":
        return True
    if first.islower() or first in ",;:-–—)]":
        return False
    punct = match.group().rstrip(_CLOSE_ANY)
    if punct != ".":
        return not (punct[-1] in ".…" and _stutter(text, match, nxt))
    if match.group() != ".":
        return True  # a closing quote or bracket after the period: the sentence is over
    if _ENUM_ONLY.fullmatch(text, seg_start, match.end()):
        return False
    before = _EN_WORD_BEFORE.search(text, max(seg_start, match.start() - 40), match.start())
    word = (before.group() if before else "").lower().strip("'’")
    if word in _EN_NEVER_END:
        return False
    if word in _EN_BEFORE_NUMBER:
        return not first.isdigit()
    initial = len(word) == 1 and word.isalpha()
    acronym = "." in word and word.replace(".", "").isalpha()  # U.S. a.m. P.R.C., not 3.5
    if word in _EN_MAY_END or initial or acronym:
        return (first + nxt.group(2)).lower() in _EN_OPENERS
    return True


def _stutter(text: str, match: regex.Match[str], nxt: regex.Match[str]) -> bool:
    """``I... I've`` repeats the word before the ellipsis: a hesitation, not a new sentence."""
    before = _EN_WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
    word = before.group().lower().strip("'’") if before else ""
    return word == (nxt.group(1) + nxt.group(2)).lower()
