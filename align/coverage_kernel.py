"""``align.similarity.pair_coverage`` as a compiled loop (numba) over flat arrays.

The Python version intersects two sets per cell of the search band; in a long text that was
the largest stage left. Here the sentences' units are flat integer arrays (CSR: one offset
array per level), and membership is a stamp in a vocabulary-sized array, so a cell costs a few
dozen integer comparisons. The sums run in the same order as the Python version's, so the
results are bit-identical (``tests/test_align_signals.py``).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def coverage(
    src: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    tgt: tuple[np.ndarray, np.ndarray, np.ndarray],
    lo: np.ndarray,
    hi: np.ndarray,
    width: int,
    vocab_size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``cs``, ``ct`` as in ``pair_coverage``; ``src``/``tgt`` as built by its flatteners."""
    unit_ptr, unit_w, stem_ptr, stems, union_ptr, union_ids = src
    tok_ptr, tok, tok_w = tgt
    n = unit_ptr.shape[0] - 1
    cs = np.zeros((n, width))
    ct = np.zeros((n, width))
    in_union = np.zeros(vocab_size, dtype=np.int64)  # == r + 1: in source sentence r
    in_target = np.zeros(vocab_size, dtype=np.int64)  # == stamp: in the current cell's English
    stamp = 0
    for r in range(n):
        if union_ptr[r + 1] == union_ptr[r]:
            continue
        for q in range(union_ptr[r], union_ptr[r + 1]):
            in_union[union_ids[q]] = r + 1
        for c in range(lo[r], hi[r]):
            stamp += 1
            t_sum, hit = 0.0, False
            for q in range(tok_ptr[c], tok_ptr[c + 1]):
                in_target[tok[q]] = stamp
                if in_union[tok[q]] == r + 1:
                    t_sum += tok_w[q]
                    hit = True
            if not hit:
                continue
            s_sum = 0.0
            for u in range(unit_ptr[r], unit_ptr[r + 1]):
                for q in range(stem_ptr[u], stem_ptr[u + 1]):
                    if in_target[stems[q]] == stamp:
                        s_sum += unit_w[u]
                        break
            ct[r, c - lo[r]] = t_sum
            cs[r, c - lo[r]] = s_sum
    return cs, ct
