"""Fuzzy translation-memory matches: how similar two Chinese sentences are, and easy repairs.

**Similarity.** Both sentences are normalised the way the exact-match key is
(``align.tm.match_key``: Unicode NFC, outer whitespace dropped) and compared character by
character, which suits Chinese (no word spaces to rely on)::

    percent = floor(100 × (1 − Levenshtein(a, b) / max(len(a), len(b))))

the OmegaT-style percentage (rapidfuzz's ``Levenshtein.normalized_similarity``). It reaches 100
only for identical keys, so a fuzzy match shows at most 99. A number or date that differs and
cannot be repaired costs :data:`NUMBER_PENALTY` points more each (as CAT tools penalise
placeable mismatches): a match that gets a figure wrong must not rank with one that does not.

**Repair.** When the only differences between a segment and a match's source are placeables the
QA layer understands — dates (``align.qa.dates``), numbers (``align.qa.zhnum``) and glossary
terms (``align.qa.glossary``) — the English for each old placeable is found in the match's
target and rewritten for the new one (2002年 → 2003 in "23 November 2002"). Anything the repair
cannot place exactly once leaves the match as it was: a wrong repair is worse than none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from align.qa.dates import MONTHS, DateMention, find_en_dates, find_zh_dates
from align.qa.ennum import ORDINALS, TENS, UNITS, find_en_numbers
from align.qa.glossary import Glossary, Term, find_terms, term_pattern
from align.qa.zhnum import find_zh_numbers

NUMBER_PENALTY = 2
_MONTH_NAMES = {v: k.capitalize() for k, v in MONTHS.items()}


def similarity(a: str, b: str) -> int:
    """The match percentage of two normalised sentences (see the module docstring)."""
    from rapidfuzz.distance import Levenshtein

    if a == b:
        return 100
    if not a or not b:
        return 0
    return min(99, math.floor(100 * Levenshtein.normalized_similarity(a, b) + 1e-9))


def diff_spans(segment: str, source: str) -> list[tuple[str, int, int, int, int]]:
    """Character opcodes turning ``source`` (the match) into ``segment``: (tag, i1, i2, j1, j2)
    with ``i`` in ``source`` and ``j`` in ``segment``; tags as difflib's (equal, replace…)."""
    from rapidfuzz.distance import Indel

    return [tuple(op) for op in Indel.opcodes(source, segment)]  # type: ignore[misc]


@dataclass(frozen=True)
class Placeable:
    """A date, number or glossary term in a Chinese sentence: what repair may exchange."""

    kind: str  # "date", "number" or "term"
    span: tuple[int, int]
    text: str
    date: DateMention | None = None
    value: float | None = None
    term: Term | None = None

    def shape(self) -> str:
        """What must stay the same for a repair: a year-only date cannot become a full one."""
        if self.date is not None:
            d = self.date
            return "date:" + "".join(
                k for k, v in zip("ymdD", (d.year, d.month, d.day, d.decade), strict=True) if v
            )
        return self.kind

    def same(self, other: Placeable) -> bool:
        if self.date is not None and other.date is not None:
            return self.date == other.date or (
                (self.date.year, self.date.month, self.date.day, self.date.decade)
                == (other.date.year, other.date.month, other.date.day, other.date.decade)
            )
        if self.value is not None and other.value is not None:
            return math.isclose(self.value, other.value)
        return self.text == other.text


def placeables(text: str, glossary: Glossary | None = None) -> list[Placeable]:
    """Dates first, then numbers outside them, then glossary terms outside both."""
    found = [Placeable("date", d.span, text[slice(*d.span)], date=d) for d in find_zh_dates(text)]
    found = _dedupe(found)
    taken = [p.span for p in found]
    for n in find_zh_numbers(text):
        if not _overlaps(n.span, taken):
            found.append(Placeable("number", n.span, text[slice(*n.span)], value=n.value))
    taken = [p.span for p in found]
    for term, span in find_terms(text, glossary) if glossary else []:
        if not _overlaps(span, taken):
            found.append(Placeable("term", span, term.zh, term=term))
    return sorted(found, key=lambda p: p.span)


def _dedupe(found: list[Placeable]) -> list[Placeable]:
    """A day range (15日至16日) is two mentions on one span: keep one placeable per span."""
    seen: dict[tuple[int, int], Placeable] = {}
    for p in found:
        seen.setdefault(p.span, p)
    return list(seen.values())


def _overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _masked(text: str, found: Sequence[Placeable]) -> str:
    out, pos = [], 0
    for p in found:
        out.append(text[pos : p.span[0]])
        out.append("\uf8ff")
        pos = p.span[1]
    out.append(text[pos:])
    return "".join(out)


@dataclass(frozen=True)
class Repair:
    """The outcome of trying to fit a match to a segment."""

    target: str
    repairs: tuple[str, ...] = ()  # what was exchanged, for the reviewer
    unrepaired: int = 0  # differing numbers/dates the repair could not place

    @property
    def ok(self) -> bool:
        return self.unrepaired == 0


def repair(segment: str, source: str, target: str, glossary: Glossary | None = None) -> Repair:
    """Fit ``target`` (the match's English) to ``segment`` when only placeables differ."""
    new, old = placeables(segment, glossary), placeables(source, glossary)
    changed = [(o, n) for o, n in zip(old, new, strict=False) if not o.same(n)]
    numeric = sum(1 for o, _ in changed if o.kind != "term")
    if (
        _masked(segment, new) != _masked(source, old)
        or len(new) != len(old)
        or any(o.shape() != n.shape() for o, n in zip(old, new, strict=True))
    ):
        return Repair(target, unrepaired=max(numeric, _value_gap(old, new)))
    if not changed:
        return Repair(target)
    fixed, notes = target, []
    for o, n in reversed(changed):  # right to left keeps earlier English spans valid
        result = _exchange(fixed, o, n)
        if result is None:
            return Repair(target, unrepaired=max(numeric, 1))
        fixed = result
        notes.append(f"{o.kind} {o.text}→{n.text}")
    return Repair(fixed, tuple(reversed(notes)))


def _value_gap(old: Sequence[Placeable], new: Sequence[Placeable]) -> int:
    """How many numbers/dates of one side have no equal on the other (for the penalty)."""
    olds = [p for p in old if p.kind != "term"]
    news = [p for p in new if p.kind != "term"]
    missing = sum(1 for p in news if not any(p.same(q) for q in olds))
    extra = sum(1 for p in olds if not any(p.same(q) for q in news))
    return max(missing, extra)


def _exchange(target: str, old: Placeable, new: Placeable) -> str | None:
    """``target`` with the English of ``old`` rewritten for ``new``; None when not placeable."""
    if old.date is not None and new.date is not None:
        return _exchange_date(target, old.date, new.date)
    if old.value is not None and new.value is not None:
        return _exchange_number(target, old.value, new.value)
    if old.term is not None and new.term is not None:
        return _exchange_term(target, old.term, new.term)
    return None


def _only(found: list[tuple[int, int]]) -> tuple[int, int] | None:
    return found[0] if len(found) == 1 else None


def _exchange_date(target: str, old: DateMention, new: DateMention) -> str | None:
    spans = _only(
        [
            d.span
            for d in find_en_dates(target)
            if (d.year, d.month, d.day, d.decade) == (old.year, old.month, old.day, old.decade)
            or (old.year and not d.year and (d.month, d.day) == (old.month, old.day) and d.month)
        ]
    )
    if spans is None:
        return None
    start, end = spans
    text = target[start:end]
    if old.decade is not None and new.decade is not None:
        text = text.replace(str(old.decade), str(new.decade), 1)
    else:
        swapped = _swap_fields(text, old, new)
        if swapped is None:
            return None
        text = swapped
    return target[:start] + text + target[end:]


def _swap_fields(text: str, old: DateMention, new: DateMention) -> str | None:
    if old.year and new.year and old.year != new.year:
        text, n = regex.subn(rf"\b{old.year}\b", str(new.year), text)
        if n != 1:
            return None
    if old.month and new.month and old.month != new.month:
        swapped = _swap_month(text, old.month, new.month)
        if swapped is None:
            return None
        text = swapped
    if old.day and new.day and old.day != new.day:
        text, n = regex.subn(rf"\b0?{old.day}(?=\D|$)(?!\d)", str(new.day), text)
        if n != 1:
            return None
    return text


def _swap_month(text: str, old: int, new: int) -> str | None:
    name = _MONTH_NAMES[old]
    match = regex.search(rf"\b{name[:3]}[a-z]*\.?", text, regex.I)
    if match is not None:
        full = _MONTH_NAMES[new]
        word = match.group()
        repl = full if len(word.rstrip(".")) > 4 or word.lower() == name.lower() else full[:3]
        repl = repl.upper() if word.isupper() else repl
        return (
            text[: match.start()] + repl + ("." if word.endswith(".") else "") + text[match.end() :]
        )
    numeric = regex.subn(
        rf"(?<=\D|^)0?{old}(?=[-/.])", f"{new:02d}" if "-" in text else str(new), text, count=1
    )
    return numeric[0] if numeric[1] == 1 else None


_WORDS_BY_VALUE = {v: k for k, v in (UNITS | TENS).items()}
_ORDINALS_BY_VALUE = {v: k for k, v in ORDINALS.items()}


def _exchange_number(target: str, old: float, new: float) -> str | None:
    hits = [
        n
        for n in find_en_numbers(target)
        if n.kind in ("digits", "words", "ordinal") and math.isclose(n.value, old)
    ]
    if len(hits) != 1:
        return None
    hit = hits[0]
    text = target[slice(*hit.span)]
    written = _write_number(text, hit.kind, old, new)
    if written is None:
        return None
    return target[: hit.span[0]] + written + target[hit.span[1] :]


def _write_number(text: str, kind: str, old: float, new: float) -> str | None:
    """``new`` in the style ``text`` wrote ``old``: digits with or without separators, a scale
    word (664.58 billion), a number word (six), an ordinal (fifth, 5th)."""
    if kind == "words":
        word = _WORDS_BY_VALUE.get(int(new)) if new == int(new) else None
        return None if word is None else (word.capitalize() if text[:1].isupper() else word)
    if kind == "ordinal" and text[:1].isalpha():
        word = _ORDINALS_BY_VALUE.get(int(new)) if new == int(new) else None
        return None if word is None else (word.capitalize() if text[:1].isupper() else word)
    m = regex.match(r"(?P<num>[\d,]*\d(?:\.\d+)?)(?P<rest>.*)", text, regex.S)
    if m is None:
        return None
    num = m["num"]
    scale = old / float(num.replace(",", "")) if float(num.replace(",", "")) else 1.0
    value = new / scale
    if value != int(value):
        body = f"{value:,}" if "," in num else f"{value}"
    else:
        body = (
            f"{int(value):,}"
            if "," in num or (int(value) >= 10_000 and "." not in num)
            else f"{int(value)}"
        )
    rest = m["rest"]
    if kind == "ordinal":
        rest = _ordinal_suffix(int(value)) + rest[2:]
    return body + rest


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _exchange_term(target: str, old: Term, new: Term) -> str | None:
    hits = [m.span() for form in old.en for m in term_pattern(form).finditer(target)]
    span = _only(list(dict.fromkeys(hits)))
    if span is None:
        return None
    return target[: span[0]] + new.en[0] + target[span[1] :]
