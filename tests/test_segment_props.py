"""Property tests: whatever the text, segmentation loses, duplicates and invents nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.model import Segment, SegmentKind
from align.segment import segment

# Characters the rules look at, plus ordinary text, in both languages.
_ALPHABET = (
    "会议举行部长们认为我他說們「」"  # Han, simplified and traditional
    "。｡！？!?…⋯.．；;：:，,、—–-"  # terminators, continuation and dashes
    "“”‘’『』（）()《》〈〉[]\"'"  # quotes and brackets
    "0123456789１２"  # digits
    "ABCDIMrsUNeghiW"  # Latin, enough for abbreviations and initials
    "#*•一二第"  # heading markup and enumerators
    " \t\n\n\u3000\r\x0b\u2028"  # whitespace, including exotic kinds
)
_TEXT = st.text(alphabet=_ALPHABET, max_size=120)
_PIECES = st.lists(
    st.sampled_from(
        [
            "。",
            "……",
            "”",
            "“",
            "《",
            "》",
            "\n",
            "\n\n",
            "## ",
            "1. ",
            "（一）",
            "Mr. ",
            "U.S. ",
            "He ",
            "她说",
            " ",
            "... ",
            "—”",
            "?' ",
            "6,645.8亿",
            "第一，",
            "；",
        ]
    )
    | _TEXT,
    max_size=12,
).map("".join)

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rebuild(text: str, segments: list[Segment]) -> str:
    """The original from the gaps between spans and each span's markup + text."""
    out, pos = [], 0
    for seg in segments:
        out.append(text[pos : seg.start])
        out.append(seg.markup + seg.text)
        pos = seg.end
    out.append(text[pos:])
    return "".join(out)


def check(text: str, lang: str, semi: bool) -> None:
    segments = segment(text, lang, split_semicolons=semi)
    assert rebuild(text, segments) == text
    pos, paragraph = 0, 0
    for i, seg in enumerate(segments):
        assert seg.id == i
        assert seg.text and seg.text == seg.text.strip(), seg
        assert pos <= seg.start < seg.end <= len(text)
        assert text[seg.start : seg.end] == seg.markup + seg.text
        assert seg.markup == "" or seg.kind is SegmentKind.HEADING
        gap = text[pos : seg.start]
        assert not gap.strip() or (i > 0 and segments[i - 1].kind is SegmentKind.HEADING)
        assert gap.strip().strip("#") == ""
        assert seg.paragraph >= paragraph
        pos, paragraph = seg.end, seg.paragraph
    tail = text[pos:]
    assert tail.strip().strip("#") == ""


@_SETTINGS
@given(text=_PIECES, lang=st.sampled_from(["zh", "en"]), semi=st.booleans())
def test_no_character_lost_duplicated_or_invented(text: str, lang: str, semi: bool) -> None:
    check(text, lang, semi)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=80), lang=st.sampled_from(["zh", "en"]))
def test_any_unicode_text_never_crashes(text: str, lang: str) -> None:
    check(text, lang, False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="会议举行部长们认为", min_size=1, max_size=8), min_size=1))
def test_plain_chinese_sentences_split_at_every_full_stop(sentences: list[str]) -> None:
    text = "".join(s + "。" for s in sentences)
    assert [s.text for s in segment(text, "zh")] == [s + "。" for s in sentences]
