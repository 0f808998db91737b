"""Glossary terms and the check that a source term's required English form is used.

English matching is case-insensitive and inflection-tolerant (plurals, possessives, -ed/-ing,
-ism/-ist, Asia/Asian, hyphen or space), so "nuclear-weapon-free zones" satisfies
"nuclear-weapon-free zone" and "Ministers' Meeting" satisfies "Ministers Meeting".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import regex

from align.errors import InputError
from align.qa.flags import Flag, Severity
from align.simplified import to_simplified


@dataclass(frozen=True)
class Term:
    """One concept: its Chinese form, accepted English forms (first = preferred), banned ones."""

    zh: str
    en: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()

    def __len__(self) -> int:
        return len(self.terms)

    @functools.cached_property
    def search_order(self) -> tuple[tuple[str, Term], ...]:
        """Each term's Chinese in simplified characters, longest first: the order
        :func:`find_terms` tries them in, worked out once per glossary, not once per bead."""
        keyed = [(to_simplified(term.zh), term) for term in self.terms]
        return tuple(sorted(keyed, key=lambda k: len(k[0]), reverse=True))


def _word_pattern(word: str) -> str:
    if not word[-1:].isalpha():
        return regex.escape(word)
    lower = word.lower()
    stems = [regex.escape(word)]
    if lower.endswith("ism"):
        stems.append(regex.escape(word[:-1]) + "t")  # separatism → separatist
    if lower.endswith("y") and len(word) > 3:
        stems.append(regex.escape(word[:-1]) + "(?:ies|ied)")
    if lower.endswith("e"):
        stems.append(regex.escape(word[:-1]) + "(?:ing|ed)")
    suffix = r"(?:e?s|e?d|ing|n|an|ian|i)?(?:['’]s?)?"
    return rf"(?:{'|'.join(stems)}){suffix}"


@functools.lru_cache(maxsize=4096)
def term_pattern(form: str) -> regex.Pattern[str]:
    """A compiled, tolerant matcher for one English form (cached: glossaries are reused)."""
    words = regex.findall(r"[\w.’']+", form)
    parts = [r"(?:the\s+)?" if w.lower() == "the" else _word_pattern(w) + r"[\s\-]+" for w in words]
    body = "".join(parts)
    body = body[: -len(r"[\s\-]+")] if body.endswith(r"[\s\-]+") else body
    acronym = form.isupper() and len(form) >= 2  # "SCO" must not match "sco" or "Sco"
    return regex.compile(rf"(?<!\w){body}(?!\w)", 0 if acronym else regex.I)


def find_terms(source: str, glossary: Glossary) -> list[tuple[Term, tuple[int, int]]]:
    """Glossary terms in the source, longest first and non-overlapping, so 外交部长会议 is one
    term and not also 外交部长.

    Both sides are compared in simplified characters, so a simplified glossary finds its terms
    in a traditional source (and the other way round); the spans are the source's as written.
    """
    text = to_simplified(source)
    taken: list[tuple[int, int]] = []
    found = []
    for zh, term in glossary.search_order:
        start = text.find(zh)
        while start >= 0:
            span = (start, start + len(zh))
            if not any(span[0] < e and s < span[1] for s, e in taken):
                taken.append(span)
                found.append((term, span))
            start = text.find(zh, start + 1)
    return sorted(found, key=lambda f: f[1])


def check_glossary(source: str, target: str, glossary: Glossary | None) -> list[Flag]:
    if not glossary:
        return []
    flags = []
    seen: set[str] = set()
    for term, span in find_terms(source, glossary):
        if term.zh in seen:
            continue
        seen.add(term.zh)
        if not any(term_pattern(form).search(target) for form in term.en):
            n = len(term.en) - 1
            others = f" (or {n} other accepted form{'s' if n > 1 else ''})" if n else ""
            message = f"{term.zh} → {term.en[0]!r}{others} missing"
            flags.append(Flag("glossary", Severity.ERROR, message, source_span=span))
        for bad in term.forbidden:
            m = term_pattern(bad).search(target)
            if m:
                message = f"{term.zh}: forbidden {m.group()!r} (use {term.en[0]!r})"
                flags.append(
                    Flag(
                        "glossary", Severity.ERROR, message, source_span=span, target_span=m.span()
                    )
                )
    return flags


def load_glossary(path: Path) -> Glossary:
    """Read a glossary by its extension: .tbx/.xml as TBX-Basic, anything else as TSV."""
    from align.qa.glossary_tsv import read_glossary_tsv
    from align.qa.tbx import read_tbx

    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give a .tsv or .tbx glossary file")
    if not path.is_file():
        raise InputError(f"{path}: no such glossary file; give a .tsv or .tbx file")
    return read_tbx(path) if path.suffix.lower() in {".tbx", ".xml"} else read_glossary_tsv(path)
