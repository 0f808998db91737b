"""Sentence segmentation for Chinese and English with exact character offsets.

First version: paragraphs from blank lines, Markdown headings as their own segments, Chinese
sentences ending at 。！？ (with closing quotes/brackets kept), English sentences ending at .!?
before a capitalised word, except after common abbreviations.
"""

from __future__ import annotations

import regex

from align.model import Segment, SegmentKind

_PARA_SPLIT = regex.compile(r"\n[ \t\u3000]*\n")
_HEADING = regex.compile(r"^(#{1,6}[ \t]+)(.*?)[ \t#]*$")
_CLOSERS = "”’」』）》)\"'］]"
_ZH_END = regex.compile(rf"(?:[。！？!?]+|……|…)[{regex.escape(_CLOSERS)}]*")
_EN_END = regex.compile(rf"[.!?]+[{regex.escape(_CLOSERS)}]*(?=\s+[\"'“‘(\[]*[\p{{Lu}}\d])")
_EN_ABBREV = frozenset(
    "mr mrs ms dr st no art vol e.g i.e u.s u.n h.e prof gen sen rep gov jr sr co inc ltd vs"
    " etc fig jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def segment(text: str, lang: str = "zh") -> list[Segment]:
    """Split ``text`` into sentences; ``lang`` is ``zh`` or ``en`` (region subtags ignored)."""
    base = lang.split("-")[0].lower()
    segments: list[Segment] = []
    for paragraph, (p_start, p_end) in enumerate(_paragraph_spans(text)):
        for kind, markup, start, end in _split_paragraph(text, p_start, p_end, base):
            body_start = start + len(markup)
            segments.append(
                Segment(
                    id=len(segments),
                    text=text[body_start:end],
                    paragraph=paragraph,
                    start=start,
                    end=end,
                    kind=kind,
                    markup=markup,
                )
            )
    return segments


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for match in _PARA_SPLIT.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return [s for s in (_strip_span(text, a, b) for a, b in spans) if s[0] < s[1]]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_paragraph(
    text: str, start: int, end: int, lang: str
) -> list[tuple[SegmentKind, str, int, int]]:
    out: list[tuple[SegmentKind, str, int, int]] = []
    pos = start
    # A Markdown heading line is its own segment even without a blank line after it.
    line_end = text.find("\n", start, end)
    first_line = text[start : end if line_end < 0 else line_end]
    heading = _HEADING.match(first_line)
    if heading:
        h_end = start + heading.end(2)
        out.append((SegmentKind.HEADING, heading.group(1), start, h_end))
        pos = end if line_end < 0 else line_end
    for a, b in _sentence_spans(text, pos, end, lang):
        out.append((SegmentKind.SENTENCE, "", a, b))
    return out


def _sentence_spans(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    chunk = text[start:end]
    cuts = [m.end() for m in _ZH_END.finditer(chunk)] if lang == "zh" else _en_cuts(chunk)
    spans = []
    prev = 0
    for cut in [*cuts, len(chunk)]:
        a, b = _strip_span(chunk, prev, cut)
        if a < b:
            spans.append((start + a, start + b))
        prev = cut
    return spans


def _en_cuts(chunk: str) -> list[int]:
    cuts = []
    for match in _EN_END.finditer(chunk):
        if match.group().startswith(".") and _before_is_abbreviation(chunk, match.start()):
            continue
        cuts.append(match.end())
    return cuts


def _before_is_abbreviation(chunk: str, dot: int) -> bool:
    word = regex.search(r"[\p{L}.]*$", chunk[:dot])
    token = word.group().lower() if word else ""
    return token in _EN_ABBREV or (len(token) == 1 and token.isalpha())
