"""Banded dynamic programming over n:m beads, with forward–backward bead posteriors.

The search space is the usual alignment lattice: position (i, j) means "the first i Chinese and
the first j English sentences are aligned". Row i only keeps columns ``lo[i] .. hi[i]`` of a
monotone band, so time and memory are O(n · band) rather than O(n · m). The cost of every
possible bead is tabulated once (vectorised over all rows), then three passes run row by row over
the band: Viterbi (best path), forward and backward (log-sum-exp at temperature T) — with numpy
for short texts, compiled by numba (``align.search_kernel``, the same arithmetic) for long ones.
0-1 beads (a skipped English sentence) stay inside a row and become a cumulative minimum or a
cumulative log-add.

A bead's score is its posterior probability: the share of all alignments in the band, weighted
by ``exp(-cost / T)``, that contain exactly this bead. It is near 1 when no alternative comes
close, and low when a merge, split or shift costs about the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from align import compiled

# cost_fn(a, b, i_end[R, 1], j_end[R, W]) -> costs[R, W] of the beads (i-a..i) x (j-b..j)
CostFn = Callable[[int, int, np.ndarray, np.ndarray], np.ndarray]
CHUNK = 1024  # rows per vectorised cost evaluation (bounds temporary memory, keeps it in cache)


class BandTooNarrow(Exception):
    """The band does not connect (0, 0) to (n, m); the caller widens it."""


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


def cost_table(
    n: int, band: Band, types: list[tuple[int, int]], cost_fn: CostFn, skip: float
) -> np.ndarray:
    """``table[i, t, k]``: cost of the type-t bead ending at (i, lo[i] + k); inf if impossible.

    Row-major by lattice row: each DP step reads one contiguous block, which keeps long texts
    (where the table no longer fits in cache) as fast per row as short ones. Costs are evaluated
    in chunks of rows, each only as wide as its own widest row: the band's widest stretch grows
    with the length of the text, and must not make every row of a long book pay for it.
    """
    width = band.width
    table = np.empty((n + 1, len(types), width), dtype=np.float32)
    k = np.arange(width)
    m = int(band.hi[-1])
    for first in range(0, n + 1, CHUNK):
        rows = np.arange(first, min(first + CHUNK, n + 1))
        local = int((band.hi[rows] - band.lo[rows]).max()) + 1  # widest row of this chunk
        block = np.full((len(rows), len(types), local), np.inf, dtype=np.float32)
        cols = band.lo[rows, None] + k[None, :local]
        for t, (a, b) in enumerate(types):
            sub = rows[rows >= a]
            if b > m or not len(sub):
                continue
            c = cols[len(rows) - len(sub) :]
            start = c - b
            ok = (c <= band.hi[sub, None]) & (start >= band.lo[sub - a, None])
            ok &= start <= band.hi[sub - a, None]
            if a == 0:
                vals = np.full(c.shape, skip)
            else:
                vals = cost_fn(a, b, sub[:, None], np.clip(c, b, m))
            block[len(rows) - len(sub) :, t] = np.where(ok, vals, np.inf)
        table[first : first + len(rows), :, :local] = block
        table[first : first + len(rows), :, local:] = np.inf
    return table


def _index(
    rows: np.ndarray, offsets: np.ndarray, width: int, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clipped indices of ``grid[rows[t], offsets[t] + k]``, and which of them are real."""
    cols = offsets[:, None] + np.arange(width)[None, :]
    ok = (cols >= 0) & (cols < shape[1]) & ((rows >= 0) & (rows < shape[0]))[:, None]
    r = np.minimum(np.maximum(rows, 0), shape[0] - 1)[:, None]
    c = np.minimum(np.maximum(cols, 0), shape[1] - 1)
    return r, c, ok


def _passes(
    n: int,
    m: int,
    band: Band,
    types: list[tuple[int, int]],
    table: np.ndarray,
    skip: float,
    inv_t: float,
    free_end: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Viterbi back-pointers, forward and backward log-weights, best costs of the last row."""
    width = band.width
    skip_type = types.index((0, 1))
    best = np.full((n + 1, width), np.inf)
    back = np.full((n + 1, width), -1, dtype=np.int8)
    fwd = np.full((n + 1, width), -np.inf)
    steps = np.arange(width, dtype=np.float64) * skip
    type_ids, a_m, b_m = _moving(types)
    # column offset from row i to the row a bead of each type comes from / goes to
    all_rows = np.arange(n + 1)[:, None]
    fwd_off = band.lo[:, None] - b_m - band.lo[np.clip(all_rows - a_m, 0, n)]
    bwd_off = band.lo[:, None] + b_m - band.lo[np.clip(all_rows + a_m, 0, n)]
    for i in range(n + 1):
        k = int(band.hi[i] - band.lo[i]) + 1  # this row's own width: work only on it
        if i == 0:
            e_best = np.full(k, np.inf)
            e_fwd = np.full(k, -np.inf)
            e_best[0], e_fwd[0] = 0.0, 0.0
            e_back = np.full(k, -1, dtype=np.int8)
        else:
            r, c, ok = _index(i - a_m, fwd_off[i], k, best.shape)
            costs = table[i, type_ids, :k].astype(np.float64)
            cand = np.where(ok, best[r, c], np.inf) + costs
            arg = np.argmin(cand, axis=0)
            e_best = cand[arg, np.arange(k)]
            e_back = np.where(np.isfinite(e_best), type_ids[arg], -1).astype(np.int8)
            prev_fwd = np.where(ok, fwd[r, c], -np.inf)
            e_fwd = np.logaddexp.reduce(prev_fwd - costs * inv_t, axis=0)
        row_best = steps[:k] + np.minimum.accumulate(e_best - steps[:k])
        skipped = row_best < e_best - 1e-9  # not just rounding noise of the subtraction
        e_back[skipped] = skip_type
        best[i, :k] = np.where(skipped, row_best, e_best)
        back[i, :k] = e_back
        fwd[i, :k] = -steps[:k] * inv_t + np.logaddexp.accumulate(e_fwd + steps[:k] * inv_t)
    bwd = np.full((n + 1, width), -np.inf)
    for i in range(n, -1, -1):
        k = int(band.hi[i] - band.lo[i]) + 1
        e = np.full(k, -np.inf)
        if i == n and free_end:  # the path may leave anywhere on the last row
            e[:] = 0.0
        elif i == n and band.hi[n] == m:
            e[k - 1] = 0.0
        if i < n:
            r, c, ok = _index(i + a_m, bwd_off[i], k, bwd.shape)
            nxt = np.where(ok, bwd[r, c], -np.inf)
            cost = np.where(ok, table[r, type_ids[:, None], c], np.inf)
            e = np.logaddexp(e, np.logaddexp.reduce(nxt - cost * inv_t, axis=0))
        rev = (k - 1 - np.arange(k, dtype=np.float64)) * skip * inv_t
        bwd[i, :k] = -rev + np.logaddexp.accumulate((e + rev)[::-1])[::-1]
    return back, fwd, bwd, best[n]


def _moving(types: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices, Chinese and English sizes of the bead types that advance a row (not 0-1)."""
    ids = np.array([t for t, (a, _) in enumerate(types) if a > 0], dtype=np.int64)
    sizes = np.array(types, dtype=np.int64).reshape(-1, 2)[ids]
    return ids, sizes[:, 0], sizes[:, 1]


def warm_up() -> None:
    """Load (or, once per install, compile) the compiled passes now rather than mid-alignment."""
    kernel = compiled.kernel("search_kernel")
    if kernel is not None:
        band = full_band(1, 1)
        table = np.zeros((2, 3, 2), dtype=np.float32)
        _compiled_passes(kernel, 1, 1, band, [(0, 1), (1, 0), (1, 1)], table, 0.3, 20.0, False)


def _compiled_passes(
    kernel: ModuleType,
    n: int,
    m: int,
    band: Band,
    types: list[tuple[int, int]],
    table: np.ndarray,
    skip: float,
    inv_t: float,
    free_end: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    ids, a_m, b_m = _moving(types)
    lo, hi = band.lo.astype(np.int64), band.hi.astype(np.int64)
    args = (lo, hi, a_m, b_m, ids, table, float(skip), float(inv_t))
    best, back, fwd = kernel.forward(*args, types.index((0, 1)))
    end = -1 if free_end else (int(hi[n] - lo[n]) if hi[n] == m else table.shape[2] + 1)
    bwd = kernel.backward(*args, end)
    return back, fwd, bwd, best[n]


def search(
    n: int,
    m: int,
    band: Band,
    types: list[tuple[int, int]],
    cost_fn: CostFn,
    skip_tgt: float,
    temperature: float,
    free_end: bool = False,
) -> list[PathBead]:
    """Best monotone path through the band, each bead with its posterior probability.

    The path runs from (0, 0) to (n, m), or with ``free_end`` to any column of row n: a long
    text is searched block by block, and a block's last rows are only a look-ahead.
    """
    table = cost_table(n, band, types, cost_fn, skip_tgt)
    return search_table(n, m, band, types, table, skip_tgt, temperature, free_end)


def search_table(
    n: int,
    m: int,
    band: Band,
    types: list[tuple[int, int]],
    table: np.ndarray,
    skip_tgt: float,
    temperature: float,
    free_end: bool = False,
) -> list[PathBead]:
    """``search`` over a cost table already made (``cost_table``'s layout): the fit of the
    cost's weights (``scripts/fit_cost.py``) decodes the same lattice with many weights."""
    inv_t = 1.0 / temperature
    args = (n, m, band, types, table, skip_tgt, inv_t, free_end)
    back, fwd, bwd, last = compiled.call(
        "search_kernel", n, lambda kernel: _compiled_passes(kernel, *args), lambda: _passes(*args)
    )
    width = int(band.hi[n] - band.lo[n]) + 1
    if free_end:  # leave where the best path is cheapest; weigh all the ways out
        end, total = int(band.lo[n] + np.argmin(last[:width])), np.logaddexp.reduce(fwd[n, :width])
    else:
        end, total = m, fwd[n, m - band.lo[n]]
    return _trace(n, end, band, types, table, back, fwd, bwd, inv_t, total)


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
    total: float,
) -> list[PathBead]:
    path: list[PathBead] = []
    i, j = n, m
    while i or j:
        k = j - band.lo[i]
        t = int(back[i, k])
        if t < 0:
            raise BandTooNarrow(f"no path through the band at ({i}, {j})")
        a, b = types[t]
        i0, j0 = i - a, j - b
        cost = float(table[i, t, k])
        log_p = fwd[i0, j0 - band.lo[i0]] - cost * inv_t + bwd[i, k] - total
        posterior = float(np.exp(min(0.0, log_p)))
        path.append(PathBead(i0, j0, i, j, posterior, cost))
        i, j = i0, j0
    return path[::-1]
