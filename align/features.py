"""Evidence about a pair of texts beyond their words, read once per text.

Paragraph breaks, whether each lattice position is inside a quotation, lines of dialogue and
the per-sentence keys of the edge cues (opens with a quotation / a name / which word, closes a
quotation) are computed here, once per text and window; ``align.cost`` turns them into each
candidate bead's features.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
from align.semantic import BlockVectors


def paragraph_breaks(
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
