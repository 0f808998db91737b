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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from align.boundaries import (
    dialogue_lines,
    en_dialogue_lines,
    en_quote_balance,
    inside_quote,
    name_openings,
    opening_words,
    quote_closings,
    quote_counts,
    quote_openings,
    zh_dialogue_lines,
    zh_quote_balance,
)
from align.errors import InputError
from align.model import Bead, BeadOrigin, Segment
from align.relearn import extend, learn_links
from align.search import Band, BandTooNarrow, CostFn, PathBead, full_band, search
from align.semantic import BlockVectors
from align.similarity import (
    SideFeatures,
    Vocab,
    pair_coverage,
    source_features,
    target_features,
    unit_stems,
)

WINDOW_PAD = 1  # beads either side of a changed sentence that a long text's second pass revisits
SURE = 0.95  # ... and only beads less certain than this (a sure bead rarely flips)
BLOCK = 4000  # rows of a long text's band searched at a time ...
LOOKAHEAD = 50  # ... with this many more rows whose beads are searched again by the next block
MAX_HALF = 192  # widest half-band: a path still on its edge then is not a translation's


def _default_types() -> list[tuple[int, int]]:
    return [
        (0, 1),
        (1, 0),
        (1, 1),
        (1, 2),
        (2, 1),
        (1, 3),
        (3, 1),
        (1, 4),
        (4, 1),
        (2, 2),
        (2, 3),
        (3, 2),
        (1, 5),
        (1, 6),
        (2, 4),
        (3, 3),
    ]


@dataclass(frozen=True)
class AlignParams:
    """Global weights of the bead cost (one set for every document; see the module docstring)."""

    merge: float = 0.12  # per sentence beyond the first on each side of a bead
    skip: float = 0.3  # a sentence (on either side) aligned to nothing
    mass_power: float = 0.5  # γ: the F1 reward grows with the bead's content as mass^γ
    mass_floor: float = 0.2  # mass of a near-empty bead (keeps its reward from vanishing)
    relearn: int = 1  # passes with translation links learnt from the previous alignment
    length: float = 0.3  # weight of the squared log length ratio
    length_with_drafts: float = 0.5  # the same when drafts sharpen the lexical signal
    length_smooth: float = 15.0  # characters added to both lengths before the ratio
    paragraph: float = 1.0  # a bead straddling a paragraph break on one side only
    quote: float = 0.1  # a bead boundary inside a quotation on one side only
    turns: float = 0.08  # per line of dialogue (quoted speech) on one side of a bead only
    # a bead whose first sentences both open with a name (Chinese: judged on the MT draft, so
    # only with drafts) or both with a quotation, or whose last sentences both close one, earns
    # these (``align.boundaries``): MAC-Dev exact F1 with drafts 0.911 -> 0.918 (names) -> 0.922
    # (opening quotes) -> 0.924 (closing quotes), without 0.887 -> 0.895; no chapter worse. In
    # leave-one-chapter-out grids every fold chose names 0.08 (flat 0.08–0.24), opening quotes
    # 0.02–0.04 and closing quotes 0.08–0.1 (0.16 and up is worse)
    name_opening: float = 0.08
    # a bead whose first MT draft and first English sentence open with the same word (any word:
    # a list of connectives gained less; words that open over a tenth of the English sentences
    # are left out, ``align.boundaries.COMMON_OPENER``) earns this: 0.924 -> 0.928 with drafts
    # (001, 003, 005 better, none worse), MAC-Dev-2021 0.927 -> 0.931; flat over 0.02–0.06,
    # and five of six leave-one-chapter-out folds chose 0.03 (held out 0.927, with
    # ``scripts/bench_align.py --held-out`` as in the README)
    word_opening: float = 0.03
    quote_opening: float = 0.04
    quote_closing: float = 0.1
    temperature: float = 0.05  # softmin temperature of the posterior scores (AUC-checked)
    beta: float = 1.0  # F-measure weight of English-side coverage against Chinese-side
    # with drafts the Chinese side also carries loose dictionary glosses, so its coverage is the
    # noisier half: lean on the English side (chosen in all leave-one-document-out folds)
    beta_with_drafts: float = 0.8
    # with sentence vectors (``align.semantic``): a bead earns semantic · (cosine - offset);
    # MAC-Dev exact F1 is flat over weights 0.5–0.7 and offsets 0.1–0.15
    semantic: float = 0.6
    semantic_offset: float = 0.1
    # the meaning term widens cost gaps, so posteriors at 0.05 ran overconfident (mean score
    # 0.941 for 91.9% right beads on MAC-Dev); at 0.065 the mean matches, AUC 0.855 (0.825 without)
    semantic_temperature: float = 0.065
    # with sentence vectors, a 1-0 bead costs skip + w · (c - best cosine of the dropped sentence
    # with the 4 English sentences around it): MAC-Dev exact F1 0.922 -> 0.928 with drafts
    # (0.928 leave-one-chapter-out), 0.904 -> 0.909 without. The same price for 0-1 beads
    # (English added by the translator) gained 1 bead in-sample and nothing held out.
    drop_semantic: float = 0.6
    drop_offset: float = 0.35
    drop_reach: int = 2
    types: list[tuple[int, int]] = field(default_factory=_default_types)
    full_limit: int = 250_000  # (n+1)·(m+1) up to which no band is needed
    band: int = 12  # half-width of the band around the anchor chain (grows if too tight)


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
        paras = _paragraph_breaks(src_paras, tgt_paras)
        structure = Structure.of(
            src_texts, tgt_texts, paras, hard_paragraphs, semantic, drafts=draft_texts
        )
        path = _align_texts(src_texts, tgt_texts, draft_texts, structure, params, reach)
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


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of small sets are built.

    The aligner creates no reference cycles, but every collection walks all live objects, which
    made feature building grow faster than linearly on long books; reference counting still
    frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _align_texts(
    src_texts: list[str],
    tgt_texts: list[str],
    draft_texts: list[str] | None,
    structure: Structure,
    params: AlignParams,
    reach: _Reach,
) -> list[PathBead]:
    vocab = Vocab()
    sf = source_features(src_texts, draft_texts, vocab)
    tf = target_features(tgt_texts, vocab)
    if draft_texts is not None:
        params = replace(params, length=params.length_with_drafts, beta=params.beta_with_drafts)
    if structure.semantic is not None:
        params = replace(params, temperature=params.semantic_temperature)
    path = _search_with_band(sf, tf, params, structure, reach)
    for _ in range(params.relearn):
        learnt = learn_links(sf, tf, path)
        changed = _changed_rows(sf, tf, learnt, path, WINDOW_PAD)
        path = _second_pass(extend(sf, learnt), tf, params, structure, path, changed)
    return path


def _paragraph_breaks(
    src_paras: list[int] | None, tgt_paras: list[int] | None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Break flags per lattice position, or None unless both sides have several paragraphs."""
    if not src_paras or not tgt_paras or len(set(src_paras)) < 2 or len(set(tgt_paras)) < 2:
        return None

    def flags(paras: list[int]) -> np.ndarray:
        out = np.zeros(len(paras) + 1, dtype=np.float64)
        out[1:-1] = [paras[k] != paras[k - 1] for k in range(1, len(paras))]
        return out

    return flags(src_paras), flags(tgt_paras)


@dataclass(frozen=True)
class Structure:
    """Evidence beyond the words: paragraph breaks, quotations and sentence vectors."""

    paras: tuple[np.ndarray, np.ndarray] | None
    quotes: tuple[np.ndarray, np.ndarray]  # inside a quotation (1.0) or not
    turns: tuple[np.ndarray, np.ndarray]  # lines of dialogue before the position (cumulative)
    hard_paragraphs: bool = False
    ratio: float | None = None  # English/Chinese characters; None: measured on the features
    semantic: BlockVectors | None = None
    # per sentence, Chinese and English, a key; a cue holds where the two keys are equal:
    # opens with a quotation; opens with a name; opens with which word (both read on the MT
    # drafts, so None without them); closes a quotation
    quote_opens: tuple[np.ndarray, np.ndarray] | None = None
    name_opens: tuple[np.ndarray, np.ndarray] | None = None
    word_opens: tuple[np.ndarray, np.ndarray] | None = None
    quote_closes: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def of(
        cls,
        src: Sequence[str],
        tgt: Sequence[str],
        paras: tuple[np.ndarray, np.ndarray] | None = None,
        hard_paragraphs: bool = False,
        semantic: BlockVectors | None = None,
        drafts: Sequence[str] | None = None,
    ) -> Structure:
        """The evidence for a Chinese text (with its MT drafts, if any) and its translation."""
        quotes = (
            inside_quote(quote_counts(src, zh_quote_balance)),
            inside_quote(quote_counts(tgt, en_quote_balance)),
        )
        turns = (dialogue_lines(src, zh_dialogue_lines), dialogue_lines(tgt, en_dialogue_lines))
        opens = _flag_keys(quote_openings(src, "zh"), quote_openings(tgt, "en"))
        names = None if drafts is None else _flag_keys(name_openings(drafts), name_openings(tgt))
        words = None if drafts is None else _usable(*opening_words(drafts, tgt))
        closes = _flag_keys(quote_closings(src, "zh"), quote_closings(tgt, "en"))
        return cls(
            paras,
            quotes,
            turns,
            hard_paragraphs,
            semantic=semantic,
            quote_opens=opens,
            name_opens=names,
            word_opens=words,
            quote_closes=closes,
        )

    def window(self, i0: int, i1: int, j0: int, j1: int) -> Structure:
        """The same evidence for the sub-lattice (i0..i1) x (j0..j1), keeping the text's ratio."""
        paras = (
            None if self.paras is None else (self.paras[0][i0 : i1 + 1], self.paras[1][j0 : j1 + 1])
        )
        quotes = (self.quotes[0][i0 : i1 + 1], self.quotes[1][j0 : j1 + 1])
        turns = (self.turns[0][i0 : i1 + 1], self.turns[1][j0 : j1 + 1])
        semantic = None if self.semantic is None else self.semantic.window(i0, i1, j0, j1)
        opens, names, words, closes = (
            None if side is None else (side[0][i0:i1], side[1][j0:j1])
            for side in (self.quote_opens, self.name_opens, self.word_opens, self.quote_closes)
        )
        return Structure(
            paras,
            quotes,
            turns,
            self.hard_paragraphs,
            self.ratio,
            semantic,
            opens,
            names,
            words,
            closes,
        )


def _flag_keys(zh: np.ndarray, en: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Per-sentence flags of both sides as keys that are equal only where both are set."""
    return _usable(np.where(zh > 0, 0, -1), np.where(en > 0, 0, -2))


def _usable(zh: np.ndarray, en: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The keys, or None when no Chinese key meets an English one (a text without quotation
    marks, say): then no bead can earn the bonus and the cost skips it."""
    return (zh, en) if np.isin(zh, en).any() else None


def _search_with_band(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    structure: Structure,
    reach: _Reach | None = None,
) -> list[PathBead]:
    n, m = len(sf.units), len(tf.units)
    if (n + 1) * (m + 1) <= params.full_limit:
        return _run(sf, tf, params, full_band(n, m), structure)
    from align.band import anchor_chain, chain_band, touches_edge

    anchors = anchor_chain(sf, tf)
    half = params.band
    while True:
        band = chain_band(anchors, n, m, half)
        try:
            path = _run_in_blocks(sf, tf, params, band, structure, reach)
        except BandTooNarrow:
            path = None
        if path is not None and (half >= MAX_HALF or not touches_edge(path, band, m)):
            return path  # texts that are not translations of each other stop widening here
        if half >= max(n, m):
            return _run(sf, tf, params, full_band(n, m), structure)
        half *= 2


def _second_pass(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    structure: Structure,
    path: list[PathBead],
    changed: np.ndarray,
) -> list[PathBead]:
    """Align again with the sharper features ``sf``.

    A short text is aligned again whole. In a long one only the stretches of the first path
    near a sentence whose features changed are re-aligned (``WINDOW_PAD`` beads either side,
    between the first path's own lattice points), so the pass costs time in proportion to what
    changed; bead posteriors there are computed within their stretch.
    """
    n, m = len(sf.units), len(tf.units)
    if (n + 1) * (m + 1) <= params.full_limit:
        return _run(sf, tf, params, full_band(n, m), structure)
    ratio = (float(tf.length.sum()) + 1.0) / (float(sf.length.sum()) + 1.0)
    structure = replace(structure, ratio=ratio)
    out: list[PathBead] = []
    done = 0
    for k0, k1 in _windows(path, changed, WINDOW_PAD):
        out.extend(path[done:k0])
        first, last = path[k0], path[k1 - 1]
        shifted = [_shift(p, -first.i0, -first.j0) for p in path[k0:k1]]
        sub = _near_path(
            _slice(sf, first.i0, last.i1),
            _slice(tf, first.j0, last.j1),
            params,
            structure.window(first.i0, last.i1, first.j0, last.j1),
            shifted,
        )
        out.extend(_shift(p, first.i0, first.j0) for p in sub)
        done = k1
    out.extend(path[done:])
    return out


def _near_path(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    structure: Structure,
    path: list[PathBead],
) -> list[PathBead]:
    """Search a band around ``path`` (a window's first answer): work linear in its length."""
    from align.band import around_path, touches_edge

    n, m = len(sf.units), len(tf.units)
    band = around_path(path, n, m, max(params.band // 2, 2))
    try:
        new = _run(sf, tf, params, band, structure)
    except BandTooNarrow:
        return _search_with_band(sf, tf, params, structure)
    return _search_with_band(sf, tf, params, structure) if touches_edge(new, band, m) else new


def _changed_rows(
    sf: SideFeatures,
    tf: SideFeatures,
    learnt: dict[frozenset[int], frozenset[int]],
    path: list[PathBead],
    pad: int,
) -> np.ndarray:
    """Sentences with a learnt word that occurs in an English sentence near them on the path.

    Only there can a bead's cost change, so only there can the second pass find anything new.
    """
    changed = np.zeros(len(sf.units), dtype=bool)
    keys = learnt.keys()
    for k, p in enumerate(path):
        for i in range(p.i0, p.i1):
            if keys.isdisjoint(map(unit_stems, sf.units[i])):  # in C: most rows learnt nothing
                continue
            new = [w for _, stems in sf.units[i] for w in learnt.get(stems, ())]
            lo, hi = path[max(k - pad, 0)].j0, path[min(k + pad, len(path) - 1)].j1
            changed[i] = any(w in tf.union[j] for j in range(lo, hi) for w in new)
    return changed


def _windows(path: list[PathBead], changed: np.ndarray, pad: int) -> list[tuple[int, int]]:
    """Runs [k0, k1) of path beads within ``pad`` beads of an unsure one over a changed row."""
    spans: list[tuple[int, int]] = []
    before = np.concatenate([[0], np.cumsum(changed)])  # changed rows before each row
    starts = np.fromiter((p.i0 for p in path), dtype=np.int64, count=len(path))
    ends = np.fromiter((p.i1 for p in path), dtype=np.int64, count=len(path))
    for k in np.flatnonzero(before[ends] > before[starts]).tolist():
        if path[k].posterior > SURE:
            continue
        lo, hi = max(k - pad, 0), min(k + pad + 1, len(path))
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _slice(side: SideFeatures, start: int, stop: int) -> SideFeatures:
    return replace(
        side,
        units=side.units[start:stop],
        union=side.union[start:stop],
        weight=side.weight[start:stop],
        length=side.length[start:stop],
    )


def _run_in_blocks(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    band: Band,
    structure: Structure,
    reach: _Reach | None = None,
) -> list[PathBead]:
    """Search a long text's band ``BLOCK`` rows at a time, each with ``LOOKAHEAD`` more rows.

    Each block's path is kept up to its first sure bead boundary past ``BLOCK`` rows, and the
    next block starts there. The best path of a block forgets where it started within a few
    dozen sentences, so the look-ahead makes this the whole band's best path in practice (MAC-Dev
    as one text: the same beads with 150-row blocks and a 30-row look-ahead), while every
    block's tables stay a few megabytes: the whole band's tables of a 100k-sentence book outgrow
    the CPU caches and made each row ~9% slower than in a 10k-sentence text.
    """
    n, m = len(sf.units), len(tf.units)
    ratio = structure.ratio or (float(tf.length.sum()) + 1.0) / (float(sf.length.sum()) + 1.0)
    structure = replace(structure, ratio=ratio)
    out: list[PathBead] = []
    i0 = j0 = 0
    while True:
        last = n - i0 <= BLOCK + LOOKAHEAD
        i1 = n if last else i0 + BLOCK + LOOKAHEAD
        j1 = m if last else int(band.hi[i1])
        lo = np.clip(band.lo[i0 : i1 + 1] - j0, 0, j1 - j0)
        hi = np.clip(band.hi[i0 : i1 + 1] - j0, 0, j1 - j0)
        lo[0], lo[1:] = 0, np.minimum(lo[1:], hi[:-1])
        sub = _run(
            _slice(sf, i0, i1),
            _slice(tf, j0, j1),
            params,
            Band(lo, np.maximum(hi, lo)),
            structure.window(i0, i1, j0, j1),
            free_end=not last,
        )
        keep = len(sub) if last else _cut(sub, BLOCK)
        out.extend(_shift(p, i0, j0) for p in sub[:keep])
        if last:
            return out
        i0, j0 = out[-1].i1, out[-1].j1
        if reach is not None:
            reach(i0)


def _cut(path: list[PathBead], rows: int) -> int:
    """Beads to keep: up to the first sure bead ending past ``rows`` (else the first one)."""
    past = [k for k, p in enumerate(path) if p.i1 >= rows]
    sure = [k for k in past[: LOOKAHEAD // 2] if path[k].posterior >= SURE]
    return (sure or past)[0] + 1


def _shift(p: PathBead, di: int, dj: int) -> PathBead:
    return PathBead(p.i0 + di, p.j0 + dj, p.i1 + di, p.j1 + dj, p.posterior, p.cost)


def _run(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    band: Band,
    structure: Structure,
    free_end: bool = False,
) -> list[PathBead]:
    n, m = len(sf.units), len(tf.units)
    types = sorted({(int(a), int(b)) for a, b in params.types} | {(0, 1), (1, 0)})
    types = [t for t in types if t != (0, 0)]
    max_a = max(a for a, _ in types)
    max_b = max(b for _, b in types)
    rows = np.arange(n)
    plo = band.lo[np.maximum(rows - max_a + 1, 0)] - max_b
    plo = np.maximum(plo, 0)
    phi = np.minimum(band.hi[np.minimum(rows + max_a, n)], m)
    width = int((phi - plo).max()) if n else 1
    cs, ct = pair_coverage(sf, tf, plo, phi, max(width, 1))
    cost_fn = _make_cost(sf, tf, params, cs, ct, plo, structure)
    return search(n, m, band, types, cost_fn, params.skip, params.temperature, free_end)


def _make_cost(
    sf: SideFeatures,
    tf: SideFeatures,
    params: AlignParams,
    cs: np.ndarray,
    ct: np.ndarray,
    plo: np.ndarray,
    structure: Structure,
) -> CostFn:
    width = cs.shape[1]
    pcs = np.zeros((cs.shape[0], width + 1))
    pct = np.zeros_like(pcs)
    np.cumsum(cs, axis=1, out=pcs[:, 1:])
    np.cumsum(ct, axis=1, out=pct[:, 1:])
    ws = np.concatenate([[0.0], np.cumsum(sf.weight)])
    wt = np.concatenate([[0.0], np.cumsum(tf.weight)])
    ls = np.concatenate([[0.0], np.cumsum(sf.length)])
    lt = np.concatenate([[0.0], np.cumsum(tf.length)])
    ratio = structure.ratio or (lt[-1] + 1.0) / (ls[-1] + 1.0)
    smooth = params.length_smooth
    q_src, q_tgt = structure.quotes
    t_src, t_tgt = structure.turns
    paras, hard = structure.paras, structure.hard_paragraphs
    semantic = structure.semantic
    edges = [  # (weight, keys per sentence on each side, whether the bead's first sentences)
        (weight, side, first)
        for weight, side, first in (
            (params.quote_opening, structure.quote_opens, True),
            (params.name_opening, structure.name_opens, True),
            (params.word_opening, structure.word_opens, True),
            (params.quote_closing, structure.quote_closes, False),
        )
        if weight and side is not None
    ]

    def cost(a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Vectorised over bead ends: ``i`` is a column of rows, ``j`` a matrix of columns."""
        if b == 0:  # the same flat price as an insertion: a length term would make long
            return _drop_cost(params, semantic, i, j)  # Chinese sentences impossible to drop
        csum = np.zeros(j.shape)
        tsum = np.zeros(j.shape)
        for d in range(1, a + 1):
            r = i - d
            hi_idx = np.clip(j - plo[r], 0, width)
            lo_idx = np.clip(j - b - plo[r], 0, width)
            csum += pcs[r, hi_idx] - pcs[r, lo_idx]
            tsum += pct[r, hi_idx] - pct[r, lo_idx]
        w_src = ws[i] - ws[i - a]
        w_tgt = wt[j] - wt[j - b]
        recall = np.minimum(csum, w_src) / np.maximum(w_src, 1e-9)
        precision = np.minimum(tsum, w_tgt) / np.maximum(w_tgt, 1e-9)
        beta2 = params.beta**2
        f1 = (1 + beta2) * precision * recall / np.maximum(beta2 * precision + recall, 1e-9)
        mass = np.maximum((w_src + w_tgt) / 2.0, params.mass_floor)
        f1 = f1 * mass**params.mass_power
        len_src = ratio * (ls[i] - ls[i - a]) + smooth
        len_tgt = lt[j] - lt[j - b] + smooth
        out = -f1 + params.length * np.log(len_tgt / len_src) ** 2 + params.merge * (a + b - 2)
        out = out + params.quote * np.abs(q_src[i] - q_tgt[j])
        turns = (t_src[i] - t_src[i - a]) - (t_tgt[j] - t_tgt[j - b])
        out = out + params.turns * np.abs(turns)
        if paras is not None:
            out = out + _paragraph_penalty(paras, params.paragraph, hard, a, b, i, j)
        if semantic is not None:
            out = out - params.semantic * (semantic.cosine(a, b, i, j) - params.semantic_offset)
        for weight, (zh_keys, en_keys), first in edges:  # first sentences i - a, j - b
            zh_at, en_at = (i - a, j - b) if first else (i - 1, j - 1)
            out = out - weight * (zh_keys[zh_at] == en_keys[en_at])
        return out

    return cost


def _drop_cost(
    params: AlignParams, semantic: BlockVectors | None, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """Price of leaving Chinese sentence i-1 untranslated at English position j."""
    if semantic is None or not params.drop_semantic:
        return np.full(j.shape, params.skip)
    cos = semantic.dropped(i, j, params.drop_reach)
    return params.skip + params.drop_semantic * (cos - params.drop_offset)


def _paragraph_penalty(
    paras: tuple[np.ndarray, np.ndarray],
    weight: float,
    hard: bool,
    a: int,
    b: int,
    i: np.ndarray,
    j: np.ndarray,
) -> np.ndarray:
    """Price of a bead whose ends or insides disagree about paragraph breaks."""
    src_breaks, tgt_breaks = paras
    src_cum = np.concatenate([[0.0], np.cumsum(src_breaks)])
    tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_breaks)])
    inner_s = src_cum[i] - src_cum[i - a + 1] if a > 1 else np.zeros_like(i, dtype=float)
    inner_t = tgt_cum[j] - tgt_cum[j - b + 1] if b > 1 else np.zeros_like(j, dtype=float)
    straddle = (inner_s > 0) != (inner_t > 0)
    edges = np.abs(src_breaks[i] - tgt_breaks[j]) + np.abs(src_breaks[i - a] - tgt_breaks[j - b])
    penalty = weight * (straddle + 0.5 * edges)
    if hard:
        penalty = np.where(penalty > 0, np.inf, 0.0)
    return penalty
