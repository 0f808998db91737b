"""Boundary precision/recall/F1 of bitext's segmenter and pySBD on MAC-Dev, side by side.

Each ``NNN.zh.raw`` / ``NNN.en.raw`` is the gold units of ``NNN.zh`` / ``NNN.en`` joined (zh with
no separator, en with one space) on one line. A boundary is the end of a unit, measured as the
number of non-whitespace characters before it, so a tool that attaches a space to either side
of a boundary (or drops one) is scored the same. The end of the text is not a boundary.

    python scripts/bench_segment.py [BENCH_DIR] [--json]
    python scripts/bench_segment.py --throughput     # MB/s on generated Chinese, 1 MB and 5 MB
    python scripts/bench_segment.py --rewrap         # the raw texts hard-wrapped, then repaired

BENCH_DIR defaults to ``$BITEXT_BENCH_DIR`` or ``../shared/benchmarks/mac-dev``. The texts are
copyrighted: they are read at run time and never copied.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import textwrap
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

LANGS = ("zh", "en")
JOINERS = {"zh": "", "en": " "}
Splitter = Callable[[str, str], list[tuple[int, int]]]


@dataclass(frozen=True)
class Doc:
    name: str
    lang: str
    raw: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    tool: str
    lang: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "tool": self.tool,
            "lang": self.lang,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def default_dir() -> Path:
    env = os.environ.get("BITEXT_BENCH_DIR")
    if env:
        path = Path(env)
        return path / "mac-dev" if (path / "mac-dev").is_dir() else path
    return Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "mac-dev"


def load_docs(bench_dir: Path, langs: Sequence[str] = LANGS) -> list[Doc]:
    """Read every ``NNN.<lang>.raw`` with its gold units; check that the units rebuild it."""
    docs = []
    for lang in langs:
        for raw_path in sorted(bench_dir.glob(f"*.{lang}.raw")):
            name = raw_path.name.removesuffix(f".{lang}.raw")
            raw = raw_path.read_text(encoding="utf-8").rstrip("\n")
            gold = (bench_dir / f"{name}.{lang}").read_text(encoding="utf-8")
            units = tuple(gold.rstrip("\n").split("\n"))
            if JOINERS[lang].join(units) != raw:
                raise ValueError(f"{raw_path}: the gold units do not rebuild the raw text")
            docs.append(Doc(name, lang, raw, units))
    return docs


def _nonspace_prefix(text: str) -> list[int]:
    """``prefix[i]`` = non-whitespace characters in ``text[:i]``."""
    return [0, *itertools.accumulate(0 if ch.isspace() else 1 for ch in text)]


def gold_boundaries(doc: Doc) -> set[int]:
    prefix = _nonspace_prefix(doc.raw)
    ends, pos = set(), 0
    for unit in doc.units[:-1]:
        pos += len(unit)
        ends.add(prefix[pos])
        pos += len(JOINERS[doc.lang])
    return ends


def predicted_boundaries(doc: Doc, spans: list[tuple[int, int]]) -> set[int]:
    prefix = _nonspace_prefix(doc.raw)
    total = prefix[-1]
    return {prefix[end] for _, end in spans} - {total, 0}


def bitext_spans(text: str, lang: str) -> list[tuple[int, int]]:
    from align.segment import segment

    return [(s.start, s.end) for s in segment(text, lang)]


def pysbd_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """pySBD's sentences located in order in the text (robust to its whitespace handling)."""
    import pysbd

    sentences = pysbd.Segmenter(language=lang, clean=False).segment(text)
    spans, pos = [], 0
    for sentence in sentences:
        piece = sentence.strip()
        if not piece:
            continue
        found = text.find(piece, pos)
        if found < 0:
            raise ValueError(f"pySBD changed the text near offset {pos}")
        spans.append((found, found + len(piece)))
        pos = found + len(piece)
    return spans


def wrapped_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """bitext on ``text`` re-wrapped as a PDF copy would be (:func:`rewrap`), read back through
    the document reader's hard-wrap repair; spans are mapped back onto ``text``."""
    from align.documents.text import read_text_document

    document = read_text_document(rewrap(text, lang).encode("utf-8"), "rewrapped", "text")
    spans = bitext_spans(document.text, lang)
    return _spans_in(text, document.text, spans)


def _spans_in(original: str, repaired: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of ``repaired`` as spans of ``original``, matching characters other than spaces
    and hyphens (the repair may drop a line-end hyphen or the space at a line break)."""
    keep = [i for i, ch in enumerate(original) if not (ch.isspace() or ch == "-")]
    index = [0, *itertools.accumulate(0 if ch.isspace() or ch == "-" else 1 for ch in repaired)]
    if len(keep) != index[-1]:
        raise ValueError("the repaired text lost or gained characters")
    return [
        (
            keep[index[a]] if index[a] < len(keep) else len(original),
            keep[index[b] - 1] + 1 if index[b] else 0,
        )
        for a, b in spans
    ]


WRAP_WIDTH = {"zh": 40, "en": 70}
PAGE_LINES = 40


def hard_wrap(paragraph: str, width: int, lang: str) -> list[str]:
    """English breaks at spaces and after hyphens (``textwrap``); Chinese anywhere, each line
    filled to ``width`` display columns (a Han character is two)."""
    if lang != "zh":
        return textwrap.wrap(paragraph, width)
    lines, line, used = [], "", 0
    for ch in paragraph:
        cols = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + cols > width:
            lines.append(line.rstrip())
            line, used = "", 0
        if line or ch != " ":
            line, used = line + ch, used + cols
    if line.strip():
        lines.append(line.rstrip())
    return lines


def rewrap(text: str, lang: str, width: int | None = None, every: int = PAGE_LINES) -> str:
    """``text`` hard-wrapped at ``width`` columns (40 for Chinese, 70 for English) in pages of
    ``every`` lines, each page opening with a running header and closing with its number."""
    width = width or WRAP_WIDTH[lang]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend([*hard_wrap(paragraph, width, lang), ""] if paragraph.strip() else [""])
    header = "中华人民共和国外交部文件" if lang == "zh" else "Benchmark texts, re-wrapped"
    out = []
    for page, first in enumerate(range(0, len(lines), every), start=1):
        out += [header, "", *lines[first : first + every], "", f"- {page} -", ""]
    return "\n".join(out)


TOOLS: dict[str, Splitter] = {"bitext": bitext_spans, "pysbd": pysbd_spans}


def evaluate(docs: Sequence[Doc], tools: dict[str, Splitter] | None = None) -> list[Score]:
    """Micro-averaged boundary scores per tool and language."""
    scores = []
    for tool, split in (tools or TOOLS).items():
        for lang in sorted({d.lang for d in docs}, key=LANGS.index):
            tp = fp = fn = 0
            for doc in (d for d in docs if d.lang == lang):
                gold = gold_boundaries(doc)
                pred = predicted_boundaries(doc, split(doc.raw, lang))
                tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
            scores.append(Score(tool, lang, tp, fp, fn))
    return scores


def format_table(scores: Sequence[Score]) -> str:
    lines = [f"{'tool':<9} {'lang':<4} {'P':>7} {'R':>7} {'F1':>7} {'tp':>6} {'fp':>5} {'fn':>5}"]
    for s in scores:
        lines.append(
            f"{s.tool:<9} {s.lang:<4} {s.precision:7.4f} {s.recall:7.4f} {s.f1:7.4f}"
            f" {s.tp:6d} {s.fp:5d} {s.fn:5d}"
        )
    return "\n".join(lines)


_HAN = "".join(map(chr, range(0x4E00, 0x4E00 + 3000)))  # CJK Unified Ideographs
_SENTENCE_ENDS = ["。"] * 12 + ["！", "？", "……", "。”", "？”"]


def generate_zh(nbytes: int, seed: int = 0) -> str:
    """Chinese-like text of about ``nbytes`` UTF-8 bytes with every construct the rules handle:
    quotes, titles, numbers, enumerated lines, headings and paragraphs (deterministic)."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < nbytes:
        paragraph = []
        if rng.random() < 0.05:
            paragraph.append(f"## {''.join(rng.choices(_HAN, k=rng.randint(6, 16)))}\n\n")
        for _ in range(rng.randint(1, 6)):
            words = [
                "".join(rng.choices(_HAN, k=rng.randint(2, 8))) for _ in range(rng.randint(3, 9))
            ]
            sentence = "，".join(words)
            roll = rng.random()
            if roll < 0.15:
                sentence = f"{words[0]}说：“{sentence}"
            elif roll < 0.25:
                sentence += f"《{words[-1]}》{rng.randint(1, 9999)}.{rng.randint(0, 9)}%"
            elif roll < 0.30:
                sentence = f"{rng.choice('一二三四五')}、{sentence}"
            end = rng.choice(_SENTENCE_ENDS)
            if sentence.startswith(words[0] + "说：“") and "”" not in end:
                end += "”"
            paragraph.append(sentence + end)
        text = "".join(paragraph) + "\n\n"
        out.append(text)
        size += len(text.encode("utf-8"))
    return "".join(out)


def throughput(sizes_mb: Sequence[int] = (1, 5), repeat: int = 3) -> list[tuple[int, float, float]]:
    """Best-of-``repeat`` MB/s (UTF-8 bytes) of the Chinese segmenter per text size, by wall
    clock and by CPU time (the second stays honest on a machine shared with other jobs)."""
    from align.segment import segment

    results = []
    for size in sizes_mb:
        text = generate_zh(size * 1_000_000)
        nbytes = len(text.encode("utf-8"))
        wall, cpu = zip(*(_timed(segment, text) for _ in range(repeat)), strict=True)
        results.append((size, nbytes / min(wall) / 1e6, nbytes / min(cpu) / 1e6))
    return results


def _timed(func: Callable[[str, str], object], text: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    func(text, "zh")
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench_dir", nargs="?", type=Path, default=None, help="MAC-Dev folder")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--throughput", action="store_true", help="measure MB/s on generated Chinese instead"
    )
    parser.add_argument(
        "--rewrap",
        action="store_true",
        help="bitext on the raw texts as given and re-wrapped (zh 40, en 70 columns, a header"
        " and a page number every 40 lines) through the hard-wrap repair",
    )
    args = parser.parse_args(argv)
    if args.throughput:
        for size, wall, cpu in throughput():
            print(f"bitext zh {size} MB: {wall:.1f} MB/s wall clock, {cpu:.1f} MB/s CPU time")
        return 0
    bench_dir = args.bench_dir or default_dir()
    if not bench_dir.is_dir():
        print(f"bench_segment: {bench_dir}: no such folder; pass BENCH_DIR", file=sys.stderr)
        return 1
    tools = {"bitext": bitext_spans, "rewrapped": wrapped_spans} if args.rewrap else None
    scores = evaluate(load_docs(bench_dir), tools)
    if args.json:
        print(json.dumps([s.as_dict() for s in scores], indent=2))
    else:
        print(format_table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
