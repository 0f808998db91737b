"""Surface checks that need no language knowledge: empty targets, leftover Chinese, MT loops,
and length ratios that stand out from the rest of the document."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence

import regex

from align.qa.flags import Flag, Severity

_HAN = regex.compile(r"\p{Han}+")
_CJK_PUNCT = regex.compile(r"[，。、；：？！《》「」『』【】（）]")
_TOKEN = regex.compile(r"\w+(?:[-'’]\w+)*")


def check_empty(source: str, target: str) -> list[Flag]:
    if target.strip() or not source.strip():
        return []
    return [Flag("empty", Severity.ERROR, "target is empty", source_span=(0, len(source)))]


def _excerpt(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_untranslated(source: str, target: str) -> list[Flag]:
    """One flag for leftover Han text (however many runs), one for Chinese punctuation."""
    flags = []
    runs = list(_HAN.finditer(target))
    if runs:
        shown = ", ".join(repr(_excerpt(m.group())) for m in runs[:3])
        more = f" and {len(runs) - 3} more" if len(runs) > 3 else ""
        message = f"Chinese text left in the target: {shown}{more}"
        flags.append(Flag("untranslated", Severity.ERROR, message, target_span=runs[0].span()))
    punct = list(_CJK_PUNCT.finditer(target))
    if punct:
        marks = "".join(dict.fromkeys(m.group() for m in punct))
        message = f"Chinese punctuation {marks!r} in the target"
        flags.append(Flag("untranslated", Severity.WARNING, message, target_span=punct[0].span()))
    return flags


def check_loops(source: str, target: str, max_n: int = 10) -> list[Flag]:
    """MT decoders loop: a word three times in a row, a phrase twice in a row, or a long
    n-gram three times anywhere. Normal prose almost never does any of these."""
    tokens = [(m.group().lower(), m.span()) for m in _TOKEN.finditer(target)]
    words = [t for t, _ in tokens]
    for n in range(1, max_n + 1):
        needed = 3 if n <= 2 else 2  # "that that" and "step by step by" are legitimate
        for i in range(len(words) - n * needed + 1):
            gram = words[i : i + n]
            repeats = 1
            while words[i + repeats * n : i + (repeats + 1) * n] == gram:
                repeats += 1
            if repeats >= needed:
                end = tokens[i + repeats * n - 1][1][1]
                message = f"{_excerpt(' '.join(gram), 60)!r} repeated {repeats} times in a row"
                return [Flag("loops", Severity.ERROR, message, target_span=(tokens[i][1][0], end))]
    for n in range(max_n, 3, -1):
        counts = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
        top = counts.most_common(1)
        if top and top[0][1] >= 3:
            phrase, count = _excerpt(" ".join(top[0][0]), 60), top[0][1]
            return [Flag("loops", Severity.ERROR, f"{phrase!r} occurs {count} times")]
    return []


def length_ratio_outliers(
    pairs: Sequence[tuple[str, str]], threshold: float = 3.5, min_chars: int = 10
) -> list[list[Flag]]:
    """Per pair, a flag when its target/source length ratio is far from the document's usual
    ratio (robust z-score on log ratios, so one bad bead cannot hide the others)."""
    ratios = [
        math.log((len(t.strip()) + 1) / (len(s.strip()) + 1))
        if len(s.strip()) >= min_chars and t.strip() else None
        for s, t in pairs
    ]  # fmt: skip
    known = [r for r in ratios if r is not None]
    result: list[list[Flag]] = [[] for _ in pairs]
    if len(known) < 5:
        return result
    median = statistics.median(known)
    mad = statistics.median(abs(r - median) for r in known) or 0.05
    for i, r in enumerate(ratios):
        if r is None:
            continue
        z = 0.6745 * (r - median) / mad
        if abs(z) > threshold:
            factor = math.exp(r - median)
            how = f"{factor:.1f}× longer" if factor > 1 else f"{1 / factor:.1f}× shorter"
            message = f"target is {how} than usual for this document (robust z {z:+.1f})"
            result[i].append(Flag("length", Severity.WARNING, message))
    return result
