"""Sentence alignment: monotone n:m beads between Chinese sentences and an English translation.

How a candidate bead (up to 4-1/1-6, 2-2, 2-3, 3-2, 2-4, 3-3, plus 1-0 and 0-1) is costed — the
aligner minimises the sum over the document:

* **lexical match** — ``-F1 · mass^γ``: F1 of a weighted token overlap between the bead's two
  sides (see ``align.similarity``): the share of the Chinese units (CC-CEDICT words, anchors and,
  with drafts, the draft's words) found in the English, and the share of English words found in
  the Chinese units' translations, each word weighted by its rarity in the document. ``mass`` is
  the bead's mean unit weight per side (1 for an average sentence). Summing a bare F1 per bead
  (γ = 0, what Bertalign does with cosines) pays a reward per bead, so two loose 1-1 beads
  beat the 2-2 bead a translator made by moving a clause across the sentence break; weighting
  by mass (γ = 1 would make the sum "total matched weight", which never prefers a split) removes
  part of that bias. γ = 0.5 was chosen in every leave-one-document-out fold on MAC-Dev, with
  and without drafts;
* **length** — ``(log(en chars / (ratio · zh chars)))²``, the ratio measured on the two texts;
* **shape** — a small price per sentence merged into a bead and per skipped sentence;
* **structure** — a bead boundary inside a quotation on one side only (``align.boundaries``), a
  bead whose sides hold different numbers of lines of dialogue (quotations with speech
  punctuation, so quoted terms of official texts do not count; MAC-Dev exact F1 +0.008 with
  drafts, +0.009 without, all of it in the two dialogue-heavy chapters, none worse) and, when
  both sides have paragraph numbers, a bead that disagrees about a paragraph break pay extra
  (``hard_paragraphs=True`` forbids the latter); a bead whose first sentences both open with a
  name (the Chinese one judged on its MT draft) or both with a quotation, or whose first MT draft
  and English sentence open with the same word ("When…", "But…"), or whose last sentences both
  close a quotation, earns a little — the translator began or ended a sentence where the
  original did. MAC-Dev exact F1 with drafts 0.911 -> 0.928 (weights chosen on the other five
  chapters: 0.927), without 0.887 -> 0.895, no chapter worse; it places short sentences
  ("Nobody came.") that words and lengths leave in a tie;
* **meaning** (optional, ``semantic=``; ``align.semantic``) — ``-w · (cos - c)``, the centred
  cosine of the bead's two sides under a multilingual sentence encoder (multilingual-e5-small):
  MAC-Dev exact F1 0.911 -> 0.922 with drafts, 0.887 -> 0.904 without, flat over w 0.5–0.7
  and c 0.1–0.15 (it helps the free, dialogue-heavy chapters most: 002 0.818 -> 0.866; the
  most literal one, 001, drops 0.987 -> 0.971). The vectors also price a dropped Chinese
  sentence (1-0 bead): ``skip + w' · (cos' - c')``, where cos' is its best centred cosine with
  the four English sentences around the drop. A sentence the translator left out resembles
  none of them, so dropping it gets cheaper than merging it into a neighbour's bead, which the
  words alone always preferred (MAC-Dev: 1 of 9 dropped sentences found before, 7 after);
  exact F1 0.922 -> 0.928 with drafts, 0.904 -> 0.909 without.

The handful of global weights (``AlignParams``) were set once on the MAC-Dev development set and
hold for every document; they sit on a flat optimum (±0.01 exact F1 over a wide range).

Search: short texts use the whole lattice. Longer ones first link sentences that share rare units
(names, numbers, uncommon words) and keep the heaviest monotone chain of links as anchors
(``align.band``; a first chain over the whole text places stretches of 1000 sentences, and each
stretch links its own rare units, so anchors are as dense in a book as in a chapter); a band
around that chain is then searched with the full n:m programme (``align.search``) in blocks of
4000 rows with a 50-row look-ahead, widened and re-run if the best path runs along its edge.
Every stage is linear in the length of the text, and memory follows a block, not the book.

Second pass (``align.relearn``): Chinese-side units and English words left unexplained in the
same beads of the first alignment, far more often than chance, become extra translation links
(the translator's renamings and pet renderings), and the text is aligned again — a long text
only in short windows of the first path where a learnt word meets a nearby English sentence.
MAC-Dev exact F1 +0.005 with drafts, +0.008 without (leave-one-document-out chose it in every
fold without drafts). Also new in the cost: a dropped Chinese sentence pays the same flat
``skip`` price as an inserted English one, and with drafts F-beta leans on English-side
coverage (``beta_with_drafts``).

Scores: the posterior probability of each bead under ``exp(-cost / T)`` over all alignments in the
band (forward–backward, ``align.search``). With T = 0.05, beads a reviewer should look at first
(a nearly-as-cheap alternative exists) get low scores: on MAC-Dev the scores of right and wrong
beads separate with an ROC AUC of about 0.84, and the mean score is close to the share of right
beads.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator, Sequence

from align.errors import InputError
from align.features import Structure, paragraph_breaks
from align.model import Bead, BeadOrigin, Segment
from align.params import AlignParams, SearchParams
from align.passes import align_texts
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
    adds a sentence-meaning term. Bead scores are posterior probabilities in [0, 1].
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
        return [
            Bead(
                source=tuple(range(p.i0, p.i1)),
                target=tuple(range(p.j0, p.j1)),
                score=round(p.posterior, 4),
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
