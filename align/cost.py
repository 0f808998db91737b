"""The bead cost: what a candidate bead of the alignment lattice costs.

``make_cost`` returns the function the search (``align.search``) tabulates over the band: for
each bead type (a Chinese, b English sentences) the cost of every bead ending in the band.
"""

from __future__ import annotations

import numpy as np

from align.features import Structure
from align.params import AlignParams
from align.search import CostFn
from align.semantic import BlockVectors
from align.similarity import SideFeatures


def make_cost(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    cs: np.ndarray,
    ct: np.ndarray,
    plo: np.ndarray,
    structure: Structure,
) -> CostFn:
    width = cs.shape[1]
    pcs = np.zeros((cs.shape[0], width + 1))
    pct = np.zeros_like(pcs)
    np.cumsum(cs, axis=1, out=pcs[:, 1:])
    np.cumsum(ct, axis=1, out=pct[:, 1:])
    ws = np.concatenate([[0.0], np.cumsum(sf.weight)])
    wt = np.concatenate([[0.0], np.cumsum(tf.weight)])
    ls = np.concatenate([[0.0], np.cumsum(sf.length)])
    lt = np.concatenate([[0.0], np.cumsum(tf.length)])
    ratio = structure.ratio or (lt[-1] + 1.0) / (ls[-1] + 1.0)
    smooth = params.length_smooth
    q_src, q_tgt = structure.quotes
    t_src, t_tgt = structure.turns
    paras, hard = structure.paras, structure.hard_paragraphs
    semantic = structure.semantic
    edges = [  # (weight, keys per sentence on each side, whether the bead's first sentences)
        (weight, side, first)
        for weight, side, first in (
            (params.quote_opening, structure.quote_opens, True),
            (params.name_opening, structure.name_opens, True),
            (params.word_opening, structure.word_opens, True),
            (params.quote_closing, structure.quote_closes, False),
        )
        if weight and side is not None
    ]

    def cost(a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Vectorised over bead ends: ``i`` is a column of rows, ``j`` a matrix of columns."""
        if b == 0:  # the same flat price as an insertion: a length term would make long
            return _drop_cost(params, semantic, i, j)  # Chinese sentences impossible to drop
        csum = np.zeros(j.shape)
        tsum = np.zeros(j.shape)
        for d in range(1, a + 1):
            r = i - d
            hi_idx = np.clip(j - plo[r], 0, width)
            lo_idx = np.clip(j - b - plo[r], 0, width)
            csum += pcs[r, hi_idx] - pcs[r, lo_idx]
            tsum += pct[r, hi_idx] - pct[r, lo_idx]
        w_src = ws[i] - ws[i - a]
        w_tgt = wt[j] - wt[j - b]
        recall = np.minimum(csum, w_src) / np.maximum(w_src, 1e-9)
        precision = np.minimum(tsum, w_tgt) / np.maximum(w_tgt, 1e-9)
        beta2 = params.beta**2
        f1 = (1 + beta2) * precision * recall / np.maximum(beta2 * precision + recall, 1e-9)
        mass = np.maximum((w_src + w_tgt) / 2.0, params.mass_floor)
        f1 = f1 * mass**params.mass_power
        len_src = ratio * (ls[i] - ls[i - a]) + smooth
        len_tgt = lt[j] - lt[j - b] + smooth
        out = -f1 + params.length * np.log(len_tgt / len_src) ** 2 + params.merge * (a + b - 2)
        out = out + params.quote * np.abs(q_src[i] - q_tgt[j])
        turns = (t_src[i] - t_src[i - a]) - (t_tgt[j] - t_tgt[j - b])
        out = out + params.turns * np.abs(turns)
        if paras is not None:
            out = out + _paragraph_penalty(paras, params.paragraph, hard, a, b, i, j)
        if semantic is not None:
            out = out - params.semantic * (semantic.cosine(a, b, i, j) - params.semantic_offset)
        for weight, (zh_keys, en_keys), first in edges:  # first sentences i - a, j - b
            zh_at, en_at = (i - a, j - b) if first else (i - 1, j - 1)
            out = out - weight * (zh_keys[zh_at] == en_keys[en_at])
        return out

    return cost


def _drop_cost(
    params: AlignParams, semantic: BlockVectors | None, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """Price of leaving Chinese sentence i-1 untranslated at English position j."""
    if semantic is None or not params.drop_semantic:
        return np.full(j.shape, params.skip)
    cos = semantic.dropped(i, j, params.drop_reach)
    return params.skip + params.drop_semantic * (cos - params.drop_offset)


def _paragraph_penalty(
    paras: tuple[np.ndarray, np.ndarray],
    weight: float,
    hard: bool,
    a: int,
    b: int,
    i: np.ndarray,
    j: np.ndarray,
) -> np.ndarray:
    """Price of a bead whose ends or insides disagree about paragraph breaks."""
    src_breaks, tgt_breaks = paras
    src_cum = np.concatenate([[0.0], np.cumsum(src_breaks)])
    tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_breaks)])
    inner_s = src_cum[i] - src_cum[i - a + 1] if a > 1 else np.zeros_like(i, dtype=float)
    inner_t = tgt_cum[j] - tgt_cum[j - b + 1] if b > 1 else np.zeros_like(j, dtype=float)
    straddle = (inner_s > 0) != (inner_t > 0)
    edges = np.abs(src_breaks[i] - tgt_breaks[j]) + np.abs(src_breaks[i - a] - tgt_breaks[j - b])
    penalty = weight * (straddle + 0.5 * edges)
    if hard:
        penalty = np.where(penalty > 0, np.inf, 0.0)
    return penalty
