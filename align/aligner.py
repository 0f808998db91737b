"""Sentence alignment: monotone n:m beads between a source and a target sentence list.

First version: Gale–Church length cost (characters, with the zh→en length ratio estimated from
the texts themselves) in a full dynamic programme over 0-1, 1-0, 1-1, 1-2, 2-1 and 2-2 beads.
"""

from __future__ import annotations

import math

from align.model import Bead, BeadOrigin

_MOVES = {(1, 1): 0.0, (1, 2): 2.3, (2, 1): 2.3, (2, 2): 4.0, (1, 0): 4.5, (0, 1): 4.5}
_VARIANCE = 6.8


def align(src: list[str], tgt: list[str], *, drafts: list[str] | None = None) -> list[Bead]:
    """Align ``src`` (Chinese) to ``tgt`` (English) sentences; ``drafts`` are unused here."""
    if not src and not tgt:
        return []
    ratio = (sum(map(len, tgt)) or 1) / (sum(map(len, src)) or 1)
    n, m = len(src), len(tgt)
    inf = math.inf
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for (di, dj), penalty in _MOVES.items():
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                ls = sum(len(s) for s in src[i:ni]) * ratio
                lt = sum(len(t) for t in tgt[j:nj])
                c = cost[i][j] + penalty + _length_cost(ls, lt)
                if c < cost[ni][nj]:
                    cost[ni][nj] = c
                    back[ni][nj] = (di, dj)
    beads: list[Bead] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        step = cost[i][j] - cost[i - di][j - dj]
        beads.append(
            Bead(
                source=tuple(range(i - di, i)),
                target=tuple(range(j - dj, j)),
                score=round(math.exp(-step / 4), 4),
                origin=BeadOrigin.HUMAN,
            )
        )
        i, j = i - di, j - dj
    return beads[::-1]


def _length_cost(ls: float, lt: float) -> float:
    if ls == 0 and lt == 0:
        return 0.0
    mean = (ls + lt) / 2
    delta = (lt - ls) / math.sqrt(max(mean, 1.0) * _VARIANCE)
    return delta * delta / 2
