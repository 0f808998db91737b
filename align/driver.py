"""The search driver: which part of the lattice is searched, and in what pieces.

A short text searches its whole lattice. A longer one searches a band around an anchor chain
(``align.band``), widened and re-run while the best path runs along its edge (up to
``SearchParams.max_half``), in blocks of ``SearchParams.block`` rows with a look-ahead. Each
piece's bead costs come from ``align.cost``; the dynamic programme is ``align.search``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from align.cost import BeadFeatures, make_cost
from align.features import Structure
from align.params import AlignParams
from align.search import Band, BandTooNarrow, PathBead, full_band, search
from align.similarity import SideFeatures, pair_coverage

Reach = Callable[[int], None]  # told "the first k source sentences are aligned"


def search_with_band(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    structure: Structure,
    reach: Reach | None = None,
) -> list[PathBead]:
    n, m = len(sf.units), len(tf.units)
    if (n + 1) * (m + 1) <= params.search.full_limit:
        return run(sf, tf, params, full_band(n, m), structure)
    from align.band import anchor_chain, chain_band, touches_edge

    anchors = anchor_chain(sf, tf)
    half = params.search.band
    while True:
        band = chain_band(anchors, n, m, half)
        try:
            path = _run_in_blocks(sf, tf, params, band, structure, reach)
        except BandTooNarrow:
            path = None
        if path is not None and (half >= params.search.max_half or not touches_edge(path, band, m)):
            return path  # texts that are not translations of each other stop widening here
        if half >= max(n, m):
            return run(sf, tf, params, full_band(n, m), structure)
        half *= 2


def slice_side(side: SideFeatures, start: int, stop: int) -> SideFeatures:
    return replace(
        side,
        units=side.units[start:stop],
        union=side.union[start:stop],
        weight=side.weight[start:stop],
        length=side.length[start:stop],
    )


def _run_in_blocks(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    band: Band,
    structure: Structure,
    reach: Reach | None = None,
) -> list[PathBead]:
    """Search a long text's band ``block`` rows at a time, each with ``lookahead`` more rows.

    Each block's path is kept up to its first sure bead boundary past ``block`` rows, and the
    next block starts there. The best path of a block forgets where it started within a few
    dozen sentences, so the look-ahead makes this the whole band's best path in practice (MAC-Dev
    as one text: the same beads with 150-row blocks and a 30-row look-ahead), while every
    block's tables stay a few megabytes: the whole band's tables of a 100k-sentence book outgrow
    the CPU caches and made each row ~9% slower than in a 10k-sentence text.
    """
    n, m = len(sf.units), len(tf.units)
    ratio = structure.ratio or (float(tf.length.sum()) + 1.0) / (float(sf.length.sum()) + 1.0)
    structure = replace(structure, ratio=ratio)
    block, lookahead = params.search.block, params.search.lookahead
    out: list[PathBead] = []
    i0 = j0 = 0
    while True:
        last = n - i0 <= block + lookahead
        i1 = n if last else i0 + block + lookahead
        j1 = m if last else int(band.hi[i1])
        lo = np.clip(band.lo[i0 : i1 + 1] - j0, 0, j1 - j0)
        hi = np.clip(band.hi[i0 : i1 + 1] - j0, 0, j1 - j0)
        lo[0], lo[1:] = 0, np.minimum(lo[1:], hi[:-1])
        sub = run(
            slice_side(sf, i0, i1),
            slice_side(tf, j0, j1),
            params,
            Band(lo, np.maximum(hi, lo)),
            structure.window(i0, i1, j0, j1),
            free_end=not last,
        )
        keep = len(sub) if last else _cut(sub, block, lookahead, params.search.sure)
        out.extend(shift(p, i0, j0) for p in sub[:keep])
        if last:
            return out
        i0, j0 = out[-1].i1, out[-1].j1
        if reach is not None:
            reach(i0)


def _cut(path: list[PathBead], rows: int, lookahead: int, sure_at: float) -> int:
    """Beads to keep: up to the first sure bead ending past ``rows`` (else the first one)."""
    past = [k for k, p in enumerate(path) if p.i1 >= rows]
    sure = [k for k in past[: lookahead // 2] if path[k].posterior >= sure_at]
    return (sure or past)[0] + 1


def shift(p: PathBead, di: int, dj: int) -> PathBead:
    return PathBead(p.i0 + di, p.j0 + dj, p.i1 + di, p.j1 + dj, p.posterior, p.cost)


def run(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    band: Band,
    structure: Structure,
    free_end: bool = False,
) -> list[PathBead]:
    n, m = len(sf.units), len(tf.units)
    weights = params.weights
    assert weights is not None  # ``align.passes`` resolves the fitted set before searching
    types = bead_types(params)
    features = bead_features(sf, tf, params, band, structure, types)
    cost_fn = make_cost(features, weights)
    skip_en = weights["skip_en"]
    return search(n, m, band, types, cost_fn, skip_en, weights.temperature, free_end)


def bead_types(params: AlignParams) -> list[tuple[int, int]]:
    """The bead types searched: ``params.types`` and always 0-1 and 1-0, in a fixed order."""
    types = sorted({(int(a), int(b)) for a, b in params.types} | {(0, 1), (1, 0)})
    return [t for t in types if t != (0, 0)]


def bead_features(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    band: Band,
    structure: Structure,
    types: list[tuple[int, int]],
) -> BeadFeatures:
    """The features of every bead of ``types`` in ``band``: word coverage of each sentence pair
    a bead there could hold, computed once, then the rest of the evidence."""
    n, m = len(sf.units), len(tf.units)
    max_a = max(a for a, _ in types)
    max_b = max(b for _, b in types)
    rows = np.arange(n)
    plo = band.lo[np.maximum(rows - max_a + 1, 0)] - max_b
    plo = np.maximum(plo, 0)
    phi = np.minimum(band.hi[np.minimum(rows + max_a, n)], m)
    width = int((phi - plo).max()) if n else 1
    cs, ct = pair_coverage(sf, tf, plo, phi, max(width, 1))
    return BeadFeatures(sf, tf, params, (cs, ct, plo), structure)
