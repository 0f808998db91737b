"""Anchor tokens: things a translation keeps whatever its wording — numbers, dates, acronyms.

Each side is reduced to tokens such as ``#1998`` (a number, written in Arabic digits, Chinese
numerals or English words), ``#mon3`` (March / 三月), ``@wto`` (a Latin acronym or name written in
Latin letters inside the Chinese), ``&title`` (a quoted title 《》 / a title in quotes),
``&quote``, ``&question``, ``&exclaim``. The aligner treats them like words that translate to
themselves; their weight comes from how rare they are in the document, so a year that occurs once
anchors hard while a question mark only nudges.
"""

from __future__ import annotations

import regex

_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_ZH_NUM = regex.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_ARABIC = regex.compile(r"\d+(?:[.,]\d+)*")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_LATIN_IN_ZH = regex.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_EN_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "first": 1,
    "second": 2,
    "third": 3,
    "half": 2,
    "dozen": 12,
}
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {name: k + 1 for k, name in enumerate(_MONTH_NAMES.split())}
_EN_TOKEN = regex.compile(r"[\p{Latin}]+|\d+(?:[.,]\d+)*")
_ZH_MONTH = regex.compile(r"([零〇一二三四五六七八九十\d]+)月")


def zh_number(text: str) -> int | None:
    """Value of a run of Chinese numerals (``一九九八`` → 1998, ``三十五`` → 35)."""
    if not text:
        return None
    if all(ch in _ZH_DIGITS for ch in text):
        if len(text) == 1:
            return _ZH_DIGITS[text]
        return int("".join(str(_ZH_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in ("万", "亿"):
            section = (section + digit) * _ZH_UNITS[ch]
            total += section
            section, digit = 0, 0
        else:
            section += (digit or 1) * _ZH_UNITS[ch]
            digit = 0
    return total + section + digit


def zh_anchors(text: str) -> list[str]:
    """Anchor tokens of a Chinese sentence."""
    text = text.translate(_FULLWIDTH)
    out: list[str] = []
    for m in _ZH_MONTH.finditer(text):
        value = zh_number(m.group(1)) if not m.group(1).isdigit() else int(m.group(1))
        if value and 1 <= value <= 12:
            out.append(f"#mon{value}")
    for m in _ARABIC.finditer(text):
        out.append("#" + m.group().replace(",", ""))
    for m in _ZH_NUM.finditer(text):
        value = zh_number(m.group())
        if value is not None and value >= 2:
            out.append(f"#{value}")
    out.extend("@" + m.group().lower() for m in _LATIN_IN_ZH.finditer(text))
    out.extend(_punct_anchors(text, "《", '“「"'))
    return out


def en_anchors(text: str) -> list[str]:
    """Anchor tokens of an English sentence."""
    out: list[str] = []
    for m in _EN_TOKEN.finditer(text):
        tok = m.group()
        low = tok.lower()
        if tok[0].isdigit():
            out.append("#" + tok.replace(",", ""))
        elif low in _EN_WORDS:
            out.append(f"#{_EN_WORDS[low]}")
        elif low in _MONTHS and tok[0].isupper() and low != "may":
            out.append(f"#mon{_MONTHS[low]}")
        elif len(tok) >= 2 and tok.isupper():
            out.append("@" + low)
    out.extend(_punct_anchors(text, None, '“"'))
    return out


def _punct_anchors(text: str, title: str | None, quotes: str) -> list[str]:
    out = []
    if title and title in text:
        out.append("&title")
    if any(q in text for q in quotes):
        out.append("&quote")
    if "?" in text or "？" in text:
        out.append("&question")
    if "!" in text or "！" in text:
        out.append("&exclaim")
    return out
