"""First pass of the aligner: anchors from rare shared units, and the search band around them.

A unit that is rare on both sides (a name, a number, an uncommon word) links the few sentences
that contain it; the heaviest chain of such links that is monotone in both texts is almost always
part of the true alignment. This costs O(n log m) instead of the O(n · m) of comparing all pairs,
which is what keeps long books tractable (Vecalign and Bertalign also search in two passes).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from align.search import Band, PathBead
from align.similarity import SideFeatures

PAIR_BUDGET = 30  # sentence pairs examined per sentence, rarest units first
PER_ROW = 3  # candidate links kept per source sentence


def candidate_links(sf: SideFeatures, tf: SideFeatures) -> list[tuple[int, int, float]]:
    """(i, j, weight) for sentence pairs that share units rare on both sides.

    Units are taken rarest first (fewest sentence pairs they would link) until a budget of
    ``PAIR_BUDGET`` pairs per source sentence is spent, so a text full of names uses only the
    rarest and a text of common words still finds enough links; either way the work is linear.
    """
    n, m = len(sf.units), len(tf.units)
    tgt_rows: dict[int, list[int]] = defaultdict(list)
    for j, row in enumerate(tf.units):
        for _, stems in row:
            tgt_rows[next(iter(stems))].append(j)
    src_rows: dict[int, list[int]] = defaultdict(list)
    for i, union in enumerate(sf.union):
        for tok in union:
            if tok in tgt_rows:
                src_rows[tok].append(i)
    tokens = sorted(src_rows, key=lambda t: (len(src_rows[t]) * len(tgt_rows[t]), t))
    budget = PAIR_BUDGET * max(n, m)
    slack = 0.15 * m + 20
    scores: dict[tuple[int, int], float] = defaultdict(float)
    for tok in tokens:
        rows_s, rows_t = src_rows[tok], tgt_rows[tok]
        budget -= len(rows_s) * len(rows_t)
        if budget < 0:
            break
        weight = tf.token_weight.get(tok, 1.0) / (len(rows_s) * len(rows_t))
        for i in rows_s:
            expected = (i + 0.5) * m / n
            for j in rows_t:
                if abs(j - expected) <= slack:
                    scores[(i, j)] += weight
    per_row: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (i, j), w in scores.items():
        per_row[i].append((w, j))
    links: list[tuple[int, int, float]] = []
    for i, cands in per_row.items():
        cands.sort(reverse=True)
        links.extend((i, j, w) for w, j in cands[:PER_ROW])
    return links


def heaviest_chain(links: list[tuple[int, int, float]], m: int) -> list[tuple[int, int]]:
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


def anchor_band(sf: SideFeatures, tf: SideFeatures, half: int) -> Band:
    """A monotone band around the anchor chain, wider where anchors are far apart."""
    n, m = len(sf.units), len(tf.units)
    points = [(0, 0)]
    for i, j in heaviest_chain(candidate_links(sf, tf), m):
        points.append((i, j))
        points.append((i + 1, j + 1))
    points.append((n, m))
    lo = np.zeros(n + 1, dtype=np.float64)
    hi = np.zeros(n + 1, dtype=np.float64)
    for (pi, pj), (qi, qj) in zip(points, points[1:], strict=False):
        if qi < pi or qj < pj:
            continue
        rows = np.arange(pi, qi + 1)
        frac = (rows - pi) / max(qi - pi, 1)
        centre = pj + frac * (qj - pj)
        width = half + 0.25 * max(qi - pi, qj - pj)
        lo[pi : qi + 1] = np.minimum(centre - width, qj - half) if qi > pi else centre - half
        hi[pi : qi + 1] = np.maximum(centre + width, pj + half) if qi > pi else centre + half
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
