"""How well a group of Chinese sentences and a group of English sentences explain each other.

Every sentence becomes a bag of *units*. An English sentence's units are its content-word stems
and anchor tokens. A Chinese sentence's units are either its CC-CEDICT words (each one a set of
possible English stems) plus its anchors, or — when an MT draft exists — the draft's stems plus
the Chinese anchors, with the dictionary words added at a lower weight. A unit is weighted by how
rare it is in its document (inverse document frequency), so a name or a year counts for much more
than "said".

For a pair (Chinese sentence i, English sentence j) we record two numbers: the weight of i's units
found in j (``cs``) and the weight of j's units found in i (``ct``). A merged candidate bead sums
these over its block and caps them at the bead's total weights; the aligner rewards the covered
weight on both sides (coverage = precision and recall of a token-overlap F-measure, which is what
sentence-level chrF approximates, at a fraction of the cost). Pairs are only computed inside the
search band, so memory stays linear in the text length.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from align import compiled
from align.anchors import en_anchors, zh_anchors
from align.lexicon import chinese_words, english_stems, lexicon
from align.simplified import to_simplified

DICT_WEIGHT_WITH_DRAFTS = 0.5  # dictionary words still help when the draft paraphrases


Unit = tuple[float, frozenset[int]]  # (weight, English stem ids that would match it)
unit_stems = operator.itemgetter(1)  # a unit's stem-id set, as a key that runs in C


@dataclass(frozen=True)
class SideFeatures:
    """Per-sentence units of one side: ``units[i]`` is a list of (weight, stem-id set)."""

    units: list[list[Unit]]
    union: list[tuple[int, ...]]  # each sentence's English ids (a tuple: a set is 5x larger)
    weight: np.ndarray  # total unit weight per sentence (normalised: mean sentence = 1)
    length: np.ndarray  # characters per sentence (without spaces)
    token_weight: dict[int, float]


class Vocab:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, token: str) -> int:
        return self.ids.setdefault(token, len(self.ids))


def _idf(bags: Sequence[set[int]]) -> dict[int, float]:
    df: Counter[int] = Counter()
    for bag in bags:
        df.update(bag)
    n = max(len(bags), 1)
    return {tok: math.log(1.0 + n / count) for tok, count in df.items()}


def char_length(text: str) -> int:
    """Characters without spaces: English spacing would otherwise inflate its side's length."""
    return len(text) - sum(map(str.isspace, text))


def target_features(tgt: Sequence[str], vocab: Vocab) -> SideFeatures:
    bags = [{vocab(t) for t in english_stems(s) + en_anchors(s)} for s in tgt]
    idf = _idf(bags)
    unit = {t: (w, frozenset((t,))) for t, w in idf.items()}  # one shared object per token
    units = [[unit[t] for t in bag] for bag in bags]
    return _finish(units, [char_length(s) for s in tgt], idf)


def source_features(src: Sequence[str], drafts: Sequence[str] | None, vocab: Vocab) -> SideFeatures:
    lex = lexicon()
    stems_of = _StemSets(lex, vocab)
    word_bags = [stems_of.words(sentence) for sentence in src]
    word_ids = Vocab()
    word_idf = _idf([{word_ids(w) for w in words} for words in word_bags])
    dict_weight = 1.0 if drafts is None else DICT_WEIGHT_WITH_DRAFTS
    unit: dict[str, Unit] = {}  # one shared (weight, stems) object per word, not one per use
    units: list[list[Unit]] = [
        [
            unit.get(w) or unit.setdefault(w, (dict_weight * word_idf[word_ids(w)], stems))
            for w, stems in words.items()
        ]
        for words in word_bags
    ]
    idf: dict[int, float] = {}
    if drafts is not None:
        draft_bags = [{vocab(t) for t in english_stems(d)} for d in drafts]
        idf = _idf(draft_bags)
        draft_unit = {t: (w, frozenset((t,))) for t, w in idf.items()}
        for row, draft_bag in zip(units, draft_bags, strict=True):
            row.extend(draft_unit[t] for t in draft_bag)
    return _finish(units, [char_length(s) for s in src], idf)


class _StemSets:
    """Each Chinese word's (or anchor's) English stem-id set, built once per distinct word.

    A book repeats its words thousands of times; sharing one frozenset per word keeps the
    features' memory proportional to the vocabulary, not to the text.
    """

    def __init__(self, lex: dict[str, frozenset[str]], vocab: Vocab) -> None:
        self.lex, self.vocab = lex, vocab
        self.word: dict[str, frozenset[int] | None] = {}
        self.anchor: dict[str, frozenset[int]] = {}

    def words(self, sentence: str) -> dict[str, frozenset[int]]:
        """Looked up in simplified characters: a traditional text gets the units of its
        simplified form, whichever script CC-CEDICT or the anchors' numerals were written in."""
        sentence = to_simplified(sentence)
        out: dict[str, frozenset[int]] = {}
        for word in chinese_words(sentence, self.lex):
            if word not in self.word:
                glosses = self.lex.get(word)
                self.word[word] = frozenset(map(self.vocab, glosses)) if glosses else None
            stems = self.word[word]
            if stems:
                out[word] = stems
        for anchor in zh_anchors(sentence):
            if anchor not in self.anchor:
                self.anchor[anchor] = frozenset((self.vocab(anchor),))
            out[anchor] = self.anchor[anchor]
        return out


def _finish(units: list[list[Unit]], lengths: list[int], idf: dict[int, float]) -> SideFeatures:
    weight = np.array([sum(w for w, _ in row) for row in units], dtype=np.float64)
    mean = float(weight.mean()) if len(weight) and weight.sum() > 0 else 1.0
    scaled: dict[int, Unit] = {}  # units are shared objects: scale each one once
    units = [
        [scaled.get(id(u)) or scaled.setdefault(id(u), (u[0] / mean, u[1])) for u in row]
        for row in units
    ]
    union = [id_union(row) for row in units]
    return SideFeatures(units, union, weight / mean, np.array(lengths, dtype=np.float64), idf)


def id_union(row: list[Unit]) -> tuple[int, ...]:
    """All English ids a sentence's units could match, once each.

    Kept as a tuple: these are scanned, not probed, and a 20-id set takes ~1.2 kB against a
    tuple's 0.2 kB — the sets were two thirds of a 100k-sentence book's feature memory.
    """
    return tuple(set().union(*(stems for _, stems in row))) if row else ()


def pair_coverage(
    src: SideFeatures, tgt: SideFeatures, lo: np.ndarray, hi: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """``cs[r, k]``, ``ct[r, k]`` for Chinese sentence r and English sentence ``lo[r] + k``.

    Only columns ``lo[r] <= c < hi[r]`` are computed (the search band); the rest stay zero.
    Sums run in a fixed order (the English sentence's words, the Chinese sentence's units), so
    the compiled version (``align.coverage_kernel``, for long texts) gives the same bits.
    """
    return compiled.call(
        "coverage_kernel",
        len(src.units),
        lambda kernel: _compiled_coverage(kernel, src, tgt, lo, hi, width),
        lambda: _python_coverage(src, tgt, lo, hi, width),
    )


def _compiled_coverage(
    kernel: ModuleType,
    src: SideFeatures,
    tgt: SideFeatures,
    lo: np.ndarray,
    hi: np.ndarray,
    width: int,
) -> tuple[np.ndarray, np.ndarray]:
    flat_src, flat_tgt = _flat_source(src), _flat_target(tgt)
    ids = (flat_src[3], flat_src[5], flat_tgt[1])
    size = 1 + max((int(a.max()) for a in ids if a.size), default=0)
    return kernel.coverage(
        flat_src, flat_tgt, lo.astype(np.int64), hi.astype(np.int64), width, size
    )


def _python_coverage(
    src: SideFeatures, tgt: SideFeatures, lo: np.ndarray, hi: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray]:
    n = len(src.units)
    cs = np.zeros((n, width), dtype=np.float64)
    ct = np.zeros((n, width), dtype=np.float64)
    tgt_words = [[(next(iter(s)), w) for w, s in row] for row in tgt.units]
    for r in range(n):
        union = set(src.union[r])
        if not union:
            continue
        units = src.units[r]
        for c in range(int(lo[r]), int(hi[r])):
            words = tgt_words[c]
            inter = union.intersection(t for t, _ in words)
            if not inter:
                continue
            k = c - int(lo[r])
            ct[r, k] = _total(w for t, w in words if t in inter)
            cs[r, k] = _total(w for w, s in units if not s.isdisjoint(inter))
    return cs, ct


def warm_up() -> None:
    """Load (or, once per install, compile) the compiled coverage now, not mid-alignment."""
    kernel = compiled.kernel("coverage_kernel")
    if kernel is not None:
        side = SideFeatures([[(1.0, frozenset((0,)))]], [(0,)], np.ones(1), np.ones(1), {})
        one = np.ones(1, dtype=np.int64)
        kernel.coverage(_flat_source(side), _flat_target(side), one * 0, one, 1, 1)


def _total(weights: Iterable[float]) -> float:
    """Left-to-right float sum (``sum`` compensates rounding from Python 3.12 on)."""
    out = 0.0
    for w in weights:
        out += w
    return out


def _flat_source(side: SideFeatures) -> tuple[np.ndarray, ...]:
    """Units as CSR arrays: unit offsets per sentence, unit weights, stem offsets per unit,
    stem ids, and each sentence's union of stem ids (offsets, ids)."""
    unit_ptr, stem_ptr, union_ptr = [0], [0], [0]
    stems: list[int] = []
    union_ids: list[int] = []
    unit_w: list[float] = []
    for row, union in zip(side.units, side.union, strict=True):
        for w, s in row:
            unit_w.append(w)
            stems.extend(s)
            stem_ptr.append(len(stems))
        unit_ptr.append(len(unit_w))
        union_ids.extend(union)
        union_ptr.append(len(union_ids))
    ints = (unit_ptr, stem_ptr, stems, union_ptr, union_ids)
    a, c, d, e, f = (np.array(x, dtype=np.int64) for x in ints)
    return a, np.array(unit_w, dtype=np.float64), c, d, e, f


def _flat_target(side: SideFeatures) -> tuple[np.ndarray, ...]:
    """Each English sentence's word ids and weights, in unit order, as CSR arrays."""
    ptr, ids, weights = [0], [], []
    for row in side.units:
        for w, s in row:
            ids.append(next(iter(s)))
            weights.append(w)
        ptr.append(len(ids))
    return (
        np.array(ptr, dtype=np.int64),
        np.array(ids, dtype=np.int64),
        np.array(weights, dtype=np.float64),
    )
