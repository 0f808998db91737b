"""Second pass: translation links learnt from the document's own first alignment.

A published translation renames things the dictionary and the MT draft cannot know: Minford's
韦小宝 is "Trinket", not "Wei Xiaobao"; Hawkes renames half the cast of 红楼梦; each translator
has pet renderings. After a first alignment, a Chinese-side unit and an English word that keep
landing in the same beads — far more often than their frequencies explain — are almost surely
translations of each other (Moore 2002 bootstraps a lexicon from a first, length-based pass the
same way). Adding those links and aligning again costs one more pass, needs no gold data and
adapts to every new text by itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from align.search import PathBead
from align.similarity import SideFeatures, Unit, id_union, unit_stems

MIN_PAIR = 3  # beads a pair must share (one or two shared beads are chance)
MIN_DICE = 0.6  # 2·shared / (beads with the unit + beads with the word)
MAX_SHARE = 0.5  # units or words in more than half the beads are too common to learn


def learn_links(
    sf: SideFeatures, tf: SideFeatures, path: list[PathBead]
) -> dict[frozenset[int], frozenset[int]]:
    """English word ids to add to each Chinese-side unit, from units unexplained in a bead."""
    beads = [p for p in path if p.i1 > p.i0 and p.j1 > p.j0]
    bags = [_unexplained(sf, tf, p) for p in beads]
    n_src: Counter[frozenset[int]] = Counter()
    n_tgt: Counter[int] = Counter()
    for src_units, tgt_words in bags:
        n_src.update(src_units)
        n_tgt.update(tgt_words)
    limit = max(MAX_SHARE * len(beads), MIN_PAIR)
    keep_s = {u for u, c in n_src.items() if MIN_PAIR <= c <= limit}
    keep_t = {w for w, c in n_tgt.items() if MIN_PAIR <= c <= limit}
    pairs: Counter[tuple[frozenset[int], int]] = Counter()
    for src_units, tgt_words in bags:
        words = [w for w in tgt_words if w in keep_t]
        for u in src_units:
            if u in keep_s:
                pairs.update((u, w) for w in words)
    learnt: dict[frozenset[int], set[int]] = {}
    for (u, w), c in pairs.items():
        if c >= MIN_PAIR and 2 * c / (n_src[u] + n_tgt[w]) >= MIN_DICE:
            learnt.setdefault(u, set()).add(w)
    return {u: frozenset(ws) for u, ws in learnt.items()}


def _unexplained(
    sf: SideFeatures, tf: SideFeatures, bead: PathBead
) -> tuple[set[frozenset[int]], set[int]]:
    """The bead's Chinese-side units with no English match, and its unmatched English words."""
    words: set[int] = set().union(*tf.union[bead.j0 : bead.j1])  # an English unit is one id
    src_units: set[frozenset[int]] = set()
    matched: set[int] = set()
    for i in range(bead.i0, bead.i1):
        for _, stems in sf.units[i]:
            hit = stems.intersection(words)
            if hit:
                matched.update(hit)
            else:
                src_units.add(stems)
    return src_units, words - matched


def extend(sf: SideFeatures, learnt: dict[frozenset[int], frozenset[int]]) -> SideFeatures:
    """``sf`` with every unit's English id set widened by its learnt words.

    Most sentences hold no unit that learnt a word: they keep their row and union objects, so
    the pass costs a membership test per unit there instead of rebuilding a long book's rows.
    """
    if not learnt:
        return sf
    wider: dict[int, Unit] = {}  # units are shared objects: widen each one once
    keys = learnt.keys()
    units, unions = list(sf.units), list(sf.union)
    for i, row in enumerate(sf.units):
        if keys.isdisjoint(map(unit_stems, row)):  # in C
            continue
        units[i] = [wider.get(id(u)) or wider.setdefault(id(u), _widen(u, learnt)) for u in row]
        unions[i] = id_union(units[i])
    return replace(sf, units=units, union=unions)


def _widen(unit: Unit, learnt: dict[frozenset[int], frozenset[int]]) -> Unit:
    extra = learnt.get(unit[1])
    return unit if extra is None else (unit[0], unit[1] | extra)
