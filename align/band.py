"""First pass of the aligner: anchors from rare shared units, and the search band around them.

A unit that is rare on both sides (a name, a number, an uncommon word) links the few sentences
that contain it; the heaviest chain of such links that is monotone in both texts is almost always
part of the true alignment. This costs O(n log m) instead of the O(n · m) of comparing all pairs,
which is what keeps long books tractable (Vecalign and Bertalign also search in two passes).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from align.search import Band, PathBead
from align.similarity import SideFeatures

PER_ROW = 3  # candidate links kept per source sentence
COARSE_PAIRS = 50_000  # the first chain only places each stretch: a fixed budget, any length
STRETCH_PAIRS = 10  # pairs per sentence of a stretch (rare in a stretch is rarer than in a book)
STRETCH = 1000  # source sentences per stretch whose own rare units make the second anchors
MARGIN = 100  # columns either side of the first chain's position a second anchor may fall
Link = tuple[int, int, float]  # (source sentence, target sentence, weight of shared rare units)


@dataclass(frozen=True)
class Region:
    """Source rows ``i0..i1`` may link to target rows ``j0..j1`` near an expected column."""

    i0: int
    i1: int
    j0: int
    j1: int
    expected: np.ndarray  # expected target column of each source row i0..i1-1
    slack: float  # how far from it a link may fall
    budget: int  # sentence pairs examined in all, rarest units first


def candidate_links(sf: SideFeatures, tf: SideFeatures, region: Region) -> list[Link]:
    """(i, j, weight) for sentence pairs of ``region`` that share units rare in it.

    Units are taken rarest first (fewest sentence pairs they would link) until a budget of
    ``region.budget`` pairs is spent, so a text full of names uses only the
    rarest and a text of common words still finds enough links; either way the work is linear.
    """
    tgt_rows: dict[int, list[int]] = defaultdict(list)
    for j in range(region.j0, region.j1):
        for _, stems in tf.units[j]:
            tgt_rows[next(iter(stems))].append(j)
    src_rows: dict[int, list[int]] = defaultdict(list)
    for i in range(region.i0, region.i1):
        for tok in sf.union[i]:
            if tok in tgt_rows:
                src_rows[tok].append(i)
    tokens = sorted(src_rows, key=lambda t: (len(src_rows[t]) * len(tgt_rows[t]), t))
    budget = region.budget
    scores: dict[tuple[int, int], float] = defaultdict(float)
    for tok in tokens:
        rows_s, rows_t = src_rows[tok], tgt_rows[tok]
        budget -= len(rows_s) * len(rows_t)
        if budget < 0:
            break
        weight = tf.token_weight.get(tok, 1.0) / (len(rows_s) * len(rows_t))
        for i in rows_s:
            expected = region.expected[i - region.i0]
            for j in rows_t:
                if abs(j - expected) <= region.slack:
                    scores[(i, j)] += weight
    per_row: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (i, j), w in scores.items():
        per_row[i].append((w, j))
    links: list[Link] = []
    for i, cands in per_row.items():
        cands.sort(reverse=True)
        links.extend((i, j, w) for w, j in cands[:PER_ROW])
    return links


def anchor_chain(sf: SideFeatures, tf: SideFeatures) -> list[tuple[int, int]]:
    """Anchors from units rare in the whole text, then from units rare in their own stretch.

    How rare a unit must be to spend the link budget on depends on the text's length: in a long
    book the globally rarest units are far apart, and a sparser chain means a wider, slower band
    (0.86 anchors per sentence in a 10k-sentence text, 0.40 in a 100k one). So the first chain
    only places each stretch of ``STRETCH`` sentences, and each stretch then links its own rare
    units within a margin of that position: the same density, and cost per sentence, at any length.
    """
    n, m = len(sf.units), len(tf.units)
    rows = np.arange(n)
    whole = Region(0, n, 0, m, (rows + 0.5) * m / n, 0.15 * m + 20, STRETCH_PAIRS * max(n, m))
    if n <= STRETCH:  # a short text is one stretch
        return heaviest_chain(candidate_links(sf, tf, whole), m)
    coarse = heaviest_chain(candidate_links(sf, tf, replace(whole, budget=COARSE_PAIRS)), m)
    ci = np.array([0] + [i for i, _ in coarse] + [n], dtype=np.float64)
    cj = np.array([0] + [j for _, j in coarse] + [m], dtype=np.float64)
    expected = np.interp(rows, ci, cj)
    chain: list[Link] = []
    for i0 in range(0, n, STRETCH):  # each stretch's own chain: O(n), no log factor of the book
        i1 = min(i0 + STRETCH, n)
        j0 = max(int(expected[i0]) - MARGIN, 0)
        j1 = min(int(np.ceil(expected[i1 - 1])) + MARGIN + 1, m)
        pairs = STRETCH_PAIRS * max(i1 - i0, j1 - j0)
        region = Region(i0, i1, j0, j1, expected[i0:i1], MARGIN, pairs)
        _join(chain, _local_chain(candidate_links(sf, tf, region)))
    return [(i, j) for i, j, _ in chain]


def _local_chain(links: list[Link]) -> list[Link]:
    """The heaviest chain of ``links``, on a Fenwick tree only as wide as their columns."""
    if not links:
        return []
    base = min(j for _, j, _ in links)
    weight = {(i, j): w for i, j, w in links}
    local = [(i, j - base, w) for i, j, w in links]
    top = max(j for _, j, _ in local)
    return [(i, j + base, weight[(i, j + base)]) for i, j in heaviest_chain(local, top + 1)]


def _join(chain: list[Link], new: list[Link]) -> None:
    """Append the next stretch's chain ``new`` to ``chain``, keeping it monotone by weight.

    Where the two overlap in columns (an omission made one stretch link to sentences that
    belong to the next), the overlapping tail and ``new`` are chained again together, so the
    heavier evidence wins instead of whichever stretch came first. In place: a book has
    thousands of stretches.
    """
    if chain and new and new[0][1] <= chain[-1][1]:
        cut = bisect_left(chain, new[0][1], key=lambda link: link[1])
        new = _local_chain(chain[cut:] + new)
        del chain[cut:]
    chain.extend(new)


def heaviest_chain(links: list[Link], m: int) -> list[tuple[int, int]]:
    """Maximum-weight chain strictly increasing in both i and j (Fenwick tree over j)."""
    size = m + 1
    tree_val = [0.0] * (size + 1)
    tree_idx = [-1] * (size + 1)
    prev = [-1] * len(links)
    total = [0.0] * len(links)
    order = sorted(range(len(links)), key=lambda k: (links[k][0], links[k][1]))
    start = 0
    while start < len(order):
        end = start
        row = links[order[start]][0]
        while end < len(order) and links[order[end]][0] == row:
            end += 1
        for k in order[start:end]:  # query before update: no two links from one row
            j = links[k][1]
            best, best_k = 0.0, -1
            pos = j  # prefix over columns < j (tree positions 1..j)
            while pos > 0:
                if tree_val[pos] > best:
                    best, best_k = tree_val[pos], tree_idx[pos]
                pos -= pos & -pos
            total[k] = best + links[k][2]
            prev[k] = best_k
        for k in order[start:end]:
            pos = links[k][1] + 1
            while pos <= size:
                if total[k] > tree_val[pos]:
                    tree_val[pos], tree_idx[pos] = total[k], k
                pos += pos & -pos
        start = end
    if not links:
        return []
    k = max(range(len(links)), key=lambda q: total[q])
    chain = []
    while k >= 0:
        chain.append((links[k][0], links[k][1]))
        k = prev[k]
    return chain[::-1]


def chain_band(anchors: list[tuple[int, int]], n: int, m: int, half: int) -> Band:
    """A monotone band around an anchor chain, wider where anchors are far apart."""
    chain = np.array(anchors, dtype=np.int64).reshape(-1, 2)
    # each anchor is the 1-1 step (i, j) -> (i+1, j+1); the band follows the straight segments
    # from one point to the next, and a row on two segments takes the later one
    steps = np.stack([chain, chain + 1], axis=1).reshape(-1, 2)
    points = np.concatenate([[[0, 0]], steps, [[n, m]]])
    start, end = points[:-1], points[1:]
    keep = (end >= start).all(axis=1)
    start, end = start[keep], end[keep]
    rows = np.arange(n + 1)
    seg = np.searchsorted(start[:, 0], rows, side="right") - 1
    pi, pj, qi, qj = start[seg, 0], start[seg, 1], end[seg, 0], end[seg, 1]
    span = qi - pi
    centre = pj + (rows - pi) / np.maximum(span, 1) * (qj - pj)
    width = half + 0.25 * np.maximum(span, qj - pj)
    lo = np.where(span > 0, np.minimum(centre - width, qj - half), centre - half)
    hi = np.where(span > 0, np.maximum(centre + width, pj + half), centre + half)
    lo_i = np.clip(np.floor(lo), 0, m).astype(np.int64)
    hi_i = np.clip(np.ceil(hi), 0, m).astype(np.int64)
    lo_i[0], hi_i[n] = 0, m
    lo_i = np.maximum.accumulate(lo_i)
    hi_i = np.minimum.accumulate(hi_i[::-1])[::-1]
    hi_i = np.maximum(hi_i, lo_i)
    lo_i[1:] = np.minimum(lo_i[1:], hi_i[:-1])  # consecutive rows overlap: always connected
    return Band(lo_i, hi_i)


def touches_edge(path: list[PathBead], band: Band, m: int) -> bool:
    """Whether the best path runs along the band's edge (then the band was too tight)."""
    for p in path:
        i, j = p.i1, p.j1
        if (j == band.lo[i] and band.lo[i] > 0) or (j == band.hi[i] and band.hi[i] < m):
            return True
    return False


def around_path(path: list[PathBead], n: int, m: int, half: int) -> Band:
    """A band of ``half`` columns either side of an earlier alignment path.

    A second pass only revisits choices near the first pass's answer, so it needs neither new
    anchors nor the wider anchor band: the same O(n · half) work as one pass.
    """
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for p in path:
        lo[p.i0 : p.i1 + 1] = np.minimum(lo[p.i0 : p.i1 + 1], p.j0)
        hi[p.i0 : p.i1 + 1] = np.maximum(hi[p.i0 : p.i1 + 1], p.j1)
    lo = np.clip(lo - half, 0, m)
    hi = np.clip(hi + half, 0, m)
    lo[0], hi[n] = 0, m
    return Band(lo, hi)
