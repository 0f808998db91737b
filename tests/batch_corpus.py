"""Synthetic corpora for ``bitext batch`` tests and its benchmark, made from the seed text.

Document k is a random run of the seed communiqué's sentences, in paragraphs; its English side
(when it has one) gives each Chinese sentence one English line from the tiny model's training
lines. The English says something else, but the aligner needs only English text to align, and
determinism and throughput do not depend on what it says.
"""

from __future__ import annotations

import random
from pathlib import Path

from align.segment import segment
from tests.tiny_marian import ENGLISH, SEED

EN_LINES = ENGLISH.strip().splitlines()


def seed_sentences() -> list[str]:
    return [s.text for s in segment(SEED.read_text(encoding="utf-8"), "zh") if len(s.text) > 8]


def write_corpus(
    folder: Path, count: int, *, zh_only: int = 0, sentences: tuple[int, int] = (3, 8)
) -> Path:
    """``count`` documents ``docNNN.zh.md``; all but the last ``zh_only`` have ``.en.md`` too."""
    folder.mkdir(parents=True, exist_ok=True)
    pool = seed_sentences()
    for k in range(count):
        rng = random.Random(k)
        n = rng.randint(*sentences)
        start = rng.randrange(0, len(pool) - n)
        zh = pool[start : start + n]
        en = [rng.choice(EN_LINES) for _ in zh]
        breaks = {i for i in range(1, n) if rng.random() < 0.3}
        (folder / f"doc{k:03d}.zh.md").write_text(_paragraphs(zh, breaks, ""), encoding="utf-8")
        if k < count - zh_only:
            (folder / f"doc{k:03d}.en.md").write_text(_paragraphs(en, breaks, " "), "utf-8")
    return folder


def _paragraphs(sentences: list[str], breaks: set[int], joiner: str) -> str:
    out: list[str] = []
    for i, sentence in enumerate(sentences):
        if i in breaks:
            out.append("\n\n")
        elif i:
            out.append(joiner)
        out.append(sentence)
    return "".join(out) + "\n"
