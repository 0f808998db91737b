"""The three dynamic-programming passes of ``align.search`` as one compiled loop (numba).

The numpy version in ``align.search`` makes ~25 array calls per lattice row, each on a row of
~27 cells: a long text spends a third of its alignment time in call overhead. Compiled, the
same arithmetic in the same order takes a few percent of that. Results are the same as the
numpy passes (same operations, same float32 rounding of the cost table where numpy rounds,
numpy's own formula for log-add-exp); ``tests/test_align_signals.py`` compares them.

Imported lazily, only when a text is aligned; without numba the numpy passes run.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

LOG2 = math.log(2.0)


@njit(cache=True, inline="always")
def _logaddexp(x: float, y: float) -> float:  # numpy's npy_logaddexp, branch for branch
    if x == y:
        return x + LOG2
    tmp = x - y
    if tmp > 0:
        return x + math.log1p(math.exp(-tmp))
    if tmp <= 0:
        return y + math.log1p(math.exp(tmp))
    return tmp


@njit(cache=True)
def forward(
    lo: np.ndarray,
    hi: np.ndarray,
    a_m: np.ndarray,
    b_m: np.ndarray,
    type_ids: np.ndarray,
    table: np.ndarray,
    skip: float,
    inv_t: float,
    skip_type: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Viterbi costs and back-pointers, and forward log-weights, row by row."""
    n = lo.shape[0] - 1
    width = table.shape[2]
    best = np.full((n + 1, width), np.inf)
    back = np.full((n + 1, width), -1, dtype=np.int8)
    fwd = np.full((n + 1, width), -np.inf)
    e_best = np.empty(width)
    e_fwd = np.empty(width)
    e_back = np.empty(width, dtype=np.int8)
    for i in range(n + 1):
        k = hi[i] - lo[i] + 1
        if i == 0:
            e_best[:k] = np.inf
            e_fwd[:k] = -np.inf
            e_back[:k] = -1
            e_best[0] = 0.0
            e_fwd[0] = 0.0
        else:
            for kk in range(k):
                b_val, b_arg, f_acc = np.inf, 0, -np.inf
                for t in range(a_m.shape[0]):
                    r = i - a_m[t]
                    c = lo[i] + kk - b_m[t] - lo[max(r, 0)]
                    ok = r >= 0 and 0 <= c < width
                    cost = np.float64(table[i, type_ids[t], kk])
                    cand = (best[r, c] if ok else np.inf) + cost
                    if t == 0 or cand < b_val:
                        b_val, b_arg = cand, t
                    x = (fwd[r, c] if ok else -np.inf) - cost * inv_t
                    f_acc = x if t == 0 else _logaddexp(f_acc, x)
                e_best[kk] = b_val
                e_back[kk] = type_ids[b_arg] if np.isfinite(b_val) else -1
                e_fwd[kk] = f_acc
        run, acc = 0.0, 0.0
        for kk in range(k):  # 0-1 beads stay in the row: a running minimum / log-add
            step = np.float64(kk) * skip
            v = e_best[kk] - step
            run = v if kk == 0 else min(run, v)
            row_best = step + run
            if row_best < e_best[kk] - 1e-9:
                best[i, kk], back[i, kk] = row_best, skip_type
            else:
                best[i, kk], back[i, kk] = e_best[kk], e_back[kk]
            x = e_fwd[kk] + step * inv_t
            acc = x if kk == 0 else _logaddexp(acc, x)
            fwd[i, kk] = -step * inv_t + acc
    return best, back, fwd


@njit(cache=True)
def backward(
    lo: np.ndarray,
    hi: np.ndarray,
    a_m: np.ndarray,
    b_m: np.ndarray,
    type_ids: np.ndarray,
    table: np.ndarray,
    skip: float,
    inv_t: float,
    end: int,
) -> np.ndarray:
    """Backward log-weights; ``end`` is the last row's exit column (-1: any column)."""
    n = lo.shape[0] - 1
    width = table.shape[2]
    bwd = np.full((n + 1, width), -np.inf)
    e = np.empty(width)
    inv_t32 = np.float32(inv_t)
    for i in range(n, -1, -1):
        k = hi[i] - lo[i] + 1
        e[:k] = -np.inf
        if i == n:
            if end < 0:
                e[:k] = 0.0
            elif end < k:
                e[end] = 0.0
        else:
            for kk in range(k):
                acc = -np.inf
                for t in range(a_m.shape[0]):
                    r = i + a_m[t]
                    c = lo[i] + kk + b_m[t] - lo[min(r, n)]
                    ok = r <= n and 0 <= c < width
                    nxt = bwd[r, c] if ok else -np.inf
                    cost = table[r, type_ids[t], c] if ok else np.float32(np.inf)
                    x = nxt - float(np.float32(cost * inv_t32))  # numpy rounds to float32 here
                    acc = x if t == 0 else _logaddexp(acc, x)
                e[kk] = _logaddexp(e[kk], acc)
        acc = 0.0
        for kk in range(k - 1, -1, -1):
            rev = np.float64(k - 1 - kk) * skip * inv_t
            x = e[kk] + rev
            acc = x if kk == k - 1 else _logaddexp(acc, x)
            bwd[i, kk] = -rev + acc
    return bwd
