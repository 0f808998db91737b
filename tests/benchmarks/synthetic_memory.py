"""A synthetic zh–en memory for the TM benchmarks: no real text, realistic frequencies.

Chinese sentences are words drawn from a Zipf distribution (exponent 1) over a 50,000-word
vocabulary of random CJK characters, except that the 40 most frequent words are single
characters, as in real Chinese (的, 是, 在, 和…): that keeps character-pair frequencies close to
a real corpus, where the commonest pairs occur in a few percent of sentences. English sides are
random lower-case words drawn the same way. Everything is seeded, so runs are comparable.
"""

from __future__ import annotations

import random

CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 4000)]
LATIN = "abcdefghijklmnopqrstuvwxyz"


def vocabularies(seed: int = 1) -> tuple[list[str], list[str], list[float]]:
    rng = random.Random(seed)
    zh = ["".join(rng.choice(CJK) for _ in range(1 if i < 40 else rng.choice((1, 2, 2, 2, 3, 4))))
          for i in range(50_000)]  # fmt: skip
    en = ["".join(rng.choice(LATIN) for _ in range(rng.randint(2, 10))) for _ in range(50_000)]
    weights = [1 / (rank + 1) for rank in range(50_000)]
    return zh, en, weights


def synthetic_memory(n: int, seed: int = 1) -> tuple[list[str], list[str]]:
    """``n`` (Chinese, English) units of about 45 and 150 characters."""
    zh, en, weights = vocabularies(seed)
    rng = random.Random(seed + 1)
    zw = rng.choices(zh, weights, k=n * 20)
    ew = rng.choices(en, weights, k=n * 22)
    sources = ["".join(zw[i * 20 : (i + 1) * 20]) + "。" for i in range(n)]
    targets = [" ".join(ew[i * 22 : (i + 1) * 22]) + "." for i in range(n)]
    return sources, targets


def queries(sources: list[str], count: int = 1000, seed: int = 3) -> list[str]:
    """Segments to look up: a third copies of units, a third with one or two characters
    changed (fuzzy matches), a third new sentences from the same vocabulary (no match)."""
    zh, _, weights = vocabularies()
    rng = random.Random(seed)
    out = []
    for k in range(count):
        s = sources[rng.randrange(len(sources))]
        if k % 3 == 1:
            for _ in range(rng.randint(1, 2)):
                p = rng.randrange(len(s) - 1)
                s = s[:p] + rng.choice(CJK) + s[p + 1 :]
        elif k % 3 == 2:
            s = "".join(rng.choices(zh, weights, k=20)) + "。"
        out.append(s)
    return out
