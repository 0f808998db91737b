"""The passes: a first alignment, then again with translation links learnt from it.

The first pass aligns with the dictionary, draft and structural evidence. The second
(``align.relearn``) learns the translator's own renderings from the first alignment's
unexplained words and aligns again: a short text whole, a long one only in windows of the
first path near a sentence whose features changed.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from align.driver import Reach, run, search_with_band, shift, slice_side
from align.features import Structure
from align.params import AlignParams
from align.relearn import extend, learn_links
from align.search import BandTooNarrow, PathBead, full_band
from align.similarity import (
    SideFeatures,
    Vocab,
    source_features,
    target_features,
    unit_stems,
)
from align.weights import fitted


def resolved(params: AlignParams, drafts: bool, meaning: bool) -> AlignParams:
    """``params`` with the weight set and feature shapes of this setting filled in."""
    weights = params.weights or fitted(drafts, meaning)
    return replace(params, weights=weights, beta=params.beta_with_drafts if drafts else params.beta)


def align_texts(
    src_texts: list[str],
    tgt_texts: list[str],
    draft_texts: list[str] | None,
    structure: Structure,
    params: AlignParams,
    reach: Reach,
) -> list[PathBead]:
    vocab = Vocab()
    sf = source_features(src_texts, draft_texts, vocab)
    tf = target_features(tgt_texts, vocab)
    params = resolved(params, draft_texts is not None, structure.semantic is not None)
    path = search_with_band(sf, tf, params, structure, reach)
    for _ in range(params.relearn):
        learnt = learn_links(sf, tf, path)
        changed = _changed_rows(sf, tf, learnt, path, params.search.window_pad)
        path = _second_pass(extend(sf, learnt), tf, params, structure, path, changed)
    return path


def _second_pass(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    structure: Structure,
    path: list[PathBead],
    changed: np.ndarray,
) -> list[PathBead]:
    """Align again with the sharper features ``sf``.

    A short text is aligned again whole. In a long one only the stretches of the first path
    near a sentence whose features changed are re-aligned (``SearchParams.window_pad`` beads
    either side, between the first path's own lattice points), so the pass costs time in
    proportion to what changed; bead posteriors there are computed within their stretch.
    """
    n, m = len(sf.units), len(tf.units)
    if (n + 1) * (m + 1) <= params.search.full_limit:
        return run(sf, tf, params, full_band(n, m), structure)
    ratio = (float(tf.length.sum()) + 1.0) / (float(sf.length.sum()) + 1.0)
    structure = replace(structure, ratio=ratio)
    out: list[PathBead] = []
    done = 0
    for k0, k1 in _windows(path, changed, params.search.window_pad, params.search.sure):
        out.extend(path[done:k0])
        first, last = path[k0], path[k1 - 1]
        shifted = [shift(p, -first.i0, -first.j0) for p in path[k0:k1]]
        sub = _near_path(
            slice_side(sf, first.i0, last.i1),
            slice_side(tf, first.j0, last.j1),
            params,
            structure.window(first.i0, last.i1, first.j0, last.j1),
            shifted,
        )
        out.extend(shift(p, first.i0, first.j0) for p in sub)
        done = k1
    out.extend(path[done:])
    return out


def _near_path(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    structure: Structure,
    path: list[PathBead],
) -> list[PathBead]:
    """Search a band around ``path`` (a window's first answer): work linear in its length."""
    from align.band import around_path, touches_edge

    n, m = len(sf.units), len(tf.units)
    band = around_path(path, n, m, max(params.search.band // 2, 2))
    try:
        new = run(sf, tf, params, band, structure)
    except BandTooNarrow:
        return search_with_band(sf, tf, params, structure)
    return search_with_band(sf, tf, params, structure) if touches_edge(new, band, m) else new


def _changed_rows(
    sf: SideFeatures,
    tf: SideFeatures,
    learnt: dict[frozenset[int], frozenset[int]],
    path: list[PathBead],
    pad: int,
) -> np.ndarray:
    """Sentences with a learnt word that occurs in an English sentence near them on the path.

    Only there can a bead's cost change, so only there can the second pass find anything new.
    """
    changed = np.zeros(len(sf.units), dtype=bool)
    keys = learnt.keys()
    for k, p in enumerate(path):
        for i in range(p.i0, p.i1):
            if keys.isdisjoint(map(unit_stems, sf.units[i])):  # in C: most rows learnt nothing
                continue
            new = [w for _, stems in sf.units[i] for w in learnt.get(stems, ())]
            lo, hi = path[max(k - pad, 0)].j0, path[min(k + pad, len(path) - 1)].j1
            changed[i] = any(w in tf.union[j] for j in range(lo, hi) for w in new)
    return changed


def _windows(
    path: list[PathBead], changed: np.ndarray, pad: int, sure: float
) -> list[tuple[int, int]]:
    """Runs [k0, k1) of path beads within ``pad`` beads of an unsure one over a changed row."""
    spans: list[tuple[int, int]] = []
    before = np.concatenate([[0], np.cumsum(changed)])  # changed rows before each row
    starts = np.fromiter((p.i0 for p in path), dtype=np.int64, count=len(path))
    ends = np.fromiter((p.i1 for p in path), dtype=np.int64, count=len(path))
    for k in np.flatnonzero(before[ends] > before[starts]).tolist():
        if path[k].posterior > sure:
            continue
        lo, hi = max(k - pad, 0), min(k + pad + 1, len(path))
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans
