"""Numbers in English text: 1,441, 664.58 billion, 5 per cent, fifty-seventh, a million, both."""

from __future__ import annotations

from dataclasses import dataclass

import regex

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
TENS |= {"eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 10**6, "billion": 10**9}
SCALES |= {"trillion": 10**12}
_SCALE_ABBR = {"bn": "billion", "mn": "million", "tn": "trillion"}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
    "thousandth": 1000,
}  # fmt: skip
# Words that can stand for a source number but are never an "invented" number themselves.
SOFT = {"both": 2, "bilateral": 2, "twice": 2, "double": 2, "dual": 2, "pair": 2, "twin": 2}
SOFT |= {"trilateral": 3, "triple": 3, "thrice": 3, "dozen": 12, "decade": 10, "century": 100}

_CARD = "|".join(sorted([*UNITS, *TENS, *SCALES], key=len, reverse=True))
_ORD = "|".join(sorted(ORDINALS, key=len, reverse=True))
# an ordinal only ends a number: "first three quarters" is 1st and 3, not one number
_WORDS = regex.compile(
    rf"\b(?:a\s+(?=(?:hundred|thousand|million|billion)\b))?"
    rf"(?:(?:{_CARD})(?:\s+and\s+|\s+|-)(?=\w))*(?:{_CARD}|{_ORD})\b",
    regex.I,
)
_DIGITS = regex.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<ord>st|nd|rd|th)?"
    r"(?:(?:\s*|-)(?P<scale>thousand|million|billion|trillion|bn|mn|tn)\b)?"
    r"(?P<pct>\s*(?:%|per\s?cent\b|percent\b))?",
    regex.I,
)
_SOFT = regex.compile(rf"\b(?:{'|'.join(SOFT)})\b", regex.I)
_ROMAN = regex.compile(r"\b(?=[IVXLC]{2,6}\b)C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\b")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass(frozen=True)
class EnNumber:
    value: float
    span: tuple[int, int]
    kind: str  # "digits", "words", "ordinal", "soft" (inside a word like G20, or "both")


def parse_number_words(text: str) -> tuple[float, bool] | None:
    """``fifty-seven`` → (57, False), ``fifty-seventh`` → (57, True), ``a million`` → 1e6."""
    tokens = [t for t in regex.split(r"[\s-]+", text.lower()) if t and t != "and"]
    total = current = 0.0
    ordinal = False
    seen_value = False
    for i, token in enumerate(tokens):
        if token == "a" and i == 0:
            current, seen_value = 1, True
        elif token in UNITS or token in TENS:
            current += UNITS.get(token, 0) + TENS.get(token, 0)
            seen_value = True
        elif token in ORDINALS:
            current += ORDINALS[token] if ORDINALS[token] < 100 else 0
            if ORDINALS[token] >= 100:
                current = (current or 1) * ORDINALS[token]
            ordinal, seen_value = True, True
        elif token in SCALES:
            if not seen_value:
                return None
            if SCALES[token] == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * SCALES[token]
                current = 0
    return (total + current, ordinal) if seen_value else None


def find_en_numbers(text: str) -> list[EnNumber]:
    """Every number in English text with its value; scale words multiply (664.58 billion)."""
    found: list[EnNumber] = []
    for m in _DIGITS.finditer(text):
        value = float(m["num"].replace(",", ""))
        if m["scale"]:
            value *= SCALES[_SCALE_ABBR.get(m["scale"].lower(), m["scale"].lower())]
        inside_word = m.start() > 0 and text[m.start() - 1].isalpha()
        kind = "soft" if inside_word else "ordinal" if m["ord"] else "digits"
        found.append(EnNumber(value, m.span(), kind))
    for m in _WORDS.finditer(text):
        parsed = parse_number_words(m.group())
        if parsed is not None:
            value, ordinal = parsed
            found.append(EnNumber(value, m.span(), "ordinal" if ordinal else "words"))
    for m in _SOFT.finditer(text):
        found.append(EnNumber(float(SOFT[m.group().lower()]), m.span(), "soft"))
    for m in _ROMAN.finditer(text):  # World War II, Chapter VII: can satisfy, never invent
        if len(m.group()) < 2:
            continue
        values = [_ROMAN_VALUES[c] for c in m.group()]
        value = sum(
            -v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values)
        )
        found.append(EnNumber(float(value), m.span(), "soft"))
    return sorted(found, key=lambda n: n.span)
