"""The bead cost: one weight vector times a list of named features of the bead.

A candidate bead joins Chinese sentences ``i-a .. i-1`` with English sentences ``j-b .. j-1``.
Its cost is ``Σ_k weight_k · feature_k(bead)``, with the features below (``FEATURES``), each
computed in exactly one place (``BeadFeatures``), and one weight per feature, fitted by
``scripts/fit_cost.py`` and read from ``align/data/cost_weights.json`` (``align.weights``). A
feature whose evidence is missing (no drafts, no vectors, no paragraphs) is 0 everywhere. The
sign of a weight says whether a feature rewards (negative) or prices (positive) a bead.

What stays fixed is the *shape* of each feature: β of the F-measure, the mass exponent γ, the
length smoothing and the drop reach (``AlignParams``). The weights only scale them, so the cost
of a path is linear in the weights and a path's feature sums are all the fit needs.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from align.features import Structure
from align.params import AlignParams
from align.search import CostFn
from align.similarity import SideFeatures
from align.weights import CostWeights

FEATURES: dict[str, str] = {
    "lexical": "F-measure of the bead's weighted unit overlap, times its mean mass^γ",
    "length": "squared log ratio of English to expected English characters",
    "merge": "sentences merged into the bead beyond one per side (a + b - 2)",
    "skip_zh": "1 for a Chinese sentence left untranslated (a 1-0 bead)",
    "skip_en": "1 for an English sentence with no Chinese (a 0-1 bead)",
    "paragraph": "the bead straddles a paragraph break on one side only (edges count half)",
    "quote": "the bead's end lies inside a quotation on one side only",
    "turns": "lines of dialogue on one side of the bead without a counterpart",
    "quote_opening": "both sides' first sentences open with a quotation",
    "name_opening": "both first sentences open with a name (Chinese: its MT draft)",
    "word_opening": "the first MT draft and English sentence open with the same word",
    "quote_closing": "both sides' last sentences close a quotation",
    "meaning": "centred cosine of the two sides' sentence vectors",
    "drop_meaning": "a dropped sentence's best centred cosine with the English around it",
}
# bead types beyond 1-1 whose own count is a feature (``shape_2_2`` ...): the prior of each type
SHAPES: tuple[tuple[int, int], ...] = ((1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (4, 1), (2, 2))
SHAPES += ((2, 3), (3, 2), (1, 5), (1, 6), (2, 4), (3, 3))
for _a, _b in SHAPES:
    FEATURES[f"shape_{_a}_{_b}"] = f"1 for a {_a}-{_b} bead"
CUES: tuple[str, ...] = ("paragraph", "quote", "turns", "quote_opening", "name_opening")
CUES += ("word_opening", "quote_closing", "drop_meaning")  # the eight hand-added cues


class BeadFeatures:
    """Every feature of the beads of one text (or window of it), vectorised over bead ends."""

    def __init__(
        self,
        sf: SideFeatures,
        tf: SideFeatures,
        params: AlignParams,
        coverage: tuple[np.ndarray, np.ndarray, np.ndarray],
        structure: Structure,
    ) -> None:
        cs, ct, self.plo = coverage
        self.width = cs.shape[1]
        self.pcs = np.zeros((cs.shape[0], self.width + 1))
        self.pct = np.zeros_like(self.pcs)
        np.cumsum(cs, axis=1, out=self.pcs[:, 1:])
        np.cumsum(ct, axis=1, out=self.pct[:, 1:])
        self.ws = np.concatenate([[0.0], np.cumsum(sf.weight)])
        self.wt = np.concatenate([[0.0], np.cumsum(tf.weight)])
        self.ls = np.concatenate([[0.0], np.cumsum(sf.length)])
        self.lt = np.concatenate([[0.0], np.cumsum(tf.length)])
        self.ratio = structure.ratio or (self.lt[-1] + 1.0) / (self.ls[-1] + 1.0)
        self.params, self.structure = params, structure
        self.edges = {  # name -> (keys per sentence on each side, whether first sentences)
            name: (side, first)
            for name, side, first in (
                ("quote_opening", structure.quote_opens, True),
                ("name_opening", structure.name_opens, True),
                ("word_opening", structure.word_opens, True),
                ("quote_closing", structure.quote_closes, False),
            )
            if side is not None
        }

    def available(self) -> set[str]:
        """Features that can be non-zero for this text (the rest are 0 everywhere)."""
        names = {"lexical", "length", "merge", "skip_zh", "skip_en", "quote", "turns"}
        names |= {name for name in FEATURES if name.startswith("shape_")} | set(self.edges)
        if self.structure.paras is not None:
            names.add("paragraph")
        if self.structure.semantic is not None:
            names |= {"meaning", "drop_meaning"}
        return names

    def __call__(
        self, a: int, b: int, i: np.ndarray, j: np.ndarray, names: Iterable[str]
    ) -> dict[str, np.ndarray]:
        """The named features of the beads (i-a..i) x (j-b..j): ``i`` a column of rows, ``j`` a
        matrix of columns; 0-1 beads are the search's flat ``skip_en`` step, not asked here."""
        out: dict[str, np.ndarray] = {}
        for name in names:
            value = self._one(name, a, b, i, j)
            if value is not None:
                out[name] = value
        return out

    def _one(self, name: str, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray | None:
        if b == 0:  # a dropped Chinese sentence: a flat price, and how unlike its neighbours
            if name == "skip_zh":
                return np.ones(j.shape)
            semantic = self.structure.semantic
            if name == "drop_meaning" and semantic is not None:
                return semantic.dropped(i, j, self.params.drop_reach)
            return None
        if name == "lexical":
            return self._lexical(a, b, i, j)
        if name == "length":
            len_src = self.ratio * (self.ls[i] - self.ls[i - a]) + self.params.length_smooth
            len_tgt = self.lt[j] - self.lt[j - b] + self.params.length_smooth
            return np.log(len_tgt / len_src) ** 2
        if name == "merge":
            return np.full(j.shape, float(a + b - 2))
        if name.startswith("shape_"):
            return np.ones(j.shape) if name == f"shape_{a}_{b}" else None
        return self._structural(name, a, b, i, j)

    def _lexical(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        csum = np.zeros(j.shape)
        tsum = np.zeros(j.shape)
        for d in range(1, a + 1):
            r = i - d
            hi_idx = np.clip(j - self.plo[r], 0, self.width)
            lo_idx = np.clip(j - b - self.plo[r], 0, self.width)
            csum += self.pcs[r, hi_idx] - self.pcs[r, lo_idx]
            tsum += self.pct[r, hi_idx] - self.pct[r, lo_idx]
        w_src = self.ws[i] - self.ws[i - a]
        w_tgt = self.wt[j] - self.wt[j - b]
        recall = np.minimum(csum, w_src) / np.maximum(w_src, 1e-9)
        precision = np.minimum(tsum, w_tgt) / np.maximum(w_tgt, 1e-9)
        beta2 = self.params.beta**2
        f1 = (1 + beta2) * precision * recall / np.maximum(beta2 * precision + recall, 1e-9)
        mass = np.maximum((w_src + w_tgt) / 2.0, self.params.mass_floor)
        return f1 * mass**self.params.mass_power

    def _structural(
        self, name: str, a: int, b: int, i: np.ndarray, j: np.ndarray
    ) -> np.ndarray | None:
        s = self.structure
        if name == "quote":
            return np.abs(s.quotes[0][i] - s.quotes[1][j]) + np.zeros(j.shape)
        if name == "turns":
            t_src, t_tgt = s.turns
            return np.abs((t_src[i] - t_src[i - a]) - (t_tgt[j] - t_tgt[j - b])) + 0.0
        if name == "paragraph" and s.paras is not None:
            return paragraph_disagreement(s.paras, a, b, i, j)
        if name == "meaning" and s.semantic is not None:
            return s.semantic.cosine(a, b, i, j)
        if name in self.edges:
            (zh_keys, en_keys), first = self.edges[name]
            zh_at, en_at = (i - a, j - b) if first else (i - 1, j - 1)
            return (zh_keys[zh_at] == en_keys[en_at]).astype(np.float64) + np.zeros(j.shape)
        return None


def make_cost(features: BeadFeatures, weights: CostWeights) -> CostFn:
    """The search's cost function: ``Σ weight · feature`` over the features with a weight."""
    names = [name for name in features.available() if weights[name]]
    hard = features.structure.hard_paragraphs and features.structure.paras is not None

    def cost(a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Vectorised over bead ends: ``i`` is a column of rows, ``j`` a matrix of columns."""
        out = np.zeros(j.shape)
        for name, value in features(a, b, i, j, names).items():
            out += weights[name] * value
        if hard and b:  # ``hard_paragraphs``: a bead that disagrees is not allowed at all
            paras = features.structure.paras
            assert paras is not None
            out[paragraph_disagreement(paras, a, b, i, j) > 0] = np.inf
        return out

    return cost


def paragraph_disagreement(
    paras: tuple[np.ndarray, np.ndarray], a: int, b: int, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """How much a bead's ends or insides disagree about paragraph breaks (edges count half)."""
    src_breaks, tgt_breaks = paras
    src_cum = np.concatenate([[0.0], np.cumsum(src_breaks)])
    tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_breaks)])
    inner_s = src_cum[i] - src_cum[i - a + 1] if a > 1 else np.zeros_like(i, dtype=float)
    inner_t = tgt_cum[j] - tgt_cum[j - b + 1] if b > 1 else np.zeros_like(j, dtype=float)
    straddle = (inner_s > 0) != (inner_t > 0)
    edges = np.abs(src_breaks[i] - tgt_breaks[j]) + np.abs(src_breaks[i - a] - tgt_breaks[j - b])
    return straddle + 0.5 * edges
