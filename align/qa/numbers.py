"""Numbers: every source quantity reaches the English (万/亿 converted), none is invented.

Digits that belong to a date or a numbered reference are left to those checks, so one wrong
figure raises one flag, not two.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from align.qa.dates import find_en_dates, find_zh_dates
from align.qa.ennum import EnNumber, find_en_numbers
from align.qa.flags import Flag, Severity, Span
from align.qa.references import find_en_references, find_zh_references
from align.qa.zhnum import ZhNumber, find_zh_numbers


def _inside(span: Span, spans: Iterable[Span]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def source_numbers(source: str) -> list[ZhNumber]:
    """Quantities the numbers check owns: not 1 (一 is usually "a"), not in dates or refs."""
    masked = [d.span for d in find_zh_dates(source)] + [r.span for r in find_zh_references(source)]
    return [n for n in find_zh_numbers(source) if n.value != 1 and not _inside(n.span, masked)]


def target_numbers(target: str) -> list[EnNumber]:
    """English numbers that could be invented: digits and number words, outside dates/refs."""
    masked = [d.span for d in find_en_dates(target)] + [r.span for r in find_en_references(target)]
    return [
        n
        for n in find_en_numbers(target)
        if n.value != 1 and not _inside(n.span, masked)
        and (n.kind == "digits" or (n.kind == "words" and n.value >= 3))
    ]  # fmt: skip


def all_source_values(source: str) -> frozenset[float]:
    """Every value the source mentions in any role; an English number equal to one is not new."""
    values = {n.value for n in find_zh_numbers(source)}
    for d in find_zh_dates(source):
        values |= {float(v) for v in (d.year, d.month, d.day, d.decade) if v}
    values |= {float(p) for r in find_zh_references(source) for p in r.number.split("/")}
    return frozenset(values)


def check_numbers(source: str, target: str) -> list[Flag]:
    english = [n.value for n in find_en_numbers(target)]
    english += [float(v) for d in find_en_dates(target) for v in (d.year, d.month, d.day) if v]
    english += [float(p) for r in find_en_references(target) for p in r.number.split("/")]
    flags = []
    for n in source_numbers(source):
        if not any(_close(n.value, v) for v in english):
            text = source[slice(*n.span)]
            message = f"{_fmt(n.value)}{'%' if n.kind == 'percent' else ''} ({text}) missing"
            flags.append(Flag("numbers", Severity.ERROR, message, source_span=n.span))
    known = all_source_values(source)
    for e in target_numbers(target):
        if not any(_close(e.value, v) for v in known):
            message = f"{target[slice(*e.span)]} not in the source"
            flags.append(Flag("numbers", Severity.ERROR, message, target_span=e.span))
    return flags


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"
