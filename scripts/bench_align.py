#!/usr/bin/env python3
"""Align every document of a sentence-alignment benchmark and score it with its own scorer.

    python scripts/bench_align.py [BENCH_DIR] [--drafts/--no-drafts] [--scorer PATH]
                                  [--pred-dir DIR] [--json]

BENCH_DIR (default: $BITEXT_BENCH_DIR) holds NAME.zh and NAME.en (one sentence per line),
NAME.gold and optionally NAME.mt (one MT draft per NAME.zh line, used with --drafts). The
predictions are written as NAME.align into --pred-dir (default: a temporary folder) and scored
by score_alignment.py, found next to BENCH_DIR (its parent folder) unless --scorer is given.
The benchmark texts are read at run time only; nothing from them is stored in this repository.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from align.aligner import align  # noqa: E402
from align.formats.beads import format_bead  # noqa: E402


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def align_dir(bench: Path, pred: Path, use_drafts: bool) -> dict[str, float]:
    """Write NAME.align for every NAME.gold in ``bench``; return seconds per document."""
    times = {}
    for gold in sorted(bench.glob("*.gold")):
        name = gold.name[: -len(".gold")]
        src = read_lines(bench / f"{name}.zh")
        tgt = read_lines(bench / f"{name}.en")
        mt = bench / f"{name}.mt"
        drafts = read_lines(mt) if use_drafts and mt.exists() else None
        started = time.perf_counter()
        beads = align(src, tgt, drafts=drafts)
        times[name] = time.perf_counter() - started
        text = "".join(format_bead(b) + "\n" for b in beads)
        (pred / f"{name}.align").write_text(text, encoding="utf-8")
    return times


def score(bench: Path, pred: Path, scorer: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(scorer), str(bench), str(pred), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def run(bench: Path, use_drafts: bool, scorer: Path | None, pred_dir: Path | None) -> dict:
    scorer = scorer or bench.resolve().parent / "score_alignment.py"
    if not scorer.exists():
        raise SystemExit(f"bench_align: no scorer at {scorer}; pass --scorer PATH")
    with tempfile.TemporaryDirectory(prefix="bitext-bench-") as tmp:
        pred = pred_dir or Path(tmp)
        pred.mkdir(parents=True, exist_ok=True)
        times = align_dir(bench, pred, use_drafts)
        result = score(bench, pred, scorer)
    result["seconds"] = round(sum(times.values()), 2)
    result["drafts"] = use_drafts
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench", nargs="?", default=os.environ.get("BITEXT_BENCH_DIR"))
    ap.add_argument("--drafts", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--scorer", type=Path, default=None)
    ap.add_argument("--pred-dir", type=Path, default=None)
    ap.add_argument("--per-doc", action="store_true", help="also print per-document exact F1")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.bench:
        ap.error("give BENCH_DIR or set BITEXT_BENCH_DIR")
    bench = Path(args.bench)
    if not any(bench.glob("*.gold")):
        ap.error(f"no *.gold files in {bench}")
    result = run(bench, args.drafts, args.scorer, args.pred_dir)
    if args.json:
        print(json.dumps(result, indent=1, sort_keys=True))
        return 0
    mode = "with drafts" if args.drafts else "without drafts"
    print(
        f"{bench} ({mode}): F1 strict {result['f1_strict']:.3f}  lax {result['f1_lax']:.3f}"
        f"  exact {result['f1_exact']:.3f}   ({result['seconds']} s aligning)"
    )
    if args.per_doc:
        for name, doc in sorted(result["per_doc"].items()):
            print(f"  {name}: strict {doc['f1_strict']:.3f}  exact {doc['f1_exact']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
