"""Titles: a 《…》 title in the source must stay recognisably a title in English.

English marks titles by quotes, italics or Title Case with a head noun (Convention, Charter,
Declaration…); a lowercased paraphrase ("a comprehensive convention on…") loses the reference.
"""

from __future__ import annotations

import regex

from align.qa.flags import Flag, Severity

ZH_TITLE = regex.compile(r"《([^《》]+)》")
_QUOTED = regex.compile(r"\"[^\"]{3,}\"|“[^”]{3,}”|«[^»]{3,}»|‘[^’]{3,}’|\*[^*]{3,}\*|_[^_]{3,}_")
_SMALL = "of|on|the|and|for|in|to|against|between|with|a|an|at|by|from|among|concerning|regarding"
_CAP = r"(?:[A-Z][\w’'\-]*|[A-Z]{2,})"
_CAPITALISED = regex.compile(rf"{_CAP}(?:(?:\s+(?:(?:{_SMALL})\s+)*){_CAP})*")
HEAD_WORDS = frozenset(
    "Charter Convention Treaty Declaration Agreement Accord Statement Protocol Plan Programme "
    "Program Concept Communiqué Communique Memorandum Law Act Code Strategy Covenant Outline "
    "Provisions Rules Regulations Arrangement Principles Guidelines Scheme Framework Document "
    "Measures Initiative Agenda Constitution Pact Report Decision Action Paper Resolution "
    "Defense Defence Policy Position Vision Roadmap Blueprint Consensus Understanding "
    "Daily Times News Journal Review Gazette Post Herald Magazine".split()  # newspapers
)


def title_candidates(target: str) -> list[tuple[int, int]]:
    """Spans that look like a title: quoted/italic text, or Title Case with a head noun.

    A capitalised run joined by "and" ("the Charter … and the International Convention …")
    holds one title per part that has its own head noun.
    """
    spans = [m.span() for m in _QUOTED.finditer(target)]
    for m in _CAPITALISED.finditer(target):
        if any(s <= m.start() < e for s, e in spans):
            continue
        offset = m.start()
        for part in regex.split(r"(\s+and\s+(?:the\s+)?)", m.group()):
            words = regex.findall(r"[\w’'\-]+", part)
            if len(words) >= 2 and any(w.strip("’'") in HEAD_WORDS for w in words):
                spans.append((offset, offset + len(part)))
            offset += len(part)
    return sorted(spans)


def check_titles(source: str, target: str) -> list[Flag]:
    titles = list({m.group(1): m.span() for m in ZH_TITLE.finditer(source)}.items())
    found = len(title_candidates(target))
    return [
        Flag("titles", Severity.WARNING,
             f"title 《{name}》 is not a quoted or capitalised title in the target",
             source_span=span)
        for name, span in titles[found:]
    ]  # fmt: skip
