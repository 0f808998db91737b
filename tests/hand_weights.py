"""The hand-set weights of the aligner before the fit (session 16), in the declared form.

Tests of a feature's *mechanics* (a cue moves a loose sentence when its weight is on) use these
fixed weights, so they do not change each time ``scripts/fit_cost.py`` refits the shipped set.
"""

from __future__ import annotations

from types import MappingProxyType

from align.weights import CostWeights

_BASE = {
    "lexical": -1.0,
    "merge": 0.12,
    "skip_zh": 0.3,
    "skip_en": 0.3,
    "quote": 0.1,
    "turns": 0.08,
    "paragraph": 1.0,
    "quote_opening": -0.04,
    "name_opening": -0.08,
    "word_opening": -0.03,
    "quote_closing": -0.1,
}
# meaning: -0.6 · (cosine - 0.1) per bead and 0.6 · (cosine - 0.35) per dropped sentence; a
# constant per bead is the same as prices on merges and skips (beads = (n + m - skips - merges)/2)
_MEANING = {"meaning": -0.6, "drop_meaning": 0.6, "merge": 0.09, "skip_en": 0.27, "skip_zh": 0.06}


def hand(drafts: bool, meaning: bool = False) -> CostWeights:
    weights = dict(_BASE, length=0.5 if drafts else 0.3)
    if meaning:
        weights.update(_MEANING)
    return CostWeights(MappingProxyType(weights), 0.065 if meaning else 0.05)
