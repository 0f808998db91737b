#!/usr/bin/env python3
"""Fit the aligner's cost weights, temperature and score map; report leave-one-chapter-out F1.

    python scripts/fit_cost.py BENCH_DIR [BENCH_DIR ...] [--settings drafts,offline,...]
                               [--semantic-cache FILE] [--ablate | --calibrate-only] [--write]
                               [--json FILE]

Each BENCH_DIR holds NAME.zh, NAME.en, NAME.gold (and NAME.mt, the MT drafts); directories that
annotate the same chapters (MAC-Dev and MAC-Dev-2021) are passed together, and a chapter is the
unit of cross-validation: its fold leaves out every annotation of it at once.

The cost of a bead is ``Σ_k w_k · feature_k`` (``align.cost.FEATURES``), so the cost of a path
is ``w · Φ(path)`` with Φ the sum of its beads' features. The procedure, per setting (with or
without drafts, with or without sentence vectors):

1. Per document, the features of every bead type in a band of ``HALF`` columns around the gold
   path are tabulated once (``align.driver.bead_features``, the aligner's own code) as its
   first pass sees them (the links the second pass learns are left out of the fit: they
   depend on the weights; the cross-validation below runs both passes).
2. Weights: an averaged structured perceptron with loss-augmented decoding (a margin of
   ``MARGIN`` per bead the gold alignment does not have): for each training document, the
   cheapest path under ``w`` minus the margin is found by the aligner's dynamic programme
   (``align.search.search_table``), and ``w`` moves by ``RATE · (Φ(predicted) - Φ(gold))``.
   The lexical weight is held at -1: it sets the scale of the cost, the temperature the rest.
   ``EPOCHS`` passes over the documents in a fixed shuffled order; the average of all
   iterates is kept.
3. Temperature: the one of ``TEMPERATURES`` whose bead posteriors, as the aligner gives them
   (both passes, whole lattice), have the smallest log loss on the training documents (a
   posterior is the probability that a predicted bead is right).
4. Score map: one temperature sharpens or flattens every posterior alike, and held out, beads
   of middling posterior were right more or less often than it said (off by up to 0.13-0.24
   in the 0.3-0.8 bins). The score is the posterior through a monotone map,
   ``σ(a · ln p − b · ln(1 − p) + c)`` with ``a, b ≥ 0`` (beta calibration,
   ``align.calibration``: Platt scaling on ``logit p`` is the case ``a = b``), fitted by
   logistic regression of "right" on the posteriors of the beads the aligner (with the
   weights and temperature of 2-3) predicts on the training documents. Three numbers fitted
   on a few thousand beads: no held-out data is needed to keep it from overfitting. Tried on
   the same folds (offline, drafts, meaning) and left out: Platt scaling (the case ``a = b``;
   bins further off per annotation in all three), isotonic regression (a step function; worse
   held-out log loss in all three, bins further off per annotation offline and with meaning)
   and the bead's shape (1-1 or not) as an extra input (log loss a little lower in two, bins
   further off offline and with meaning, and the score would no longer rise with the
   posterior across shapes). That choice of form looked at these folds' held-out beads; the
   map's numbers never do.
5. Leave-one-chapter-out: for each of the chapters, 1-4 on the other chapters' documents (both
   annotations), then the real aligner (``align.aligner.align``, both passes, whole lattice)
   aligns the held-out chapter, scored against each annotation by the benchmark's scorer. The
   reliability tables bin these held-out beads, each scored by its own fold's map (which never
   saw its chapter), by fixed-width score bins (0.0-0.1 ... 0.9-1.0) and by equal-count
   deciles: beads, mean score, fraction right, and the worst gap over bins of ``MIN_BIN`` beads
   or more, both annotations pooled and each on its own; the posteriors' tables beside them.
6. ``--ablate``: backward elimination over the eight hand-added cues (``align.cost.CUES``) and
   the shape priors: the same cross-validation without each in turn; the one whose removal
   raises the exact F1 most (on the worse annotation) goes if it raises it on both, until
   every cue left raises the cross-validated F1 on both annotations. The final fit uses those.
7. ``--write``: 1-4 on all documents, written with the procedure, data, date, cross-validated
   F1 and reliability tables into ``align/data/cost_weights.json``, the file the aligner reads.
   ``--stored-features`` refits 1-5 over the features the stored set kept (its ablation
   stands): for a feature computed differently (the sentence vectors, say) or new data.
   ``--calibrate-only`` keeps the stored features, weights and temperature and fits step 4
   alone: the folds' weights are refitted (the perceptron is deterministic; the
   cross-validated F1 must come out as stored, or it stops) for their maps, and the final map
   is fitted with the stored weights on all documents.

Nothing here is set by hand against the benchmark's errors: the hyper-parameters below were
fixed before the first run. The benchmark texts are read at run time only; nothing from them is
stored in this repository (the weights file holds numbers only).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_align import Vectors, find_scorer, score  # noqa: E402

from align import compiled  # noqa: E402
from align.aligner import AlignParams, align, warm_up  # noqa: E402
from align.calibration import IDENTITY, Calibration  # noqa: E402
from align.cost import (  # noqa: E402
    CUES,
    FEATURES,
    BeadFeatures,
    make_cost,  # noqa: E402
)
from align.driver import bead_features, bead_types, search_with_band  # noqa: E402
from align.features import Structure  # noqa: E402
from align.formats.beads import format_bead, read_beads  # noqa: E402
from align.model import Bead  # noqa: E402
from align.passes import resolved  # noqa: E402
from align.relearn import extend, learn_links  # noqa: E402
from align.search import Band, PathBead, _moving, cost_table, full_band, search_table  # noqa: E402
from align.semantic import BlockVectors  # noqa: E402
from align.similarity import Vocab, source_features, target_features  # noqa: E402
from align.weights import SETTINGS, WEIGHTS_FILE, CostWeights, setting, weights_file  # noqa: E402

HALF = 8  # columns either side of the gold path whose beads are tabulated
MIN_BIN = 20  # a reliability bin's gap counts towards the worst from this many beads
MARGIN = 0.1  # loss-augmented decoding: each bead not in the gold path looks this much cheaper
RATE = 0.002  # perceptron step per unit of feature difference
EPOCHS = 10
SEED = 31
TEMPERATURES = tuple(float(t) for t in np.geomspace(0.02, 0.32, 17))
SHAPE = tuple(name for name in FEATURES if name.startswith("shape_"))
Gold = list[tuple[tuple[int, ...], tuple[int, ...]]]


@dataclass(frozen=True)
class Doc:
    chapter: str
    annotation: str  # the benchmark directory's name
    src: list[str]
    tgt: list[str]
    drafts: list[str] | None
    gold: Gold


@dataclass
class Lattice:
    """One document's bead features in a band around its gold path, for one setting."""

    n: int
    m: int
    band: Band
    types: list[tuple[int, int]]
    features: np.ndarray  # (K, n + 1, types, width) float32, 0 where no bead
    ok: np.ndarray  # (n + 1, types, width) bool: a bead exists there
    gold_cells: np.ndarray  # (n + 1, types, width) bool: the gold path's beads
    gold_phi: np.ndarray  # (K,) feature sums of the gold path
    gold: frozenset[tuple[int, int, int, int]]


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def load(benches: list[Path]) -> list[Doc]:
    docs = []
    for bench in benches:
        for gold in sorted(bench.glob("*.gold")):
            name = gold.name[: -len(".gold")]
            mt = bench / f"{name}.mt"
            beads = [(tuple(sorted(s)), tuple(sorted(t))) for s, t in read_beads(gold)]
            docs.append(
                Doc(
                    name,
                    bench.name,
                    read_lines(bench / f"{name}.zh"),
                    read_lines(bench / f"{name}.en"),
                    read_lines(mt) if mt.exists() else None,
                    beads,
                )
            )
    return docs


def gold_path(gold: Gold, n: int, m: int) -> list[PathBead]:
    """The gold beads as a monotone path from (0, 0) to (n, m).

    A few gold beads are not contiguous or cross another one (a sentence inside them belongs to
    a bead of its own): where the walk along the gold beads gets stuck, the beads there are
    merged into one, the nearest bead a monotone aligner can propose.
    """
    groups = [(set(s), set(t)) for s, t in gold]
    while True:
        path, stuck = _walk(groups, n, m)
        if stuck is None:
            return path
        i, j = stuck
        merged = (set[int](), set[int]())
        keep = []
        for g in groups:
            if i in g[0] or j in g[1]:
                merged[0].update(g[0])
                merged[1].update(g[1])
            else:
                keep.append(g)
        hull = (
            set(range(min(merged[0], default=i), max(merged[0], default=i - 1) + 1)),
            set(range(min(merged[1], default=j), max(merged[1], default=j - 1) + 1)),
        )
        groups = [g for g in keep if not (g[0] <= hull[0] and g[1] <= hull[1])]
        groups.append(hull)


def _walk(
    groups: list[tuple[set[int], set[int]]], n: int, m: int
) -> tuple[list[PathBead], tuple[int, int] | None]:
    home_s = {i: g for g in groups for i in g[0]}
    home_t = {j: g for g in groups for j in g[1]}
    path: list[PathBead] = []
    i = j = 0
    while i < n or j < m:
        g = home_s.get(i) if i < n else None
        if g is None or (g[1] and min(g[1]) != j):
            g = home_t.get(j) if j < m else None
        a, b = len(g[0]) if g else 0, len(g[1]) if g else 0
        if (
            g is None
            or (g[0] and (min(g[0]) != i or max(g[0]) != i + a - 1))
            or (g[1] and (min(g[1]) != j or max(g[1]) != j + b - 1))
        ):
            return path, (i, j)
        path.append(PathBead(i, j, i + a, j + b, 1.0, 0.0))
        i, j = i + a, j + b
    return path, None


def band_around(path: list[PathBead], n: int, m: int, half: int) -> Band:
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for p in path:
        lo[p.i0 : p.i1 + 1] = np.minimum(lo[p.i0 : p.i1 + 1], p.j0)
        hi[p.i0 : p.i1 + 1] = np.maximum(hi[p.i0 : p.i1 + 1], p.j1)
    lo, hi = np.clip(lo - half, 0, m), np.clip(hi + half, 0, m)
    lo[0], hi[n] = 0, m
    lo = np.maximum.accumulate(lo)
    hi = np.minimum.accumulate(hi[::-1])[::-1]
    lo[1:] = np.minimum(lo[1:], hi[:-1])
    return Band(lo, np.maximum(hi, lo))


class Setting:
    """Documents, features and sentence vectors of one setting (drafts x meaning)."""

    def __init__(self, drafts: bool, vectors: dict[tuple[str, str], BlockVectors] | None):
        self.drafts, self.vectors = drafts, vectors
        self.name = setting(drafts, vectors is not None)

    def names(self, without: frozenset[str] = frozenset()) -> list[str]:
        out = ["lexical", "length", "merge", "skip_zh", "skip_en", "paragraph", "quote", "turns"]
        out += ["quote_opening", "quote_closing"]
        if self.drafts:
            out += ["name_opening", "word_opening"]
        if self.vectors is not None:
            out += ["meaning", "drop_meaning"]
        out += list(SHAPE)
        return [name for name in out if name not in without]

    def semantic(self, doc: Doc) -> BlockVectors | None:
        return None if self.vectors is None else self.vectors[(doc.annotation, doc.chapter)]

    def lattice(self, doc: Doc, names: list[str]) -> Lattice:
        """Tabulate the features as the aligner's first pass sees them."""
        drafts = doc.drafts if self.drafts else None
        vocab = Vocab()
        sf = source_features(doc.src, drafts, vocab)
        tf = target_features(doc.tgt, vocab)
        structure = Structure.of(doc.src, doc.tgt, semantic=self.semantic(doc), drafts=drafts)
        params = AlignParams(beta=AlignParams().beta_with_drafts if self.drafts else 1.0)
        n, m = len(doc.src), len(doc.tgt)
        gold = gold_path(doc.gold, n, m)
        band = band_around(gold, n, m, HALF)
        types = bead_types(params)
        bf = bead_features(sf, tf, params, band, structure, types)
        tables = [_table(bf, name, n, band, types) for name in names]
        ok = np.isfinite(tables[names.index("merge")])
        features = np.stack([np.where(ok, t, 0.0) for t in tables]).astype(np.float32)
        cells = np.zeros(ok.shape, dtype=bool)
        phi = np.zeros(len(names))
        for p in gold:
            a, b = p.i1 - p.i0, p.j1 - p.j0
            if (a, b) in types and band.lo[p.i1] <= p.j1 <= band.hi[p.i1]:
                cells[p.i1, types.index((a, b)), p.j1 - band.lo[p.i1]] = True
            phi += _bead_phi(bf, names, a, b, p.i1, p.j1)
        keys = frozenset((p.i0, p.j0, p.i1, p.j1) for p in gold)
        return Lattice(n, m, band, types, features, ok, cells, phi, keys)


def _table(
    bf: BeadFeatures, name: str, n: int, band: Band, types: list[tuple[int, int]]
) -> np.ndarray:
    def one(a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return bf(a, b, i, j, [name]).get(name, np.zeros(j.shape))

    return cost_table(n, band, types, one, 1.0 if name == "skip_en" else 0.0)


def _bead_phi(bf: BeadFeatures, names: list[str], a: int, b: int, i: int, j: int) -> np.ndarray:
    if a == 0:
        return np.array([float(name == "skip_en") for name in names])
    got = bf(a, b, np.array([[i]]), np.array([[j]]), names)
    return np.array([float(got[name][0, 0]) if name in got else 0.0 for name in names])


def decode(
    lat: Lattice, w: np.ndarray, skip_en: int, margin: float = 0.0, temperature: float | None = None
) -> list[PathBead]:
    """The cheapest path under ``w`` (minus ``margin`` per bead not in the gold path); with a
    ``temperature``, with the aligner's posteriors (forward-backward, as ``align`` scores)."""
    table = np.tensordot(w.astype(np.float32), lat.features, axes=1)
    if margin:
        table = table - margin * ~lat.gold_cells
    table = np.where(lat.ok, table, np.inf).astype(np.float32)
    skip = float(w[skip_en]) - margin
    if temperature is not None:
        return search_table(lat.n, lat.m, lat.band, lat.types, table, skip, temperature)
    return _viterbi(lat, table, skip)


def _viterbi(lat: Lattice, table: np.ndarray, skip: float) -> list[PathBead]:
    """The best path alone: the compiled forward pass's back-pointers, traced (no posteriors)."""
    ids, a_m, b_m = _moving(lat.types)
    lo, hi = lat.band.lo.astype(np.int64), lat.band.hi.astype(np.int64)
    kernel = compiled.kernel("search_kernel", rows=0)
    assert kernel is not None, "fit_cost needs numba (pip install numba)"
    _, back, _ = kernel.forward(lo, hi, a_m, b_m, ids, table, skip, 1.0, lat.types.index((0, 1)))
    path: list[PathBead] = []
    i, j = lat.n, lat.m
    while i or j:
        t = int(back[i, j - lo[i]])
        a, b = lat.types[t]
        path.append(PathBead(i - a, j - b, i, j, 0.0, 0.0))
        i, j = i - a, j - b
    return path[::-1]


def path_phi(lat: Lattice, path: list[PathBead]) -> np.ndarray:
    out = np.zeros(lat.features.shape[0])
    for p in path:
        t = lat.types.index((p.i1 - p.i0, p.j1 - p.j0))
        out += lat.features[:, p.i1, t, p.j1 - lat.band.lo[p.i1]]
    return out


def fit_weights(lats: list[Lattice], names: list[str]) -> np.ndarray:
    """The averaged structured perceptron of the module docstring (step 2)."""
    lex, skip_en = names.index("lexical"), names.index("skip_en")
    w = np.zeros(len(names))
    w[lex] = -1.0
    total = np.zeros_like(w)
    steps = 0
    order = list(range(len(lats)))
    rng = random.Random(SEED)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for k in order:
            lat = lats[k]
            pred = decode(lat, w, skip_en, MARGIN)
            if {(p.i0, p.j0, p.i1, p.j1) for p in pred} != lat.gold:
                w += RATE * (path_phi(lat, pred) - lat.gold_phi)
                w[lex] = -1.0
            total += w
            steps += 1
    return total / steps


def fit_temperature(sett: Setting, docs: list[Doc], weights: CostWeights) -> float:
    """The temperature of step 3: the least log loss of the posteriors the aligner itself gives
    the beads it predicts on the training documents (both passes, whole lattice: the costs of
    its second pass are tabulated once per document, then scored at each temperature)."""
    tables = [_second_pass_table(sett, doc, weights) for doc in docs]
    best, best_t = np.inf, TEMPERATURES[0]
    for t in TEMPERATURES:
        loss = 0.0
        for doc, (n, m, band, types, table) in zip(docs, tables, strict=True):
            gold = set(doc.gold)
            for p in search_table(n, m, band, types, table, weights["skip_en"], t):
                bead = (tuple(range(p.i0, p.i1)), tuple(range(p.j0, p.j1)))
                q = min(max(round(p.posterior, 4), 1e-4), 1 - 1e-4)
                loss -= np.log(q if bead in gold else 1 - q)
        if loss < best:
            best, best_t = loss, t
    return best_t


def _second_pass_table(
    sett: Setting, doc: Doc, weights: CostWeights
) -> tuple[int, int, Band, list[tuple[int, int]], np.ndarray]:
    """The cost table of the aligner's second pass over a chapter's whole lattice
    (``align.passes.align_texts`` for a text under ``SearchParams.full_limit``)."""
    drafts = doc.drafts if sett.drafts else None
    vocab = Vocab()
    sf = source_features(doc.src, drafts, vocab)
    tf = target_features(doc.tgt, vocab)
    structure = Structure.of(doc.src, doc.tgt, semantic=sett.semantic(doc), drafts=drafts)
    params = resolved(AlignParams(weights=weights), sett.drafts, sett.vectors is not None)
    n, m = len(doc.src), len(doc.tgt)
    assert (n + 1) * (m + 1) <= params.search.full_limit, "a chapter, not a book"
    path = search_with_band(sf, tf, params, structure)
    sf = extend(sf, learn_links(sf, tf, path))
    band, types = full_band(n, m), bead_types(params)
    cost = make_cost(bead_features(sf, tf, params, band, structure, types), weights)
    return n, m, band, types, cost_table(n, band, types, cost, weights["skip_en"])


def as_weights(names: list[str], w: np.ndarray, temperature: float) -> CostWeights:
    return CostWeights(MappingProxyType(dict(zip(names, map(float, w), strict=True))), temperature)


def fit(
    sett: Setting,
    docs: list[Doc],
    names: list[str],
    cache: dict[Any, Lattice],
    temperature: bool = True,
) -> CostWeights:
    """Steps 1-4 on ``docs`` (without steps 3-4 the temperature and the score map are
    placeholders: the ablations compare F1, which the best path alone decides on a chapter's
    whole lattice)."""
    lats = [_lattice(sett, d, names, cache) for d in docs]
    weights = as_weights(names, fit_weights(lats, names), 0.05)
    if temperature:
        weights = replace(weights, temperature=fit_temperature(sett, docs, weights))
        weights = replace(weights, calibration=fit_calibration(sett, docs, weights))
    return weights


def fit_calibration(sett: Setting, docs: list[Doc], weights: CostWeights) -> Calibration:
    """The score map of step 4: beta calibration of the posteriors the aligner gives the beads
    it predicts on the training documents (``align.calibration``)."""
    beads = [b for doc in docs for b in _aligned(sett, doc, weights)[1]]
    return Calibration.fit([b.posterior for b in beads], [b.right for b in beads])


def _lattice(sett: Setting, doc: Doc, names: list[str], cache: dict[Any, Lattice]) -> Lattice:
    """The document's lattice over all the setting's features, once; a subset is a view."""
    key = (doc.annotation, doc.chapter)
    if key not in cache:
        cache[key] = sett.lattice(doc, sett.names())
    full = cache[key]
    every = sett.names()
    pick = [every.index(name) for name in names]
    return replace(full, features=full.features[pick], gold_phi=full.gold_phi[pick])


@dataclass
class CV:
    """Leave-one-chapter-out results of one feature list in one setting."""

    f1: dict[str, dict[str, Any]]  # annotation -> the scorer's result
    scores: list[Scored]  # every held-out bead: posterior, score (its fold's map), right or not
    weights: dict[str, CostWeights]  # chapter -> the weights fitted without it
    seconds: float


def cross_validate(
    sett: Setting,
    docs: list[Doc],
    names: list[str],
    benches: list[Path],
    cache: dict[Any, Lattice],
    temperature: bool = True,
) -> CV:
    started = time.perf_counter()
    chapters = sorted({d.chapter for d in docs})
    scores: list[Scored] = []
    folds: dict[str, CostWeights] = {}
    with tempfile.TemporaryDirectory(prefix="bitext-fit-") as tmp:
        for chapter in chapters:
            weights = fit(
                sett, [d for d in docs if d.chapter != chapter], names, cache, temperature
            )
            folds[chapter] = weights
            for doc in (d for d in docs if d.chapter == chapter):
                scores += _align_held_out(sett, doc, weights, Path(tmp))
        f1 = {}
        for bench in benches:
            f1[bench.name] = score(bench, Path(tmp) / bench.name, find_scorer(bench, None))
    return CV(f1, scores, folds, time.perf_counter() - started)


def _align_held_out(sett: Setting, doc: Doc, weights: CostWeights, out: Path) -> list[Scored]:
    beads, scores = _aligned(sett, doc, weights)
    folder = out / doc.annotation
    folder.mkdir(parents=True, exist_ok=True)
    text = "".join(format_bead(b) + "\n" for b in beads)
    (folder / f"{doc.chapter}.align").write_text(text, encoding="utf-8")
    return scores


@dataclass(frozen=True)
class Scored:
    """One bead the aligner predicted: its posterior, its score through its weights' map,
    whether the annotation has it, and the annotation it is scored against."""

    posterior: float
    score: float
    right: bool
    annotation: str


def _aligned(sett: Setting, doc: Doc, weights: CostWeights) -> tuple[list[Bead], list[Scored]]:
    """The aligner's beads for ``doc``, and each one's posterior, score and whether it is a
    gold bead (aligned with the identity map, so that the posterior is the aligner's own)."""
    drafts = doc.drafts if sett.drafts else None
    params = AlignParams(weights=replace(weights, calibration=IDENTITY))
    beads = align(doc.src, doc.tgt, drafts=drafts, semantic=sett.semantic(doc), params=params)
    gold = set(doc.gold)
    calibrated = weights.calibration
    return beads, [
        Scored(
            b.score,
            round(calibrated(b.score), 4),
            (tuple(sorted(b.source)), tuple(sorted(b.target))) in gold,
            doc.annotation,
        )
        for b in beads
    ]


def reliability(scores: list[tuple[float, bool]]) -> dict[str, Any]:
    """Fixed-width score bins (0.0-0.1 ... 0.9-1.0) and equal-count deciles: beads, mean score,
    fraction right; and the worst gap between the two over bins of ``MIN_BIN`` beads or more."""
    s = np.array([score for score, _ in scores], dtype=float)
    r = np.array([right for _, right in scores], dtype=float)
    bins = np.minimum((s * 10).astype(np.int64), 9)
    fixed = [(k / 10, np.flatnonzero(bins == k)) for k in range(10)]
    order = np.argsort(s, kind="stable")
    deciles = [(float(s[part[0]]), part) for part in np.array_split(order, 10) if len(part)]
    out: dict[str, Any] = {}
    for label, parts in (("fixed", fixed), ("deciles", deciles)):
        rows = [
            {"from": lo, "beads": len(idx), "score": float(s[idx].mean()), "right": r[idx].mean()}
            for lo, idx in parts
            if len(idx)
        ]
        gaps = [abs(row["score"] - row["right"]) for row in rows if row["beads"] >= MIN_BIN]
        out[label] = rows
        out[f"worst_{label}"] = max(gaps, default=0.0)
    return out


def reliabilities(scores: list[Scored], calibrated: bool) -> dict[str, Any]:
    """``reliability`` of all held-out beads (both annotations pooled) and of each annotation."""

    def table(beads: list[Scored]) -> dict[str, Any]:
        return reliability([(b.score if calibrated else b.posterior, b.right) for b in beads])

    out = table(scores)
    out["by_annotation"] = {
        ann: table([b for b in scores if b.annotation == ann])
        for ann in sorted({b.annotation for b in scores})
    }
    return out


def report(label: str, cv: CV) -> None:
    parts = []
    for name, result in cv.f1.items():
        per_doc = [doc["f1_exact"] for doc in result["per_doc"].values()]
        parts.append(
            f"{name} strict {result['f1_strict']:.4f} lax {result['f1_lax']:.4f} exact "
            f"{result['f1_exact']:.4f} (chapters {min(per_doc):.3f}–{max(per_doc):.3f})"
        )
    print(f"  {label}: " + "; ".join(parts) + f"   [{cv.seconds:.0f} s]", flush=True)


def print_reliability(label: str, table: dict[str, Any]) -> None:
    """One reliability table: fixed-width bins beside equal-count deciles, then the worst gaps
    (bins of ``MIN_BIN`` beads or more), pooled and per annotation."""
    print(f"  reliability of the held-out beads' {label}: beads, mean score, fraction right")
    print(f"    {'fixed bins':33s}  equal-count deciles (from)")
    fixed = [_row(r, f"{r['from']:.1f}-{r['from'] + 0.1:.1f}") for r in table["fixed"]]
    deciles = [_row(r, f"{r['from']:.3f}") for r in table["deciles"]]
    for left, right in itertools.zip_longest(fixed, deciles, fillvalue=""):
        print(f"    {left:33s}  {right}")
    worst = [f"pooled {table['worst_fixed']:.3f}/{table['worst_deciles']:.3f}"]
    worst += [
        f"{ann} {t['worst_fixed']:.3f}/{t['worst_deciles']:.3f}"
        for ann, t in table["by_annotation"].items()
    ]
    print(f"    worst gap (bins/deciles of {MIN_BIN}+ beads): " + "; ".join(worst), flush=True)


def _row(row: dict[str, float], label: str) -> str:
    gap = abs(row["score"] - row["right"])
    mark = " *" if gap > 0.1 and row["beads"] >= MIN_BIN else ""
    return f"{label:>9s} {row['beads']:5d} {row['score']:.3f} {row['right']:.3f}{mark}"


def exact(cv: CV) -> dict[str, float]:
    return {name: result["f1_exact"] for name, result in cv.f1.items()}


def select(
    sett: Setting, docs: list[Doc], benches: list[Path], cache: dict[Any, Lattice], base: CV
) -> tuple[frozenset[str], dict[str, Any]]:
    """Step 6, backward elimination: without each remaining cue (and without the shape priors)
    in turn; the one whose removal raises the cross-validated exact F1 most on the worse of the
    two annotations goes, if it raises it on both; repeat until every cue left earns its keep.
    A cue that is 0 on every document (paragraphs, on a benchmark without them) goes first."""
    full = sett.names()
    dropped = {name for name in CUES if name in full and _silent(sett, docs, name, cache)}
    groups = {cue: frozenset((cue,)) for cue in CUES if cue in full and cue not in dropped}
    groups["shape"] = frozenset(SHAPE)
    table: dict[str, Any] = {"silent": sorted(dropped), "rounds": []}
    current = base
    while groups:
        trials = {}
        for label, group in groups.items():
            names = [n for n in full if n not in dropped | group]
            cv = cross_validate(sett, docs, names, benches, cache, False)
            report(
                f"without {label}" + (f" (and {', '.join(sorted(dropped))})" if dropped else ""), cv
            )
            trials[label] = (cv, {k: v - exact(current)[k] for k, v in exact(cv).items()})
        table["rounds"].append({k: g for k, (_, g) in trials.items()})
        label, (cv, gains) = max(trials.items(), key=lambda item: min(item[1][1].values()))
        if min(gains.values()) <= 0:
            break
        print(f"  -> {label} goes", flush=True)
        dropped |= groups.pop(label)
        current = cv
    table["kept"] = sorted(groups)
    return frozenset(dropped), table


def _silent(sett: Setting, docs: list[Doc], name: str, cache: dict[Any, Lattice]) -> bool:
    return all(not _lattice(sett, d, [name], cache).features.any() for d in docs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench", nargs="+", type=Path)
    ap.add_argument("--settings", default="drafts,offline", help=f"of {', '.join(SETTINGS)}")
    ap.add_argument("--semantic-cache", type=Path, default=None, help="SQLite vector cache")
    ap.add_argument("--ablate", action="store_true", help="drop cues that do not earn their keep")
    ap.add_argument("--write", action="store_true", help=f"write {WEIGHTS_FILE}")
    ap.add_argument(
        "--calibrate-only",
        action="store_true",
        help="keep the stored weights and temperature; fit (and with --write store) the score map",
    )
    ap.add_argument(
        "--stored-features",
        action="store_true",
        help="refit over the features the stored set kept (its ablation stands): for new data "
        "or a feature computed differently",
    )
    ap.add_argument("--json", type=Path, default=None, help="write the full report here")
    ap.add_argument("--epochs", type=int, default=EPOCHS, help="perceptron passes")
    ap.add_argument("--rate", type=float, default=RATE, help="perceptron step")
    ap.add_argument("--margin", type=float, default=MARGIN, help="loss-augmented margin")
    args = ap.parse_args(argv)
    _set_hyper(args.epochs, args.rate, args.margin)
    if args.ablate and (args.calibrate_only or args.stored_features):
        ap.error("--calibrate-only and --stored-features keep the stored features; drop --ablate")
    wanted = args.settings.split(",")
    if unknown := set(wanted) - set(SETTINGS):
        ap.error(f"unknown settings {sorted(unknown)}; give some of {', '.join(SETTINGS)}")
    warm_up()  # the compiled passes, for every lattice however short (same bits as numpy's)
    docs = load(args.bench)
    if not docs:
        ap.error("no *.gold files in the benchmark directories")
    out: dict[str, Any] = {}
    vectors: dict[bool, dict[tuple[str, str], BlockVectors]] = {}
    for name in wanted:
        drafts, meaning = name.startswith("drafts"), name.endswith("meaning")
        if meaning and drafts not in vectors:
            vectors[drafts] = encode(docs, drafts, args.semantic_cache)
        out[name] = run_setting(Setting(drafts, vectors[drafts] if meaning else None), docs, args)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, sort_keys=True), encoding="utf-8")
    if args.write:
        write_weights(out, args.bench, args.calibrate_only)
    return 0


def _set_hyper(epochs: int, rate: float, margin: float) -> None:
    global EPOCHS, RATE, MARGIN
    EPOCHS, RATE, MARGIN = epochs, rate, margin


def encode(
    docs: list[Doc], drafts: bool, cache: Path | None
) -> dict[tuple[str, str], BlockVectors]:
    vec = Vectors(cache)
    return {
        (d.annotation, d.chapter): vec(d.src, d.tgt, d.drafts if drafts else None) for d in docs
    }


def run_setting(sett: Setting, docs: list[Doc], args: argparse.Namespace) -> dict[str, Any]:
    print(f"{sett.name}:", flush=True)
    cache: dict[Any, Lattice] = {}
    if args.calibrate_only:
        return calibrate_only(sett, docs, args.bench, cache)
    dropped: frozenset[str] = frozenset()
    if args.stored_features:
        dropped = frozenset(weights_file()["sets"][sett.name]["features_dropped_by_ablation"])
    base = cross_validate(sett, docs, sett.names(dropped), args.bench, cache, not args.ablate)
    report("stored features" if args.stored_features else "all features", base)
    result: dict[str, Any] = {"all_features": {"f1": exact(base)}}
    final = base
    if args.ablate:
        dropped, result["ablation"] = select(sett, docs, args.bench, cache, base)
        final = cross_validate(sett, docs, sett.names(dropped), args.bench, cache)
        report(f"kept features (without {', '.join(sorted(dropped)) or 'none'})", final)
    names = sett.names(dropped)
    started = time.perf_counter()
    weights = fit(sett, docs, names, cache)
    print(f"  fitted on all documents in {time.perf_counter() - started:.0f} s", flush=True)
    result.update(features=names, dropped=sorted(dropped))
    return result | _fit_result(final, weights)


def calibrate_only(
    sett: Setting, docs: list[Doc], benches: list[Path], cache: dict[Any, Lattice]
) -> dict[str, Any]:
    """``--calibrate-only``: step 4 for the stored weights, which stay as they are. The folds'
    weights are refitted (the perceptron is deterministic) to fit each fold's map on its own
    training chapters; if their cross-validated F1 is not the stored one, the data or the code
    moved since the weights were fitted (the sentence vectors, say): it is said and recorded,
    and the map is fitted all the same."""
    stored = weights_file()["sets"][sett.name]
    dropped = frozenset(stored["features_dropped_by_ablation"])
    names = sett.names(dropped)
    final = cross_validate(sett, docs, names, benches, cache)
    report(f"stored features (without {', '.join(sorted(dropped)) or 'none'})", final)
    was = {ann: stored["cv_f1"][ann]["f1_exact"] for ann in exact(final)}
    moved = {ann: f1 for ann, f1 in exact(final).items() if abs(f1 - was[ann]) > 1e-9}
    if moved:
        print(
            "  note: the folds' refitted weights give exact F1 "
            + ", ".join(f"{ann} {f1:.4f} (stored {was[ann]:.4f})" for ann, f1 in moved.items())
            + "; the stored weights are kept: refit them (without --calibrate-only) to agree",
            flush=True,
        )
    weights = replace(CostWeights.of(stored), calibration=IDENTITY)
    weights = replace(weights, calibration=fit_calibration(sett, docs, weights))
    result = {"features": names, "dropped": sorted(dropped)} | _fit_result(final, weights)
    return result | {"cv": stored["cv_f1"], "calibration_folds_f1_exact": exact(final)}


def _fit_result(final: CV, weights: CostWeights) -> dict[str, Any]:
    """The reliability tables (before and after the map), and what the weights file keeps."""
    before = reliabilities(final.scores, calibrated=False)
    after = reliabilities(final.scores, calibrated=True)
    print_reliability("posteriors (before the map)", before)
    print_reliability("scores (each fold's map)", after)
    print(
        f"  T = {weights.temperature:.4f}; score map a = {weights.calibration.a:.3f}, "
        f"b = {weights.calibration.b:.3f}, c = {weights.calibration.c:.3f}",
        flush=True,
    )
    return {
        "cv": {
            k: {
                "f1_strict": v["f1_strict"],
                "f1_lax": v["f1_lax"],
                "f1_exact": v["f1_exact"],
                "per_chapter_exact": {d: r["f1_exact"] for d, r in v["per_doc"].items()},
            }
            for k, v in final.f1.items()
        },
        "reliability": after,
        "reliability_posterior": before,
        "weights": dict(weights.weights),
        "temperature": weights.temperature,
        "calibration": weights.calibration.as_dict(),
        "seconds": round(final.seconds, 1),
    }


def write_weights(out: dict[str, Any], benches: list[Path], calibrate_only: bool = False) -> None:
    path = Path(__file__).resolve().parent.parent / "align" / WEIGHTS_FILE
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"sets": {}}
    sets = dict(old.get("sets", {}))
    old_sets = dict(sets)
    today = datetime.date.today().isoformat()
    for name, result in out.items():
        sets[name] = {
            "weights": result["weights"],
            "temperature": result["temperature"],
            "calibration": result["calibration"],
            "features_dropped_by_ablation": result["dropped"],
            "cv_f1": result["cv"],
            "reliability": result["reliability"],
            "reliability_posterior": result["reliability_posterior"],
            "fitted": old_sets.get(name, {}).get("fitted", today) if calibrate_only else today,
            "data": [b.name for b in benches],
        }
        if calibrate_only:
            sets[name]["calibrated"] = today
            sets[name]["calibration_folds_f1_exact"] = result["calibration_folds_f1_exact"]
    doc = {
        "procedure": "scripts/fit_cost.py (module docstring): averaged structured perceptron "
        f"with loss-augmented decoding (margin {MARGIN}, rate {RATE}, {EPOCHS} epochs, seed "
        f"{SEED}, band ±{HALF} around gold), lexical weight fixed at -1, temperature by log "
        "loss, then the score map (align/calibration.py: beta calibration of the posteriors, "
        "score = sigmoid(a ln p - b ln(1-p) + c), a, b >= 0) by logistic regression on the "
        "aligner's beads of the training documents; cv_f1 is leave-one-chapter-out exact F1 (a "
        "fold leaves out both annotations of a chapter), scored against each annotation; "
        "reliability is of the held-out beads, each scored by its fold's map (fitted without "
        "its chapter), reliability_posterior the same beads' posteriors: fixed-width bins and "
        "equal-count deciles (from: the bin's lowest score), worst gaps over bins of "
        f"{MIN_BIN}+ beads, pooled and by annotation; --calibrate-only refits the map alone",
        "command": "python scripts/fit_cost.py BENCH/mac-dev BENCH/mac-dev-2021 --ablate "
        "--write --settings ... [--semantic-cache FILE] (the map alone: --calibrate-only "
        "--write instead of --ablate --write; the weights over the kept features: "
        "--stored-features --write)",
        "sets": {k: _stored(sets[k]) for k in sorted(sets)},
    }
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def _stored(one: dict[str, Any]) -> dict[str, Any]:
    """A set as the weights file keeps it: the reliability tables' numbers to 4 decimals (the
    weights, temperature and map in full), and of each annotation's tables only the worst gaps
    (the whole tables are in ``--json``'s report)."""
    out = dict(one)
    for key in ("reliability", "reliability_posterior"):
        if not isinstance(out.get(key), dict):  # a set fitted before the map: as it was
            continue
        by = {
            ann: {k: v for k, v in t.items() if k.startswith("worst_")}
            for ann, t in out[key].get("by_annotation", {}).items()
        }
        out[key] = _compact(out[key] | {"by_annotation": by})
    return out


def _compact(value: Any) -> Any:
    """Numbers to 4 decimals: the weights file keeps the tables readable."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
