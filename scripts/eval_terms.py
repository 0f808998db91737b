"""Precision of ``bitext terms`` on a benchmark's gold beads, used as the memory.

    python scripts/eval_terms.py ../shared/benchmarks/mac-dev [--top 50] [--min-count 3]
        [--json] [--show]

The benchmark folder (or ``BITEXT_BENCH_DIR``) holds ``NAME.zh``, ``NAME.en`` (one sentence a
line) and ``NAME.gold`` (``[zh ids]:[en ids]`` beads); each gold bead with both sides becomes
one memory unit. The texts are read from that path and never stored in the repository.

Two automatic measures of the top N: a pair is **CC-CEDICT-confirmed** when its English shares
a stem with a CC-CEDICT gloss of the Chinese (or of its words), and the Chinese is a
**CC-CEDICT headword** when the dictionary lists it whole. ``--show`` prints the list for a
person to judge (precision "by reading"); nothing is written to disk.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from align.formats.beads import read_beads  # noqa: E402
from align.lexicon import lexicon  # noqa: E402
from align.terms import TermCandidate, term_candidates  # noqa: E402


def gold_pairs(bench: Path) -> list[tuple[str, str]]:
    pairs = []
    for gold in sorted(bench.glob("*.gold")):
        name = gold.name[: -len(".gold")]
        zh = (bench / f"{name}.zh").read_text(encoding="utf-8").splitlines()
        en = (bench / f"{name}.en").read_text(encoding="utf-8").splitlines()
        for src, tgt in read_beads(gold):
            if src and tgt:
                pairs.append(("".join(zh[i] for i in src), " ".join(en[j] for j in tgt)))
    return pairs


def measure(found: list[TermCandidate]) -> dict[str, float]:
    lex = lexicon()
    n = max(len(found), 1)
    return {
        "candidates": len(found),
        "cedict_confirmed": round(sum(c.in_dictionary for c in found) / n, 3),
        "cedict_headword": round(sum(c.zh in lex for c in found) / n, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench", nargs="?", default=os.environ.get("BITEXT_BENCH_DIR"))
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="print the candidates to judge")
    args = parser.parse_args(argv)
    if not args.bench or not Path(args.bench).is_dir():
        print("eval_terms: give the benchmark folder (or set BITEXT_BENCH_DIR)", file=sys.stderr)
        return 2
    pairs = gold_pairs(Path(args.bench))
    found = term_candidates(pairs, min_count=args.min_count, top=args.top)
    scores = {"units": len(pairs), **measure(found)}
    if args.json:
        print(json.dumps(scores))
    else:
        print(
            f"{scores['units']} units, top {scores['candidates']}: CC-CEDICT-confirmed "
            f"{scores['cedict_confirmed']:.1%}, Chinese a CC-CEDICT headword "
            f"{scores['cedict_headword']:.1%}"
        )
    if args.show:
        for rank, c in enumerate(found, 1):
            mark = "D" if c.in_dictionary else "-"
            print(f"{rank:3d} {mark} {c.zh}\t{c.en}\t{c.units}/{c.together}\tdice {c.dice:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
