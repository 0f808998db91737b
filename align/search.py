"""Banded dynamic programming over n:m beads, with forward–backward bead posteriors.

The search space is the usual alignment lattice: position (i, j) means "the first i Chinese and
the first j English sentences are aligned". Each row i only keeps the columns ``L[i]..H[i]`` of a
monotone band, so time and memory are O(n · band) rather than O(n · m). Rows are processed with
numpy over the whole band at once; 0-1 beads (a skipped English sentence) stay inside a row and
become a cumulative minimum (Viterbi) or a cumulative log-add (forward–backward).

Besides the best path, a softmin (temperature ``T``) forward and backward pass gives each bead on
that path its posterior probability: the share of all alignments, weighted by ``exp(-cost/T)``,
that contain exactly this bead. That is the bead's score: near 1 when no alternative comes close,
low when a merge, split or shift costs about the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# cost_fn(i_end, a, b, j_end) -> cost of the bead (i_end-a .. i_end) x (j_end-b .. j_end)
CostFn = Callable[[int, int, int, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Band:
    lo: np.ndarray  # first allowed column per row (rows 0..n)
    hi: np.ndarray  # last allowed column per row, inclusive

    @property
    def width(self) -> int:
        return int((self.hi - self.lo).max()) + 1


@dataclass(frozen=True)
class PathBead:
    i0: int
    j0: int
    i1: int
    j1: int
    posterior: float
    cost: float


def full_band(n: int, m: int) -> Band:
    return Band(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))


def _prev_values(arr: np.ndarray, band: Band, row: int, cols: np.ndarray) -> np.ndarray:
    """``arr[row, col]`` for absolute columns, -inf/inf-safe: out-of-band columns → NaN."""
    idx = cols - band.lo[row]
    ok = (idx >= 0) & (cols <= band.hi[row])
    out = np.full(cols.shape, np.nan)
    out[ok] = arr[row, idx[ok]]
    return out


def cost_table(
    n: int, band: Band, types: list[tuple[int, int]], cost_fn: CostFn, skip: float
) -> np.ndarray:
    """``table[t, i, k]``: cost of the type-t bead ending at (i, lo[i] + k); inf if impossible.

    Computed once and shared by the three passes (float32 keeps it at 4 bytes per cell).
    """
    table = np.full((len(types), n + 1, band.width), np.inf, dtype=np.float32)
    for i in range(n + 1):
        cols = np.arange(band.lo[i], band.hi[i] + 1)
        for t, (a, b) in enumerate(types):
            if a > i:
                continue
            start = cols - b
            ok = (start >= band.lo[i - a]) & (start <= band.hi[i - a])
            if a == 0:
                table[t, i, : len(cols)][ok] = skip
            elif ok.any():
                table[t, i, : len(cols)][ok] = cost_fn(i, a, b, cols[ok])
    return table


def _viterbi(n: int, band: Band, types: list[tuple[int, int]], table: np.ndarray) -> np.ndarray:
    """Back-pointers (type index per cell) of the min-cost lattice."""
    best = np.full((n + 1, band.width), np.inf)
    back = np.full((n + 1, band.width), -1, dtype=np.int8)
    skip_type = types.index((0, 1))
    for i in range(n + 1):
        cols = np.arange(band.lo[i], band.hi[i] + 1)
        k = len(cols)
        e_best = np.full(k, np.inf)
        e_back = np.full(k, -1, dtype=np.int8)
        if i == 0:
            e_best[0] = 0.0
        for t, (a, b) in enumerate(types):
            if a == 0 or a > i:
                continue
            prev = _prev_values(best, band, i - a, cols - b)
            cand = np.where(np.isnan(prev), np.inf, prev) + table[t, i, :k]
            better = cand < e_best
            e_best[better], e_back[better] = cand[better], t
        # 0-1 beads inside the row: D_j = min_k (E_k + S_j - S_k), S = cumulative skip costs
        skips = table[skip_type, i, :k].astype(np.float64)
        skips[0] = 0.0
        steps = np.cumsum(np.where(np.isfinite(skips), skips, 0.0))
        row_best = steps + np.minimum.accumulate(e_best - steps)
        skipped = row_best < e_best - 1e-9  # not just rounding noise of the subtraction
        e_back[skipped] = skip_type
        best[i, :k] = np.where(skipped, row_best, e_best)
        back[i, :k] = e_back
    return back


def _forward(
    n: int, band: Band, types: list[tuple[int, int]], table: np.ndarray, skip: float, inv_t: float
) -> np.ndarray:
    """Log of the summed weight exp(-cost/T) of all paths from (0, 0) to each cell."""
    fwd = np.full((n + 1, band.width), -np.inf)
    for i in range(n + 1):
        cols = np.arange(band.lo[i], band.hi[i] + 1)
        k = len(cols)
        e = np.full(k, -np.inf)
        if i == 0:
            e[0] = 0.0
        for t, (a, b) in enumerate(types):
            if a == 0 or a > i:
                continue
            prev = _prev_values(fwd, band, i - a, cols - b)
            e = np.logaddexp(e, np.where(np.isnan(prev), -np.inf, prev) - table[t, i, :k] * inv_t)
        steps = np.arange(k, dtype=np.float64) * skip * inv_t
        fwd[i, :k] = -steps + np.logaddexp.accumulate(e + steps)
    return fwd


def _backward(
    n: int,
    m: int,
    band: Band,
    types: list[tuple[int, int]],
    table: np.ndarray,
    skip: float,
    inv_t: float,
) -> np.ndarray:
    """Log of the summed weight of all paths from each cell to (n, m)."""
    bwd = np.full((n + 1, band.width), -np.inf)
    for i in range(n, -1, -1):
        cols = np.arange(band.lo[i], band.hi[i] + 1)
        k = len(cols)
        e = np.full(k, -np.inf)
        if i == n and band.hi[n] == m:
            e[-1] = 0.0
        for t, (a, b) in enumerate(types):
            if a == 0 or i + a > n:
                continue
            end = cols + b
            idx = end - band.lo[i + a]
            ok = (idx >= 0) & (end <= band.hi[i + a])
            if not ok.any():
                continue
            val = np.full(k, -np.inf)
            val[ok] = bwd[i + a, idx[ok]] - table[t, i + a, idx[ok]] * inv_t
            e = np.logaddexp(e, val)
        steps = (k - 1 - np.arange(k, dtype=np.float64)) * skip * inv_t
        bwd[i, :k] = -steps + np.logaddexp.accumulate((e + steps)[::-1])[::-1]
    return bwd


def search(
    n: int,
    m: int,
    band: Band,
    types: list[tuple[int, int]],
    cost_fn: CostFn,
    skip_tgt: float,
    temperature: float,
) -> list[PathBead]:
    """Best monotone path through the band, each bead with its posterior probability."""
    inv_t = 1.0 / temperature
    table = cost_table(n, band, types, cost_fn, skip_tgt)
    back = _viterbi(n, band, types, table)
    fwd = _forward(n, band, types, table, skip_tgt, inv_t)
    bwd = _backward(n, m, band, types, table, skip_tgt, inv_t)
    return _trace(n, m, band, types, table, back, fwd, bwd, inv_t)


def _trace(
    n: int,
    m: int,
    band: Band,
    types: list[tuple[int, int]],
    table: np.ndarray,
    back: np.ndarray,
    fwd: np.ndarray,
    bwd: np.ndarray,
    inv_t: float,
) -> list[PathBead]:
    total = fwd[n, m - band.lo[n]]
    path: list[PathBead] = []
    i, j = n, m
    while i or j:
        k = j - band.lo[i]
        t = int(back[i, k])
        if t < 0:
            raise RuntimeError(f"alignment lattice broken at ({i}, {j})")
        a, b = types[t]
        i0, j0 = i - a, j - b
        cost = float(table[t, i, k])
        log_p = fwd[i0, j0 - band.lo[i0]] - cost * inv_t + bwd[i, k] - total
        posterior = float(np.exp(min(0.0, log_p)))
        path.append(PathBead(i0, j0, i, j, posterior, cost))
        i, j = i0, j0
    return path[::-1]
