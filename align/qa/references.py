"""References: 1441号决议 ↔ resolution 1441, 第三条第二款 ↔ Article 3, paragraph 2,
第七章 ↔ Chapter VII."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from align.qa.flags import Flag, Severity
from align.qa.zhnum import CN_NUMERAL, parse_zh_numeral

ZH_KINDS = {"条": "article", "款": "paragraph", "段": "paragraph", "章": "chapter"}
ZH_KINDS |= {"节": "section", "项": "item", "部分": "part", "附件": "annex"}
EN_KINDS = {
    "resolution": "resolution", "article": "article", "art": "article", "paragraph": "paragraph",
    "para": "paragraph", "subparagraph": "item", "item": "item", "point": "item",
    "chapter": "chapter", "section": "section", "part": "part", "annex": "annex",
}  # fmt: skip
_NUM_ZH = rf"(?:\d+|{CN_NUMERAL})"
_ZH_RESOLUTIONS = regex.compile(
    r"(?:第?\s*\d+(?:/\d+)?\s*(?:[(（]\s*\d{4}\s*[)）])?\s*号\s*(?:[和、及与,，至到或]\s*)?)+决议"
)
_ZH_RES_NUMBER = regex.compile(r"(\d+(?:/\d+)?)\s*(?:[(（]\s*\d{4}\s*[)）])?\s*号")
_ZH_NUMBERED = regex.compile(rf"第\s*(?P<n>{_NUM_ZH})\s*(?P<kind>部分|附件|[条款段章节项])")
_ROMAN = r"(?-i:[IVXLC]+)"
_EN_NUM = rf"(?:No\.?\s*)?(?:\d+(?:/\d+)?|{_ROMAN})\b(?:\s*\(\d{{4}}\))?"
_EN_REFS = regex.compile(
    rf"\b(?P<kind>{'|'.join(sorted(EN_KINDS, key=len, reverse=True))})s?\.?\s+"
    rf"(?P<nums>{_EN_NUM}(?:\s*\((?:\d+|[a-z])\))*(?:\s*(?:,|and|or|to|through|–|-)\s*{_EN_NUM})*)",
    regex.I,
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass(frozen=True)
class Reference:
    kind: str  # resolution, article, paragraph, chapter, section, item, part, annex
    number: str  # "1441", "7", or session/number for General Assembly resolutions ("56/88")
    span: tuple[int, int]

    def describe(self) -> str:
        return f"{self.kind} {self.number}"


def roman_to_int(text: str) -> int:
    values = [_ROMAN_VALUES[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def find_zh_references(text: str) -> list[Reference]:
    refs = []
    for m in _ZH_RESOLUTIONS.finditer(text):
        for n in _ZH_RES_NUMBER.finditer(m.group()):
            refs.append(Reference("resolution", n[1], m.span()))
    for m in _ZH_NUMBERED.finditer(text):
        number = m["n"]
        value = int(number) if number.isdigit() else parse_zh_numeral(number)
        if value is not None:
            refs.append(Reference(ZH_KINDS[m["kind"]], str(int(value)), m.span()))
    return refs


def find_en_references(text: str) -> list[Reference]:
    refs = []
    for m in _EN_REFS.finditer(text):
        kind = EN_KINDS[m["kind"].lower()]
        numbers = regex.sub(r"\(\d{4}\)", "", m["nums"])  # resolution 1373 (2001): drop the year
        for n in regex.finditer(rf"\((\d+)\)|\b(\d+(?:/\d+)?|{_ROMAN})\b", numbers):
            if n[1]:  # Article 7(2): the bracketed number is a paragraph
                refs.append(Reference("paragraph", n[1], m.span()))
                continue
            value = n[2] if n[2][0].isdigit() else str(roman_to_int(n[2]))
            refs.append(Reference(kind, value, m.span()))
    return refs


def check_references(
    source: str, target: str, source_numbers: frozenset[float] = frozenset()
) -> list[Flag]:
    """Each numbered resolution/article/paragraph keeps both its number and its kind; English
    references whose number is nowhere in the source are flagged as invented."""
    zh, en = find_zh_references(source), find_en_references(target)
    have = {(r.kind, r.number) for r in en}
    flags = []
    for ref in zh:
        if (ref.kind, ref.number) in have or (
            ref.kind == "item" and ("paragraph", ref.number) in have
        ):
            continue
        other = sorted({r.kind for r in en if r.number == ref.number})
        hint = f" (rendered as {', '.join(other)} {ref.number})" if other else ""
        message = f"{ref.describe()} ({source[slice(*ref.span)]}) missing{hint}"
        flags.append(Flag("references", Severity.ERROR, message, source_span=ref.span))
    zh_numbers = {r.number for r in zh} | {str(int(n)) for n in source_numbers if n == int(n)}
    for ref in en:
        if ref.number not in zh_numbers:
            message = f"{ref.describe()} not in the source"
            flags.append(Flag("references", Severity.ERROR, message, target_span=ref.span))
    return flags
