"""Sentence boundaries that fall inside a quotation, on either side, and sentences that open
with a name or a quotation or close a quotation (cues for the edges of a bead).

Translators keep dialogue together: when the Chinese closes a quotation at a bead boundary the
English usually does too. For every lattice position (the boundary after k sentences) we say
whether it lies inside a quotation, judged locally — the sentence before it opens more quotes than
it closes, or the sentence after it closes more than it opens — so one stray quote mark cannot
flip the state of the rest of the document. The aligner charges a small price for bead
boundaries where the two sides disagree, and for beads whose sides open different numbers of
lines of dialogue (one gained or lost).

Translators also start a sentence where the original does when it opens with a character —
"韦小宝扑将过去……" becomes "Trinket sprang forward…" — or with a line of dialogue, and end one
where a line of dialogue ends. So a bead whose first Chinese sentence (judged on its MT draft)
and first English sentence both open with a name, or both with a quotation, or whose last
sentences both close a quotation, is a likely bead, whichever names or words they are (the
second pass links 韦小宝 to Trinket; this needs no link). Likewise when the first Chinese sentence's
MT draft and the first English sentence open with the same word: "When…", "But…", "I…" — the
MT keeps the original's first clause first, and so do most translators.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import regex

from align.lexicon import STOPWORDS

# An English quote opens at the start of a word and closes after punctuation (single quotes)
# or after any non-space (double quotes), so apostrophes (it's, the students') are not quotes.
_EN_OPEN = regex.compile(r"(?:(?<=^|[\s(\[—–-])['‘\"](?=[\w…]))|“")
_EN_CLOSE = regex.compile(
    r"(?:(?<=[.,!?;:…—–-])['’](?=\s|$|[)\]—–-]))|(?:(?<=\S)\"(?=\s|$|[)\]—–-]))|”"
)


def en_quote_balance(sentence: str) -> tuple[int, int]:
    return len(_EN_OPEN.findall(sentence)), len(_EN_CLOSE.findall(sentence))


def zh_quote_balance(sentence: str) -> tuple[int, int]:
    opened = sentence.count("“") + sentence.count("「") + sentence.count("『")
    closed = sentence.count("”") + sentence.count("」") + sentence.count("』")
    return opened, closed


def quote_counts(
    sentences: Sequence[str], balance: Callable[[str], tuple[int, int]]
) -> list[tuple[int, int]]:
    """(quotations opened, quotations closed) per sentence."""
    return [balance(s) for s in sentences]


def inside_quote(counts: Sequence[tuple[int, int]]) -> np.ndarray:
    """1.0 at lattice positions 1..len-1 that lie inside a quotation, else 0.0."""
    out = np.zeros(len(counts) + 1)
    for k in range(1, len(counts)):
        left_open = counts[k - 1][0] > counts[k - 1][1]
        right_close = counts[k][1] > counts[k][0]
        out[k] = float(left_open or right_close)
    return out


# A quotation is a line of dialogue when it holds speech punctuation; "本组织" or the 'Shanghai
# Spirit' (terms, titles, slogans: common in official texts) are not, and translators often drop
# their quote marks. English quotations run to the next quote mark that is not an apostrophe.
_ZH_QUOTED = regex.compile(r"[“「『]([^”」』]*)")
_ZH_SPEECH = regex.compile(r"[。！？，、；：…!?,]")
_EN_QUOTED = regex.compile(r"(?:(?<=^|[\s(\[—–-])['‘\"](?=[\w…])|“)((?:[^'’\"”]|['’](?=\w))*)")
_EN_SPEECH = regex.compile(r"[.,!?;:…]")


def zh_dialogue_lines(sentence: str) -> int:
    return sum(1 for m in _ZH_QUOTED.finditer(sentence) if _ZH_SPEECH.search(m.group(1)))


def en_dialogue_lines(sentence: str) -> int:
    return sum(1 for m in _EN_QUOTED.finditer(sentence) if _EN_SPEECH.search(m.group(1)))


def dialogue_lines(sentences: Sequence[str], count: Callable[[str], int]) -> np.ndarray:
    """Lines of dialogue opened before each lattice position (cumulative, positions 0..len).

    A bead whose two sides open different numbers of them has gained or lost a line of
    dialogue: the aligner charges for each one (``AlignParams.turns``).
    """
    return np.concatenate([[0.0], np.cumsum([count(s) for s in sentences], dtype=np.float64)])


_ZH_OPENS_QUOTE = regex.compile(r"\s*[“「『]")
_EN_OPENS_QUOTE = regex.compile(r"\s*(?:['‘\"](?=[\w…])|“)")
_ZH_CLOSES_QUOTE = regex.compile(r"[”」』]\s*$")
_EN_CLOSES_QUOTE = regex.compile(r"[.,!?;:…—–-]['’\"”]\s*$")


def quote_openings(sentences: Sequence[str], lang: str) -> np.ndarray:
    """1.0 for each sentence that opens with a quotation mark ("zh" or "en" marks), else 0.0."""
    opens = _ZH_OPENS_QUOTE if lang == "zh" else _EN_OPENS_QUOTE
    return np.array([float(bool(opens.match(s))) for s in sentences], dtype=np.float64)


def quote_closings(sentences: Sequence[str], lang: str) -> np.ndarray:
    """1.0 for each sentence that ends by closing a quotation, else 0.0 (an English closing
    quote follows punctuation, so "the students'" is no quotation)."""
    closes = _ZH_CLOSES_QUOTE if lang == "zh" else _EN_CLOSES_QUOTE
    return np.array([float(bool(closes.search(s))) for s in sentences], dtype=np.float64)


_WORD = regex.compile(r"\p{L}\p{Ll}+")
NAME_MIN = 2  # times a word must be capitalised in mid-sentence to count as a name


def name_openings(sentences: Sequence[str]) -> np.ndarray:
    """1.0 for each English sentence (or MT draft) that opens with a name, else 0.0.

    A name is a word the text capitalises in mid-sentence at least ``NAME_MIN`` times and never
    writes in lower case: Trinket, Wang, China — not "The" or "He", which open sentences of
    every kind (pronouns as openings made MAC-Dev worse, names better).
    """
    words = [_WORD.findall(s) for s in sentences]
    capital: Counter[str] = Counter()
    lower: set[str] = set()
    for row in words:
        capital.update(w for w in row[1:] if w[0].isupper())
        lower.update(w.capitalize() for w in row if w[0].islower())
    names = {
        w
        for w, count in capital.items()
        if count >= NAME_MIN and w not in lower and w.lower() not in STOPWORDS
    }
    return np.array([float(bool(row) and row[0] in names) for row in words], dtype=np.float64)


_FIRST_WORD = regex.compile(r"\P{L}*(\p{L}+)")
COMMON_OPENER = 0.1  # share of English sentences beyond which an opening word tells nothing
COMMON_MIN = 3  # ... if it opens at least this many (in a short text every word is a tenth)


def opening_words(drafts: Sequence[str], tgt: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each MT draft's and each English sentence's first word, as ids shared by the two sides.

    Any word counts, function words too: "When" opening both is as telling as "Wang". A word
    that opens more than ``COMMON_OPENER`` of the English sentences, and at least ``COMMON_MIN``
    ("The" in a communiqué, "I" in a first-person novel), would favour every bead start alike,
    so it gets no id. A sentence without an id gets -1 (drafts) or -2 (English), so two of them
    never match. (On MAC-Dev the exclusion changes nothing at 0.1-0.2; at 0.05 it costs 1-2
    beads.)
    """
    ids: dict[str, int] = {}

    def keys(sentences: Sequence[str], none: int) -> np.ndarray:
        found = (_FIRST_WORD.match(s) for s in sentences)
        return np.array(
            [ids.setdefault(m.group(1).lower(), len(ids)) if m else none for m in found],
            dtype=np.int64,
        )

    zh, en = keys(drafts, -1), keys(tgt, -2)
    words, counts = np.unique(en[en >= 0], return_counts=True)
    common = words[(counts > COMMON_OPENER * len(tgt)) & (counts >= COMMON_MIN)]
    return np.where(np.isin(zh, common), -1, zh), np.where(np.isin(en, common), -2, en)
