"""Term candidates from aligned memories: recurring Chinese word n-grams and their English.

1. **Chinese candidates**: each source is cut into words with the aligner's CC-CEDICT
   segmentation (``align.lexicon.chinese_words``), inside runs of Han characters (a term never
   spans punctuation); n-grams of one to three words, two to eight characters, that neither
   start nor end with a function character (的, 和, 在…) and occur in at least ``min_count``
   units are candidates. A candidate nearly always inside one longer candidate (90% of its
   units) is dropped for the longer one (上海合作 for 上海合作组织).
2. **English counterparts**: every English n-gram of one to four words that does not start or
   end with a stopword, scored by the Dice coefficient of bead co-occurrence,
   ``2·f(zh, en) / (f(zh) + f(en))``, where f counts units. CC-CEDICT is the prior: an n-gram
   that shares a stem with a dictionary gloss of the Chinese words earns :data:`PRIOR` more.
3. **Ranking**: ``score = Dice × log2(1 + f(zh))`` (× ``1 + PRIOR`` with dictionary support),
   so a term must both recur and translate consistently.

Everything is a pure function of the pairs; the result converts to a :class:`Glossary` that
``align.qa.glossary_tsv`` writes in the TSV that ``qa --glossary`` reads.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex

from align.lexicon import STOPWORDS, chinese_words, english_stems, lexicon
from align.qa.glossary import Glossary, Term

PRIOR = 0.25
MAX_ZH_WORDS = 3
MAX_EN_WORDS = 4
_CLASSIFIERS = frozenset("颗只条张位名件种把座辆")  # 颗卫星 is no term; 三颗卫星 may be
_EDGE_STOP = frozenset(
    "的了和与及在是对为等并也将以把被于之而或其这那有个不就都又还着过到从向给让使所该各每"
)
_HAN_RUN = regex.compile(r"\p{Han}+")
_EN_WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*")
_POSSESSIVE = regex.compile(r"['’]s$")


@dataclass(frozen=True)
class TermCandidate:
    zh: str
    en: str
    units: int  # how many units hold the Chinese
    together: int  # how many of them hold the English too
    dice: float
    in_dictionary: bool
    score: float
    example: tuple[str, str]


def zh_ngrams(text: str, lex: dict[str, frozenset[str]]) -> set[str]:
    """The candidate n-grams of one source (see the module docstring, step 1)."""
    found: set[str] = set()
    for run in _HAN_RUN.finditer(text):
        words = list(chinese_words(run.group(), lex))
        for i in range(len(words)):
            for n in range(1, MAX_ZH_WORDS + 1):
                gram = words[i : i + n]
                if len(gram) < n:
                    break
                joined = "".join(gram)
                if not 2 <= len(joined) <= 8:
                    continue
                if gram[0][0] in _EDGE_STOP or gram[-1][-1] in _EDGE_STOP:
                    continue
                if gram[0] in _CLASSIFIERS or (len(gram[0]) == 2 and gram[0][0] in _CLASSIFIERS):
                    continue
                if n == 1 and len(joined) < 2:
                    continue
                found.add(joined)
    return found


def en_ngrams(text: str) -> dict[str, str]:
    """Lower-case English n-grams of one target → the surface form seen (for the output)."""
    raw = _EN_WORD.findall(text)
    words = [_POSSESSIVE.sub("", w) for w in raw]
    lower = [w.lower() for w in words]
    found: dict[str, str] = {}
    for i in range(len(words)):
        if lower[i] in STOPWORDS or len(lower[i]) < 2:
            continue
        for n in range(1, MAX_EN_WORDS + 1):
            if i + n > len(words):
                break
            if n > 1 and raw[i + n - 2] != words[i + n - 2]:
                break  # "Zhou Rui's wife": a possessive ends a term
            last = lower[i + n - 1]
            if last in STOPWORDS or len(last) < 2:
                continue
            found.setdefault(" ".join(lower[i : i + n]), " ".join(words[i : i + n]))
    return found


def term_candidates(
    pairs: Sequence[tuple[str, str]], min_count: int = 3, top: int = 200
) -> list[TermCandidate]:
    """The ``top`` best zh–en term pairs of a memory, best first."""
    lex = lexicon()
    zh_units: dict[str, list[int]] = defaultdict(list)
    for u, (zh, _) in enumerate(pairs):
        for gram in zh_ngrams(zh, lex):
            zh_units[gram].append(u)
    frequent = {g: us for g, us in zh_units.items() if len(us) >= min_count}
    frequent = _closed(frequent)
    en_sets = [en_ngrams(en) for _, en in pairs]
    en_df: Counter[str] = Counter()
    for grams in en_sets:
        en_df.update(grams.keys())
    out = [
        c
        for zh, units in frequent.items()
        if (c := _best_english(zh, units, pairs, en_sets, en_df, lex)) is not None
    ]
    out.sort(key=lambda c: (-c.score, -c.units, c.zh))
    return out[:top]


def _closed(frequent: dict[str, list[int]]) -> dict[str, list[int]]:
    """Drop an n-gram nearly always seen inside one longer candidate (90% of its units)."""
    by_length = sorted(frequent, key=len, reverse=True)
    kept: dict[str, list[int]] = {}
    for gram in by_length:
        count = len(frequent[gram])
        if any(gram in longer and len(units) >= 0.9 * count for longer, units in kept.items()):
            continue
        kept[gram] = frequent[gram]
    return kept


def _best_english(
    zh: str,
    units: list[int],
    pairs: Sequence[tuple[str, str]],
    en_sets: list[dict[str, str]],
    en_df: Counter[str],
    lex: dict[str, frozenset[str]],
) -> TermCandidate | None:
    together: Counter[str] = Counter()
    for u in units:
        together.update(en_sets[u].keys())
    glosses = _gloss_stems(zh, lex)
    best: tuple[float, float, str] | None = None
    for en, co in together.items():
        if co < 2:
            continue
        dice = 2 * co / (len(units) + en_df[en])
        prior = bool(glosses & set(english_stems(en)))
        value = dice * (1 + PRIOR if prior else 1)
        if best is None or value > best[0] or (value == best[0] and len(en) > len(best[2])):
            best = (value, dice, en)
    if best is None or best[1] < 0.1:
        return None
    value, dice, en = best
    longer = _longer_form(en, together)
    if longer != en:  # "Chen Qingyang" where the best single word was "Chen"
        en = longer
        dice = 2 * together[en] / (len(units) + en_df[en])
        value = dice * (1 + PRIOR if glosses & set(english_stems(en)) else 1)
    prior = bool(glosses & set(english_stems(en)))
    example = next(u for u in units if en in en_sets[u])
    return TermCandidate(
        zh=zh,
        en=_surface(en, (en_sets[u] for u in units)),
        units=len(units),
        together=together[en],
        dice=round(dice, 3),
        in_dictionary=prior,
        score=round(value * math.log2(1 + len(units)), 3),
        example=pairs[example],
    )


def _longer_form(en: str, together: Counter[str]) -> str:
    """The longest n-gram holding ``en`` that still comes with the term in 85% of its units:
    full names and multi-word terms, which Dice alone under-rates (their parts recur more)."""
    base = together[en]
    padded = f" {en} "
    forms = [e for e, co in together.items() if co >= 0.85 * base and padded in f" {e} "]
    return max(forms, key=lambda e: (len(e.split()), together[e]))


def _gloss_stems(zh: str, lex: dict[str, frozenset[str]]) -> set[str]:
    if zh in lex:
        return set(lex[zh])
    stems: set[str] = set()
    for word in chinese_words(zh, lex):
        stems |= lex.get(word, frozenset())
    return stems


def _surface(en: str, seen: Iterable[dict[str, str]]) -> str:
    """The commonest written form (Chen Qingyang, not chen qingyang)."""
    forms = Counter(grams[en] for grams in seen if en in grams)
    return forms.most_common(1)[0][0] if forms else en


def as_glossary(candidates: Sequence[TermCandidate]) -> Glossary:
    """Candidates as glossary terms; the note keeps the evidence and one example."""
    return Glossary(
        tuple(
            Term(
                c.zh,
                (c.en,),
                note=(
                    f"candidate: {c.units} units, {c.together} with this English, "
                    f"Dice {c.dice:.2f}{', in CC-CEDICT' if c.in_dictionary else ''}; "
                    f"e.g. {_clip(c.example[0])} = {_clip(c.example[1])}"
                ),
            )
            for c in candidates
        )
    )


def _clip(text: str, size: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"
