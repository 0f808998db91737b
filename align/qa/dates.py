"""Dates: 2002年11月23日 ↔ 23 November 2002 / November 23, 2002 / 2002-11-23, months, years."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from align.qa.flags import Flag, Severity
from align.qa.zhnum import parse_zh_numeral

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9}
_ABBR |= {"sept": 9, "oct": 10, "nov": 11, "dec": 12}
MONTH_NAMES = MONTHS | _ABBR
_M = rf"(?P<m>{'|'.join(sorted(MONTH_NAMES, key=len, reverse=True))})\.?"
_FULL_M = rf"(?P<m>{'|'.join(m.capitalize() for m in MONTHS)})"
_D = r"(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_Y = r"(?P<y>1[6-9]\d\d|20\d\d)"
_D2 = _D.replace("?P<d>", "?P<d2>")
_TO = r"\s*(?:-|–|—|and|to|&)\s*"
EN_PATTERNS = [
    regex.compile(rf"\b{_Y}-(?P<m>0?[1-9]|1[0-2])-{_D.replace('(?:st|nd|rd|th)?', '')}\b"),
    # 23/11/2002 or 11/23/2002: unambiguous when one part is over 12, else read day first
    regex.compile(r"\b(?P<a>[0-3]?\d)[/.](?P<b>[0-3]?\d)[/.](?P<y>1[6-9]\d\d|20\d\d)\b"),
    regex.compile(rf"\b{_D}{_TO}{_D2}\s+(?:of\s+)?{_M}(?:,?\s+{_Y})?\b", regex.I),
    regex.compile(rf"\b{_M}\s+{_D}{_TO}{_D2}(?:,?\s+{_Y})?\b(?!,\d)", regex.I),
    regex.compile(rf"\b{_D}\s+(?:of\s+)?{_M}(?:,?\s+{_Y})?\b", regex.I),
    regex.compile(rf"\b{_M}\s+{_D}(?:,?\s+{_Y})?\b(?!,\d)", regex.I),
    regex.compile(rf"\b{_M}\s+(?:of\s+)?{_Y}\b", regex.I),
    # a month alone only after a word that makes it a date ("in March", not "May we")
    regex.compile(
        r"(?<=\b(?:in|of|since|until|till|by|from|during|last|next|this|early|late|mid|before|"
        rf"after|through|and|to|or|between)[\s-]+){_FULL_M}\b"
    ),
    regex.compile(r"\b(?P<decade>1[6-9]\d0|20\d0)['’]?s\b"),
    regex.compile(
        rf"(?<![\d.,$£€/])\b{_Y}\b(?!,?\d|\.\d|\s*(?:%|per\s?cent|percent|million|billion))",
        regex.I,
    ),
]
_ZH_DIGIT = "零〇○一二三四五六七八九"
_ZH_YEAR = rf"(?P<y>\d{{4}}|[{_ZH_DIGIT}]{{4}})年"
_ZH_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月"
_ZH_DAY_NUM = r"(?:[12]\d|3[01]|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
# 6月15日至16日: the second day of a range shares the month
_ZH_DAY = rf"(?P<d>{_ZH_DAY_NUM})[日号](?:[至到和、~～—–-](?P<d2>{_ZH_DAY_NUM})[日号])?"
ZH_PATTERNS = [
    regex.compile(rf"{_ZH_YEAR}(?:{_ZH_MONTH}(?:{_ZH_DAY})?)?"),
    regex.compile(rf"(?P<rel>今年|明年|去年|本年|当年|同年|上月|本月)?{_ZH_MONTH}(?:{_ZH_DAY})?"),
    regex.compile(
        r"(?P<century>上世纪|上个世纪|20世纪|二十世纪)?(?P<decade>\d0|[一二三四五六七八九]十)年代"
    ),
]
RELATIVE_YEAR = regex.compile(r"今年|明年|去年|本年|当年|同年|前年|后年|次年|翌年")


@dataclass(frozen=True)
class DateMention:
    year: int | None
    month: int | None
    day: int | None
    span: tuple[int, int]
    decade: int | None = None  # 1990 for "1990s" / 上世纪90年代; 90 when the century is unknown

    def describe(self) -> str:
        if self.decade is not None:
            return f"{self.decade}s"
        if self.month and not self.year and not self.day:
            return f"month {self.month}"
        parts = [str(self.year) if self.year else "", f"{self.month:02d}" if self.month else ""]
        parts.append(f"{self.day:02d}" if self.day else "")
        return "-".join(p for p in parts if p) or "?"


def _zh_int(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    value = parse_zh_numeral(text)
    return None if value is None else int(value)


def _collect(patterns: list[regex.Pattern[str]], text: str, build: object) -> list[DateMention]:
    """Earlier patterns win; later ones cannot reuse characters already claimed. ``build``
    returns the dates of one match (two for a day range such as 15-16 June)."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            mentions = build(m)  # type: ignore[operator]
            if mentions:
                taken.append(m.span())
                found.extend(mentions)
    return sorted(found, key=lambda d: d.span)


def find_zh_dates(text: str) -> list[DateMention]:
    def build(m: regex.Match[str]) -> list[DateMention]:
        groups = m.groupdict()
        if groups.get("decade"):
            decade = (_zh_int(groups["decade"]) or 0) + (1900 if groups["century"] else 0)
            return [DateMention(None, None, None, m.span(), decade)]
        year, month = _zh_int(groups.get("y")), _zh_int(groups.get("m"))
        days = [_zh_int(groups.get("d")), _zh_int(groups.get("d2"))]
        return [DateMention(year, month, d, m.span()) for d in days[: 2 if days[1] else 1]]

    return _collect(ZH_PATTERNS, text, build)


def _numeric_date(a: int, b: int, year: int, span: tuple[int, int]) -> list[DateMention]:
    """23/11/2002 or 11/23/2002: unambiguous when one part is over 12, else day first (UN)."""
    day, month = (b, a) if b > 12 >= a else (a, b)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return []
    return [DateMention(year, month, day, span)]


def find_en_dates(text: str) -> list[DateMention]:
    def build(m: regex.Match[str]) -> list[DateMention]:
        groups = m.groupdict()
        if groups.get("decade"):
            return [DateMention(None, None, None, m.span(), int(groups["decade"]))]
        if groups.get("a"):
            return _numeric_date(int(groups["a"]), int(groups["b"]), int(groups["y"]), m.span())
        month = groups.get("m")
        if month and not month.isdigit():
            month_no: int | None = MONTH_NAMES[month.lower().rstrip(".")]
        else:
            month_no = int(month) if month else None
        days = [int(groups[k]) if groups.get(k) else None for k in ("d", "d2")]
        year = int(groups["y"]) if groups.get("y") else None
        return [DateMention(year, month_no, d, m.span()) for d in days[: 2 if days[1] else 1]]

    return _collect(EN_PATTERNS, text, build)


def _satisfied(zh: DateMention, en: list[DateMention]) -> bool:
    years = {d.year for d in en if d.year}
    for d in en:
        if zh.decade is not None:
            if d.decade is not None and (d.decade == zh.decade or d.decade % 100 == zh.decade):
                return True
            continue
        if zh.month and d.month != zh.month:
            continue
        if zh.day and d.day != zh.day:
            continue
        if zh.year and d.year != zh.year and not (d.year is None and zh.year in years):
            continue
        if zh.month is None and zh.day is None and d.year != zh.year:
            continue
        return True
    return False


def check_dates(
    source: str, target: str, source_numbers: frozenset[float] = frozenset()
) -> list[Flag]:
    """Every source date has an English rendering with the same year, month and day, and the
    English has no date the source lacks. ``source_numbers`` lets a year that the source writes
    another way (a resolution's "(2001)") count as present."""
    zh, en = find_zh_dates(source), find_en_dates(target)
    flags = [
        Flag("dates", Severity.ERROR, f"date {d.describe()} ({source[slice(*d.span)]}) missing",
             source_span=d.span)
        for d in zh
        if not _satisfied(d, en)
    ]  # fmt: skip
    relative = RELATIVE_YEAR.search(source) is not None
    for d in en:
        if not _invented(d, zh, relative, source_numbers):
            continue
        flags.append(
            Flag("dates", Severity.ERROR, f"date {target[slice(*d.span)]} not in the source",
                 target_span=d.span)
        )  # fmt: skip
    return flags


def _invented(
    en: DateMention, zh: list[DateMention], relative: bool, numbers: frozenset[float]
) -> bool:
    if en.decade is not None:
        return not any(z.decade is not None for z in zh)
    if en.month and en.day:
        return not any(z.month == en.month and z.day == en.day for z in zh)
    if en.month:
        return not any(z.month == en.month for z in zh)
    if en.year and not relative:
        return en.year not in {z.year for z in zh} and float(en.year) not in numbers
    return False
