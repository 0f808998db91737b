"""Sentence alignment: monotone n:m beads between Chinese sentences and an English translation.

The method, and where each part lives:

* **Features** (``align.similarity``, ``align.features``): each sentence becomes a bag of
  weighted units (CC-CEDICT words and anchors, with drafts the draft's words; English content
  stems), and each text gets its structural evidence (paragraph breaks, quotations, lines of
  dialogue, sentence-edge keys) and, optionally, sentence vectors (``align.semantic``).
* **Cost** (``align.cost``): a candidate bead (up to 4-1/1-6, 2-2, 2-3, 3-2, 2-4, 3-3, plus 1-0
  and 0-1) costs ``Σ_k w_k · feature_k(bead)`` over a declared list of named features (lexical
  F-measure · mass^γ, length, merges, skips, meaning, the structural cues, bead shapes). The
  weights and the temperature are fitted by ``scripts/fit_cost.py`` with leave-one-chapter-out
  cross-validation and read from ``align/data/cost_weights.json`` (``align.weights``), one set
  per setting: with or without MT drafts, with or without sentence vectors.
* **Search** (``align.search``, ``align.driver``): the cheapest monotone path through the
  lattice by dynamic programming; short texts use the whole lattice. Longer ones first link
  sentences that share rare units and keep the heaviest monotone chain of links as anchors
  (``align.band``); a band around that chain is searched in blocks with a look-ahead, widened
  and re-run if the best path runs along its edge (``SearchParams``). Every stage is linear in
  the length of the text, and memory follows a block, not the book.
* **Passes** (``align.passes``, ``align.relearn``): Chinese-side units and English words left
  unexplained in the same beads of the first alignment, far more often than chance, become
  extra translation links (the translator's renamings), and the text is aligned again — a long
  text only in windows of the first path where a learnt word meets a nearby English sentence.
* **Scores**: the posterior probability of each bead under ``exp(-cost / T)`` over all
  alignments in the band (forward–backward), through a monotone map fitted with the weights
  (``align.calibration``: T sets the posterior's sharpness, the map bends it) so that the
  scores are calibrated on held-out chapters (a bead scored 0.8 is right about 80% of the
  time).

The history of each signal's effect on MAC-Dev is in CHANGELOG.md.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator, Sequence

from align.calibration import IDENTITY
from align.errors import InputError
from align.features import Structure, paragraph_breaks
from align.model import Bead, BeadOrigin, Segment
from align.params import AlignParams, SearchParams
from align.passes import align_texts, resolved
from align.semantic import BlockVectors

__all__ = ["AlignParams", "SearchParams", "Structure", "align", "warm_up"]


def _texts(side: Sequence[str | Segment]) -> tuple[list[str], list[int] | None]:
    texts = [s.text if isinstance(s, Segment) else str(s) for s in side]
    paras = [s.paragraph for s in side if isinstance(s, Segment)]
    return texts, (paras if len(paras) == len(texts) and texts else None)


def align(
    src: Sequence[str | Segment],
    tgt: Sequence[str | Segment],
    *,
    drafts: Sequence[str | None] | None = None,
    hard_paragraphs: bool = False,
    semantic: BlockVectors | None = None,
    params: AlignParams | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Bead]:
    """Align Chinese ``src`` to English ``tgt`` sentences; every sentence is in exactly one bead.

    ``drafts`` (one MT draft per source sentence, ``None`` or "" where missing) sharpen the
    lexical signal. ``Segment`` inputs bring paragraph numbers, used as soft anchors (hard with
    ``hard_paragraphs``). ``semantic`` (``align.semantic.block_vectors`` of the same two sides)
    adds a sentence-meaning term. Bead scores are in [0, 1]: each bead's posterior probability
    through the weight set's calibration map (``align.calibration``), which never lowers the
    score of a more probable bead.
    ``progress(k)`` is told each time k more source sentences are aligned (a long text reports
    block by block).
    """
    params = params or AlignParams()
    src_texts, src_paras = _texts(src)
    tgt_texts, tgt_paras = _texts(tgt)
    n, m = len(src_texts), len(tgt_texts)
    if drafts is not None and len(drafts) != n:
        raise InputError(
            f"got {len(drafts)} drafts for {n} source sentences; give one draft per sentence"
        )
    if semantic is not None and semantic.shape != (n, m):
        raise InputError(
            f"sentence vectors are for {semantic.shape[0]} x {semantic.shape[1]} sentences, "
            f"the texts have {n} x {m}; encode the texts being aligned"
        )
    reach = _Reach(progress)
    if n == 0 or m == 0:  # nothing to choose: every sentence stands alone, certainly
        reach(n)
        return [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)]
    if src_texts == tgt_texts:  # the same file twice: the diagonal, flagged for the reviewer
        reach(n)
        return [Bead((k,), (k,), 1.0, flags=("identical",)) for k in range(n)]
    draft_texts = None if drafts is None else [d or "" for d in drafts]
    with _collector_paused():  # the beads too: 100k of them set off full collections
        paras = paragraph_breaks(src_paras, tgt_paras)
        structure = Structure.of(
            src_texts, tgt_texts, paras, hard_paragraphs, semantic, drafts=draft_texts
        )
        path = align_texts(src_texts, tgt_texts, draft_texts, structure, params, reach)
        reach(n)
        weights = resolved(params, draft_texts is not None, semantic is not None).weights
        calibrated = IDENTITY if weights is None else weights.calibration
        return [
            Bead(
                source=tuple(range(p.i0, p.i1)),
                target=tuple(range(p.j0, p.j1)),
                score=round(calibrated(p.posterior), 4),
                origin=BeadOrigin.HUMAN,
            )
            for p in path
        ]


class _Reach:
    """Turns "the first k source sentences are aligned" into a progress bar's increments.

    A search that is widened and run again reports rows it already reported: only new ground
    is passed on, so a bar never runs past its total.
    """

    def __init__(self, tick: Callable[[int], None] | None) -> None:
        self.tick, self.done = tick, 0

    def __call__(self, rows: int) -> None:
        if self.tick is not None and rows > self.done:
            self.tick(rows - self.done)
            self.done = rows


def warm_up() -> None:
    """Load the compiled kernels now (a benchmark times alignments, not loading numba)."""
    from align import search, similarity

    search.warm_up()
    similarity.warm_up()


_pause_lock = threading.Lock()
_pause_depth = 0  # alignments now inside ``_collector_paused`` (threads may align at once)
_pause_restore = False  # whether the collector was on when the first of them came in


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one alignment builds millions of objects.

    The aligner creates no reference cycles, but every collection walks all live objects, which
    made feature building grow faster than linearly on long books; reference counting still
    frees everything as usual. Only for the alignment itself: the collector's state is restored
    when it ends, normally or by an exception, and threads aligning at once share one pause (the
    last one out restores what the first one found), so no caller is left without a collector.
    """
    global _pause_depth, _pause_restore
    with _pause_lock:
        if _pause_depth == 0:
            _pause_restore = gc.isenabled()
            gc.disable()
        _pause_depth += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pause_depth -= 1
            if _pause_depth == 0 and _pause_restore:
                gc.enable()
