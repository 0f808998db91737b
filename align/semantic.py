"""A sentence-meaning signal for the aligner: multilingual embeddings of candidate bead sides.

Word overlap (``align.similarity``) cannot see that "Trinket went out like a light" renders
韦小宝一阵晕眩, or which of two clause-swapping sentences a free translation merged. A
multilingual sentence encoder can: it maps a Chinese block and an English block with the same
meaning to nearby vectors. Like Vecalign and Bertalign, candidate sides of a bead (1 to 4
Chinese sentences, 1 to 6 English ones) are encoded as whole texts, not as averages of sentence
vectors — on MAC-Dev, averaging sentence vectors made the alignment worse (0.860 against 0.922).

Raw cosines of such encoders are squeezed into a narrow band (multilingual-e5: 0.75–0.95 for
any two texts), so each side is centred on its document's mean sentence vector and normalised
again; the centred cosine of a right 1-1 pair beats both its neighbours' on MAC-Dev 96% of the
time (93% uncentred). The aligner adds ``-weight · (cosine - offset)`` to each bead's cost.

Encoding is the cost, so not every block is encoded. Blocks of 1–2 sentences are encoded
everywhere; blocks of 3 Chinese or 3–4 English sentences only where an alignment without vectors
merged sentences on that side (``wide_ends``); every other block (and every block of 4 Chinese or
5–6 English sentences) is the character-weighted mean of the widest encoded blocks that tile it.
On MAC-Dev that gives the same beads as encoding every block (with and without drafts, and on
MAC-Dev-2021) from a third of the tokens. A long text (``LONG_TEXT`` sentences), whose encoding
is what its user waits for, encodes less (``encoding_for``): single sentences everywhere, blocks
of 2 Chinese or 2–3 English sentences only near a first alignment's merges, the rest composed —
on a 40k × 31k pair about half the tokens. On MAC-Dev's short chapters that cheaper encoding
costs a little: leave-one-chapter-out exact F1 with the weights refitted on its vectors, meaning
without drafts 0.897 / 0.904 (MAC-Dev / 2021) against 0.903 / 0.909, with drafts 0.923 / 0.928
against 0.925 / 0.929 — so short texts keep the full encoding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from align.errors import InputError
from align.model import Bead

MAX_SRC_BLOCK = 4  # the widest bead sides the aligner proposes (4-1 and 1-6)
MAX_TGT_BLOCK = 6
ENCODED_SRC = 3  # blocks up to this wide are encoded; wider ones are composed (module docstring)
ENCODED_TGT = 4
SORT_WINDOW = 4096  # blocks sorted by length together before they are cut into batches
NARROW = 2  # blocks up to this wide are encoded everywhere, wider ones only where ``WideEnds`` say
LONG_TEXT = 20_000  # sentences on both sides together from which a text encodes less
LONG_NARROW = 1
LONG_ENCODED = (2, 3)  # a long text's widest encoded blocks (Chinese, English)


@dataclass(frozen=True)
class Encoding:
    """Which blocks are encoded: up to ``narrow`` sentences everywhere, up to ``widths`` (per
    side) near merges; the rest are composed."""

    narrow: int
    widths: tuple[int, int]


def encoding_for(n: int, m: int) -> Encoding:
    """A long text encodes less (module docstring): on a 40k x 31k pair the full encoding took
    about 13 minutes on 2 cores, the long one about half the tokens."""
    if n + m >= LONG_TEXT:
        return Encoding(LONG_NARROW, LONG_ENCODED)
    return Encoding(NARROW, (ENCODED_SRC, ENCODED_TGT))


class SentenceEncoder(Protocol):
    """Maps texts in any language to L2-normalised vectors (one row per text)."""

    @property
    def name(self) -> str: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class BlockVectors:
    """``src[a - 1][e]``: the centred unit vector of Chinese sentences ``e - a .. e - 1``.

    Indexed by the block's end, like the aligner's lattice; rows with ``e < a`` are zero.
    """

    src: tuple[np.ndarray, ...]
    tgt: tuple[np.ndarray, ...]

    @property
    def shape(self) -> tuple[int, int]:
        """Sentences on each side."""
        return self.src[0].shape[0] - 1, self.tgt[0].shape[0] - 1

    def window(self, i0: int, i1: int, j0: int, j1: int) -> BlockVectors:
        """The vectors of the sub-lattice (i0..i1) x (j0..j1): blocks ending inside it."""
        return BlockVectors(
            tuple(v[i0 : i1 + 1] for v in self.src), tuple(v[j0 : j1 + 1] for v in self.tgt)
        )

    def cosine(self, a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Cosines of the beads (i-a..i) x (j-b..j): ``i`` a column of ends, ``j`` a matrix.

        One matrix product per call over the columns the rows reach, then a gather: far less
        memory than pairing a vector with every cell of the band.
        """
        if a > len(self.src) or b > len(self.tgt):
            return np.zeros(j.shape)
        rows = self.src[a - 1][np.asarray(i).reshape(-1)]
        first, last = int(j.min()), int(j.max())
        table = rows @ self.tgt[b - 1][first : last + 1].T
        return table[np.arange(len(rows))[:, None], j - first].astype(np.float64)

    def dropped(self, i: np.ndarray, j: np.ndarray, reach: int) -> np.ndarray:
        """How well Chinese sentence ``i - 1``, left out by a 1-0 bead ending at (i, j), is
        rendered nearby: its best cosine with English sentences ``j - reach .. j + reach - 1``.

        A sentence the translator really left out resembles none of them (MAC-Dev: a centred
        cosine of 0.18 or less for 8 of its 9 dropped sentences, above 0.18 for 90% of the
        translated ones), so the aligner charges less for leaving it out.
        """
        src, tgt = self.src[0], self.tgt[0]
        rows = np.asarray(i).reshape(-1)
        lo = max(int(j.min()) - reach + 1, 0)
        hi = min(int(j.max()) + reach, tgt.shape[0] - 1)
        table = src[rows] @ tgt[lo : hi + 1].T  # each row's sentence against the columns' reach
        here = np.arange(len(rows))[:, None]
        best = np.full(j.shape, -1.0)
        for shift in range(1 - reach, reach + 1):
            best = np.maximum(best, table[here, np.clip(j + shift, lo, hi) - lo])
        return best


def block_texts(sentences: Sequence[str], width: int, sep: str) -> list[tuple[int, int, str]]:
    """(block length, end, text) of every block of 1..width consecutive sentences."""
    return [
        (a, end, sep.join(sentences[end - a : end]))
        for a in range(1, width + 1)
        for end in range(a, len(sentences) + 1)
    ]


@dataclass(frozen=True)
class WideEnds:
    """Block ends, per side, where blocks wider than ``narrow`` sentences are encoded."""

    src: frozenset[int]
    tgt: frozenset[int]


def wide_ends(beads: Iterable[Bead]) -> WideEnds:
    """Where a first alignment (without vectors) merged sentences on a side.

    Only near such beads did the vectors ever make a wide bead win on MAC-Dev: encoding wide
    blocks there alone gave the same beads as encoding them everywhere, from 62% of the tokens.
    Elsewhere they are composed. The first alignment costs seconds; encoding, minutes.
    """
    beads = list(beads)
    return WideEnds(_inside(b.source for b in beads), _inside(b.target for b in beads))


def _inside(sides: Iterable[tuple[int, ...]]) -> frozenset[int]:
    """Ends of the blocks whose last sentence lies in a side of two or more sentences."""
    return frozenset(e for s in sides if len(s) > 1 for e in range(min(s) + 1, max(s) + 2))


def block_vectors(
    src: Sequence[str],
    tgt: Sequence[str],
    encoder: SentenceEncoder,
    *,
    wide: WideEnds | None = None,
    narrow: int | None = None,
    widths: tuple[int, int] | None = None,
    batch: int = 64,
    progress: Callable[[int], None] | None = None,
) -> BlockVectors:
    """Encode every candidate bead side of a Chinese text and its English translation.

    With ``wide`` (``wide_ends`` of a first alignment), blocks wider than ``narrow`` are encoded
    only at those ends; blocks wider than ``widths`` are composed (both by default from
    ``encoding_for`` the text's length). ``progress(k)`` is told each time k more blocks are
    encoded (``count_blocks`` gives the total for a progress bar).
    """
    where = (None, None) if wide is None else (wide.src, wide.tgt)
    policy = encoding_for(len(src), len(tgt))
    pick = _Pick(policy.narrow if narrow is None else narrow, batch)
    src_w, tgt_w = widths or policy.widths
    return BlockVectors(
        _side(src, (MAX_SRC_BLOCK, src_w), "", where[0], encoder, pick, progress),
        _side(tgt, (MAX_TGT_BLOCK, tgt_w), " ", where[1], encoder, pick, progress),
    )


def count_blocks(
    n: int,
    m: int,
    wide: WideEnds | None = None,
    narrow: int | None = None,
    widths: tuple[int, int] | None = None,
) -> int:
    """How many texts ``block_vectors`` encodes for n Chinese and m English sentences."""
    where = (None, None) if wide is None else (wide.src, wide.tgt)
    policy = encoding_for(n, m)
    sides = zip((n, m), widths or policy.widths, strict=True)
    narrowest = policy.narrow if narrow is None else narrow
    return sum(
        _encoded(a, end, where[side], narrowest)
        for side, (length, width) in enumerate(sides)
        for a in range(1, width + 1)
        for end in range(a, length + 1)
    )


@dataclass(frozen=True)
class _Pick:
    narrow: int  # blocks up to this wide are encoded everywhere
    batch: int  # texts per call of the encoder


def _encoded(width: int, end: int, where: frozenset[int] | None, narrow: int) -> bool:
    return width <= narrow or where is None or end in where


def _side(
    sentences: Sequence[str],
    widths: tuple[int, int],
    sep: str,
    where: frozenset[int] | None,
    encoder: SentenceEncoder,
    pick: _Pick,
    progress: Callable[[int], None] | None,
) -> tuple[np.ndarray, ...]:
    """Centred unit vectors of every block up to ``widths[0]`` sentences, encoding those up to
    ``widths[1]`` (the wider than ``pick.narrow`` only at ends in ``where``, if given)."""
    width, encoded = widths
    blocks = [
        block
        for block in block_texts(sentences, min(width, encoded), sep)
        if _encoded(block[0], block[1], where, pick.narrow)
    ]
    # shortest first within windows of SORT_WINDOW blocks: each batch then holds texts of about
    # one length, so the encoder pads little (in document order a 16-text batch of 1-2 sentence
    # blocks wasted 23-31% of its tokens on padding; sorted, about 1%), and the progress bar
    # still moves at an even pace from window to window
    blocks = [
        block
        for start in range(0, len(blocks), SORT_WINDOW)
        for block in sorted(blocks[start : start + SORT_WINDOW], key=lambda b: len(b[2]))
    ]
    vectors: list[np.ndarray] = []
    for start in range(0, len(blocks), pick.batch):
        chunk = [text for _, _, text in blocks[start : start + pick.batch]]
        vectors.append(_checked(encoder.encode(chunk), len(chunk), encoder.name))
        if progress is not None:
            progress(len(chunk))
    if not blocks:
        return tuple(np.zeros((len(sentences) + 1, 1), dtype=np.float32) for _ in range(width))
    flat = np.concatenate(vectors)
    raw = [np.zeros((len(sentences) + 1, flat.shape[1]), dtype=np.float32) for _ in range(width)]
    have = [np.zeros(len(sentences) + 1, dtype=bool) for _ in range(width)]
    for (a, end, _), vector in zip(blocks, flat, strict=True):
        raw[a - 1][end] = vector
        have[a - 1][end] = True
    _compose(raw, have, encoded, [max(len(s), 1) for s in sentences])
    mean = raw[0][1:].mean(axis=0)  # the document's mean sentence
    for a, table in enumerate(raw, start=1):
        table[a:] -= mean
        table[a:] /= np.maximum(np.linalg.norm(table[a:], axis=1, keepdims=True), 1e-9)
    return tuple(raw)


def _compose(
    raw: list[np.ndarray], have: list[np.ndarray], encoded: int, lengths: list[int]
) -> None:
    """Fill the blocks not encoded: the mean of the widest encoded blocks that tile each one
    from its start, weighted by their characters (single sentences are encoded everywhere)."""
    chars = np.concatenate([[0.0], np.cumsum(lengths)])
    for a in range(2, len(raw) + 1):
        for end in (np.flatnonzero(~have[a - 1][a:]) + a).tolist():
            total = np.zeros(raw[0].shape[1])
            pos = end - a
            while pos < end:
                piece = min(encoded, end - pos)
                while not have[piece - 1][pos + piece]:
                    piece -= 1
                total += (chars[pos + piece] - chars[pos]) * raw[piece - 1][pos + piece]
                pos += piece
            raw[a - 1][end] = total / max(float(np.linalg.norm(total)), 1e-9)


def _checked(vectors: np.ndarray, count: int, name: str) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != count or not np.isfinite(vectors).all():
        raise InputError(
            f"sentence encoder {name} returned unusable vectors (shape {vectors.shape} for "
            f"{count} texts); reinstall it or align without --semantic"
        )
    return vectors
