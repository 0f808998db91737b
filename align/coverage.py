"""A translation that covers only part of its source (or the reverse): found, said, and aligned.

The aligner's path must run from the first sentence pair to the last, and it measures the length
ratio on the two whole texts. When the English stops after 10 of 36 sentences, both assumptions
break: the ratio is off by a factor of three, and the English is spread over the whole source
in coarse n:m beads. So, when the first alignment leaves many sentences without a counterpart:

1. link sentences that share rare units (``align.band``) over the *whole* lattice, without
   the aligner's assumption that the translation runs along the diagonal, and keep the heaviest
   monotone chain: where it starts and ends says which part of each side is translated. A unit
   that recurs links every copy of it alike, so in a text that repeats itself that chain can run
   shifted; when step 4 turns its finding down, the chain of units found once on each side
   is tried instead (sparser, so its edges are rougher: MAC-Dev's chapters against the first
   30% of their English 0.929 exact F1 against 0.969, but against the first 30% of their Chinese
   0.932 where the rare-unit chain ran 1,100 sentences too far and scored 0.08);
2. settle each edge of that part with the texts' own words: the sentence just past an edge
   joins the covered part when its words match the edge's translation better than those of
   every sentence past it (presumed untranslated) do, and the last one inside leaves it when it
   matches no better than nine in ten of them (a test against the text itself, not a tuned
   threshold; in between, the edge stays where the anchors put it);
3. align the covered part on its own (so the length ratio is measured where it applies) and
   give every sentence outside it a bead of its own with an empty side;
4. keep the first alignment instead unless it bears the finding out: it left the sentences said
   to be untranslated alone, or paired them less surely than the covered part's own beads.

A fully translated text costs one scan of the beads (and, when it has several unmatched
sentences or the sides' sentence counts differ, one linear pass over rare units); its beads are
returned unchanged. Gaps in the middle are left to the aligner, which is anchored on both sides
of them; :func:`find_gaps` reports every long run of unmatched sentences, wherever it is, for the
user's warning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from align.aligner import AlignParams, align
from align.band import Link, Region, candidate_links, heaviest_chain
from align.model import Bead, BeadOrigin, Segment
from align.semantic import BlockVectors
from align.similarity import SideFeatures, Vocab, pair_coverage, source_features, target_features

MIN_GAP = 5  # sentences in a row without a counterpart before they count as uncovered
MIN_PIECE = 3  # links in a row that make a stretch of the anchor chain believable
LINKS_PER_SENTENCE = 10  # rare-unit pairs examined per sentence, as in align.band
EDGE_STEPS = 3  # how far the edge test may move an edge from where the anchors put it
EDGE_WIDTH = 2  # sentences of the other side at the edge that a candidate is tested against
NULL_SAMPLE = 50  # untranslated sentences nearest the edge that make the test's chance level
NULL_QUANTILE = 0.9
FRINGE = 0.05  # share of each side a finding may leave out and still not be worth re-aligning

Side = Literal["source", "target"]


@dataclass(frozen=True)
class Gap:
    """Sentences ``start..stop-1`` (0-based) of one side that have no counterpart."""

    side: Side
    start: int
    stop: int

    @property
    def size(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True)
class _Block:
    """The covered part: source ``i0..i1-1`` translated by target ``j0..j1-1``."""

    i0: int
    i1: int
    j0: int
    j1: int

    @property
    def spans(self) -> tuple[int, int, int, int]:
        return self.i0, self.i1, self.j0, self.j1


def align_covered(
    src: Sequence[str | Segment],
    tgt: Sequence[str | Segment],
    *,
    drafts: Sequence[str | None] | None = None,
    hard_paragraphs: bool = False,
    semantic: BlockVectors | None = None,
    params: AlignParams | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Bead]:
    """:func:`align.aligner.align`, but a side translated only in part aligns 1-1 where it is.

    Same arguments and result as ``align``; see the module docstring for how.
    """
    beads = align(
        src,
        tgt,
        drafts=drafts,
        hard_paragraphs=hard_paragraphs,
        semantic=semantic,
        params=params,
        progress=progress,
    )
    n, m = len(src), len(tgt)
    if not (_worth_a_look(beads) or abs(n - m) >= MIN_GAP) or n == 0 or m == 0:
        return beads
    texts = [_text(s) for s in src], [_text(s) for s in tgt]
    vocab = Vocab()
    draft_texts = None if drafts is None else [d or "" for d in drafts]
    sf = source_features(texts[0], draft_texts, vocab)
    tf = target_features(texts[1], vocab)
    for links in (_rare_links, _unique_links):  # denser first; the second when it misleads
        block = _covered_block(sf, tf, links)
        if block is None or block == _Block(0, n, 0, m) or _fringe(block, n, m):
            continue
        inner = align(
            src[block.i0 : block.i1],
            tgt[block.j0 : block.j1],
            drafts=None if drafts is None else drafts[block.i0 : block.i1],
            hard_paragraphs=hard_paragraphs,
            semantic=None if semantic is None else semantic.window(*block.spans),
            params=params,
        )
        if _confirmed(beads, inner, block):
            return _assemble(inner, block, n, m)
    return beads


def _text(sentence: str | Segment) -> str:
    return sentence.text if isinstance(sentence, Segment) else sentence


def _worth_a_look(beads: Sequence[Bead]) -> bool:
    """Enough unmatched sentences on one side for a part to be untranslated (one scan).

    Not the only test: the cost may prefer coarse merges to drops, so ``align_covered`` also
    looks whenever the two sides' sentence counts differ by ``MIN_GAP`` or more.
    """
    lone_src = sum(len(b.source) for b in beads if not b.target)
    lone_tgt = sum(len(b.target) for b in beads if not b.source)
    return max(lone_src, lone_tgt) >= MIN_GAP


def _fringe(block: _Block, n: int, m: int) -> bool:
    """Whether the finding leaves out only a fringe (under ``FRINGE`` of each side).

    What misleads the aligner on a partial translation is the length ratio of the two whole
    texts; a few percent left out barely moves it, and the aligner's own 1-0 and 0-1 beads take
    care of them. Re-aligning the inside would be a second alignment of a whole book (on a
    complete 40k x 31k pair, whose sentence counts differ and so always get a look, it took the
    offline alignment from 14 s to 81 s) for beads the first one already has.
    """
    return block.i0 + n - block.i1 < FRINGE * n and block.j0 + m - block.j1 < FRINGE * m


def _confirmed(beads: Sequence[Bead], inner: Sequence[Bead], block: _Block) -> bool:
    """Whether the first alignment bears out that the sentences outside ``block`` are untranslated.

    It does when it leaves at least half of them without a counterpart. Otherwise it paired
    them (a coarse spread when the translation is partial, real pairs when it is complete), and
    the finding stands only if the aligner itself is unsure of those pairs: their median score
    below the lower quartile of the covered part's own beads. A complete translation keeps its
    beads even if the anchors went wrong, rather than losing them to a shifted alignment and a
    false warning.
    """
    paired: list[float] = []
    lone = 0
    for bead in beads:
        outside = sum(not block.i0 <= i < block.i1 for i in bead.source)
        outside += sum(not block.j0 <= j < block.j1 for j in bead.target)
        if bead.source and bead.target:
            paired += [bead.score] * outside
        else:
            lone += outside
    if len(paired) <= lone:
        return True
    covered = [bead.score for bead in inner]
    return bool(covered) and float(np.median(paired)) < float(np.quantile(covered, 0.25))


def _covered_block(
    sf: SideFeatures, tf: SideFeatures, links: Callable[[SideFeatures, SideFeatures], list[Link]]
) -> _Block | None:
    """The part of each side that the other translates, or None when the anchors say nothing.

    Beyond the first and last anchors the two sides are assumed to go on one for one as far as
    the shorter one goes; :func:`_settle` then moves each edge by what the words say.
    """
    n, m = len(sf.units), len(tf.units)
    chain = _trusted(heaviest_chain(links(sf, tf), m))
    if not chain:
        return None
    (fi, fj), (li, lj) = chain[0], chain[-1]
    head = min(fi, fj)  # sentences before the first anchor that the other side can match
    tail = min(n - 1 - li, m - 1 - lj)
    block = _Block(fi - head, li + 1 + tail, fj - head, lj + 1 + tail)
    if _uncovered(block, n, m) < MIN_GAP:
        return None
    return _settle(block, sf, tf)


def _rare_links(sf: SideFeatures, tf: SideFeatures) -> list[Link]:
    """Sentence pairs sharing rare units, as the aligner's band finds them, over the whole lattice.

    Dense enough to place an edge close to where the translation stops (MAC-Dev's chapters
    against the first 30% of their English: exact F1 0.969, against 0.929 from unique units
    alone), but a unit that recurs links every copy of it alike: in a text that repeats itself
    the chain can run through a shifted copy, which ``_confirmed`` then turns down.
    """
    n, m = len(sf.units), len(tf.units)
    region = Region(0, n, 0, m, np.zeros(n), float(n + m), LINKS_PER_SENTENCE * max(n, m))
    return candidate_links(sf, tf, region)


def _unique_links(sf: SideFeatures, tf: SideFeatures) -> list[Link]:
    """(i, j, weight) for sentence pairs sharing units found in no other sentence of either side.

    The lattice is searched without the diagonal's guidance, so only a unit that occurs once on
    each side can say where its sentence's translation is. A unit found k times on each side
    links k² pairs of equal weight, and in a text that repeats itself (a book's recurring
    clauses, chapters concatenated again) the heaviest chain then runs through a shifted copy
    as readily as through the real one: the text looked half untranslated and was aligned
    shifted (MAC-Dev's chapters seven times over: exact F1 0.913 -> 0.055).
    """
    tgt_rows: dict[int, set[int]] = defaultdict(set)
    for j, units in enumerate(tf.units):
        for _, stems in units:
            tgt_rows[next(iter(stems))].add(j)
    src_rows: dict[int, set[int]] = defaultdict(set)
    for i, tokens in enumerate(sf.union):
        for tok in tokens:
            if len(tgt_rows.get(tok, ())) == 1:
                src_rows[tok].add(i)
    scores: dict[tuple[int, int], float] = defaultdict(float)
    for tok, rows in src_rows.items():
        if len(rows) == 1:
            scores[(next(iter(rows)), next(iter(tgt_rows[tok])))] += tf.token_weight.get(tok, 1.0)
    return [(i, j, w) for (i, j), w in sorted(scores.items())]


def _trusted(chain: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The chain without stray links at its ends.

    A heaviest chain takes every link that keeps it monotone, so past the end of a partial
    translation it still picks up a few chance links, hundreds of sentences apart on one side
    and one apart on the other. The chain is cut where one side runs ``MIN_GAP`` sentences
    further than the other; pieces of fewer than ``MIN_PIECE`` links at either end are dropped
    (a translated passage has a link every two or three sentences).
    """
    pieces: list[list[tuple[int, int]]] = []
    for link in chain:
        if pieces:
            (pi, pj), (i, j) = pieces[-1][-1], link
            if abs((i - pi) - (j - pj)) < MIN_GAP:
                pieces[-1].append(link)
                continue
        pieces.append([link])
    while pieces and len(pieces[0]) < MIN_PIECE:
        pieces.pop(0)
    while pieces and len(pieces[-1]) < MIN_PIECE:
        pieces.pop()
    return [link for piece in pieces for link in piece]


def _uncovered(block: _Block, n: int, m: int) -> int:
    return max(block.i0 + n - block.i1, block.j0 + m - block.j1)


def _settle(block: _Block, sf: SideFeatures, tf: SideFeatures) -> _Block:
    """Move each edge that borders an untranslated stretch to where the words put it."""
    n, m = len(sf.units), len(tf.units)
    if n - block.i1 >= MIN_GAP:
        block = replace(block, i1=_edge(sf, tf, block.i1, block.i0, 1, block.j1 - 1))
    if block.i0 >= MIN_GAP:
        block = replace(block, i0=_edge(sf, tf, block.i0 - 1, block.i1 - 1, -1, block.j0))
    if m - block.j1 >= MIN_GAP:
        block = replace(block, j1=_edge(tf, sf, block.j1, block.j0, 1, block.i1 - 1, True))
    if block.j0 >= MIN_GAP:
        block = replace(block, j0=_edge(tf, sf, block.j0 - 1, block.j1 - 1, -1, block.i0, True))
    return block


def _edge(
    side: SideFeatures,
    other: SideFeatures,
    outside: int,
    limit: int,
    step: int,
    facing: int,
    english: bool = False,
) -> int:
    """The settled edge on ``side``; ``outside`` is its first sentence past the edge now.

    ``step`` is +1 for an end edge (returns the exclusive end), -1 for a start edge (returns
    the inclusive start); ``facing`` is the other side's sentence at the edge, which with its
    inner neighbours makes the edge's translation; ``limit`` is the far end of the block.
    """
    size = len(side.units)
    cols = [c for c in (facing - step * k for k in range(EDGE_WIDTH)) if 0 <= c < len(other.units)]
    score = _matcher(side, other, english, cols)
    sample = _untranslated(score, outside, step, size)
    chance = float(np.quantile(sample, NULL_QUANTILE)) if sample else 0.0
    bar = _bar(max(sample, default=0.0), [score(outside - step * k) for k in (1, 2)])
    pos = outside  # first sentence outside the covered part
    while abs(pos - outside) < EDGE_STEPS and 0 <= pos < size and score(pos) > bar:
        pos += step  # the next one matches the edge like a translated one: it is translated
    if pos == outside:
        for _ in range(EDGE_STEPS):
            inside = pos - step
            if inside == limit or score(inside) > chance:
                break
            pos = inside  # the last one inside matches no better than most untranslated ones
    return pos if step > 0 else pos + 1


def _bar(untranslated: float, inside: list[float]) -> float:
    """What a sentence past the edge must score to join: nearer the translated sentences at
    the edge than the best-matching untranslated one (their midpoint), and above the latter."""
    translated = min(inside, default=untranslated)
    return max(untranslated, (untranslated + translated) / 2)


def _untranslated(score: Callable[[int], float], outside: int, step: int, size: int) -> list[float]:
    """How well sentences past the edge, all but the first presumed untranslated, match it.

    The next candidates are in the sample too: if one of them is translated after all, the bar
    only rises, and the edge moves less (a wrong pair costs more than a missed one).
    """
    far = range(outside + step, outside + step * NULL_SAMPLE, step)
    return [score(k) for k in far if 0 <= k < size]


def _matcher(
    side: SideFeatures, other: SideFeatures, english: bool, cols: list[int]
) -> Callable[[int], float]:
    """Share of sentence k's unit weight (on ``side``) found in the ``other`` sentences ``cols``.

    Matches with each sentence are summed (capped at the whole): a unit found in both counts
    twice, alike for the candidate and for the untranslated sentences it is compared with.
    """
    if not cols:
        return lambda k: 0.0
    first, stop = min(cols), max(cols) + 1
    span = _slice(other, first, stop)

    def score(k: int) -> float:
        one = _slice(side, k, k + 1)
        if english:  # ``side`` is the English: its words found in the Chinese sentences
            rows = stop - first
            _, ct = pair_coverage(span, one, np.zeros(rows, np.int64), np.ones(rows, np.int64), 1)
            found = float(ct.sum())
        else:
            lo, hi = np.zeros(1, np.int64), np.full(1, stop - first, np.int64)
            cs, _ = pair_coverage(one, span, lo, hi, stop - first)
            found = float(cs.sum())
        total = float(side.weight[k])
        return min(found / total, 1.0) if total > 0 else 0.0

    return score


def _slice(side: SideFeatures, start: int, stop: int) -> SideFeatures:
    return SideFeatures(
        side.units[start:stop],
        side.union[start:stop],
        side.weight[start:stop],
        side.length[start:stop],
        side.token_weight,
    )


def _assemble(inner: list[Bead], block: _Block, n: int, m: int) -> list[Bead]:
    """The covered part's beads in place, and one bead per uncovered sentence around them."""

    def lone(i0: int, i1: int, j0: int, j1: int) -> list[Bead]:
        return [Bead((i,), (), 1.0) for i in range(i0, i1)] + [
            Bead((), (j,), 1.0) for j in range(j0, j1)
        ]

    middle = [
        Bead(
            tuple(i + block.i0 for i in b.source),
            tuple(j + block.j0 for j in b.target),
            b.score,
            origin=BeadOrigin.HUMAN,
            flags=b.flags,
        )
        for b in inner
    ]
    return lone(0, block.i0, 0, block.j0) + middle + lone(block.i1, n, block.j1, m)


def find_gaps(beads: Sequence[Bead], min_run: int = MIN_GAP) -> tuple[Gap, ...]:
    """Runs of at least ``min_run`` sentences on one side with no counterpart, in text order.

    A run is a stretch of consecutive beads that each lack one side; 1-0 and 0-1 beads may
    alternate in it (two texts that differ there), and each side is counted on its own.
    """
    gaps: list[Gap] = []
    run: list[Bead] = []
    for bead in [*beads, Bead((0,), (0,), 1.0)]:  # a matched sentinel closes the last run
        if bead.source and bead.target:
            gaps.extend(_run_gaps(run, min_run))
            run = []
        else:
            run.append(bead)
    return tuple(sorted(gaps, key=lambda g: (g.side, g.start)))


def _run_gaps(run: list[Bead], min_run: int) -> list[Gap]:
    found = []
    src = [i for b in run for i in b.source]
    tgt = [j for b in run for j in b.target]
    if len(src) >= min_run:
        found.append(Gap("source", min(src), max(src) + 1))
    if len(tgt) >= min_run:
        found.append(Gap("target", min(tgt), max(tgt) + 1))
    return found


def uncovered(gaps: Sequence[Gap]) -> tuple[int, int]:
    """Source and target sentences in ``gaps``: what a script checks instead of the warning."""
    return (
        sum(g.size for g in gaps if g.side == "source"),
        sum(g.size for g in gaps if g.side == "target"),
    )


def coverage_warning(
    gaps: Sequence[Gap], n: int, m: int, translation: str = "the reference"
) -> str | None:
    """One line saying which sentences each side covers of the other, or None when all are.

    ``translation`` names the English side as the user knows it ("the reference").
    """
    parts = []
    src = [g for g in gaps if g.side == "source"]
    tgt = [g for g in gaps if g.side == "target"]
    if src:
        parts.append(
            f"{translation} covers source sentences {_ranges(_covered(src, n))} of {n}; "
            f"{sum(g.size for g in src)} source sentences have no translation "
            f"({_ranges([(g.start, g.stop) for g in src])})"
        )
    if tgt:
        name = translation.removeprefix("the ")
        parts.append(
            f"the source covers {name} sentences {_ranges(_covered(tgt, m))} of {m}; "
            f"{sum(g.size for g in tgt)} {name} sentences have no source "
            f"({_ranges([(g.start, g.stop) for g in tgt])})"
        )
    return "; ".join(parts) or None


def _covered(gaps: Sequence[Gap], total: int) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for gap in sorted(gaps, key=lambda g: g.start):
        if gap.start > pos:
            spans.append((pos, gap.start))
        pos = gap.stop
    if pos < total:
        spans.append((pos, total))
    return spans


def _ranges(spans: Sequence[tuple[int, int]]) -> str:
    """0-based half-open spans as people number sentences: ``1–10, 20–36``."""
    if not spans:
        return "none"
    return ", ".join(f"{a + 1}" if b - a == 1 else f"{a + 1}–{b}" for a, b in spans)
