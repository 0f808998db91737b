"""Precision and recall of each QA check on the planted-error set.

    python scripts/eval_qa.py [tests/data/qa_planted.tsv] [--glossary seeds/sco-glossary.tsv]
        [--json] [--show]

A pair counts as flagged by a check when the check raises at least one flag on it; the gold
label is the one error kind planted in the pair (``none`` for correct translations), so a
flag on a correct pair, or from the wrong check, is a false positive of that check.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from align.qa import CHECKS, check_pair, load_glossary  # noqa: E402
from align.qa.glossary import Glossary  # noqa: E402


@dataclass(frozen=True)
class Pair:
    id: str
    error: str
    source: str
    target: str
    note: str


def read_pairs(path: Path) -> list[Pair]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("id\t"):
            continue
        cols = line.split("\t")
        pairs.append(Pair(*cols[:4], cols[4] if len(cols) > 4 else ""))
    return pairs


def evaluate(pairs: list[Pair], glossary: Glossary | None) -> dict[str, dict[str, float]]:
    scores = {c: {"tp": 0, "fp": 0, "fn": 0, "planted": 0} for c in CHECKS}
    for pair in pairs:
        flagged = {f.check for f in check_pair(pair.source, pair.target, glossary)}
        for check, s in scores.items():
            gold = pair.error == check
            s["planted"] += gold
            s["tp"] += gold and check in flagged
            s["fp"] += (not gold) and check in flagged
            s["fn"] += gold and check not in flagged
    result = {}
    for check, s in scores.items():
        predicted, planted = s["tp"] + s["fp"], s["tp"] + s["fn"]
        result[check] = {
            **{k: float(v) for k, v in s.items()},
            "precision": s["tp"] / predicted if predicted else float("nan"),
            "recall": s["tp"] / planted if planted else float("nan"),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pairs", nargs="?", type=Path, default=REPO / "tests/data/qa_planted.tsv")
    parser.add_argument("--glossary", type=Path, default=REPO / "seeds/sco-glossary.tsv")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--show", action="store_true", help="list every wrong decision")
    args = parser.parse_args(argv)
    pairs = read_pairs(args.pairs)
    glossary = load_glossary(args.glossary)
    result = evaluate(pairs, glossary)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    planted = sum(p.error != "none" for p in pairs)
    print(f"{len(pairs)} pairs, {planted} with one planted error, {len(glossary)} glossary terms")
    print(
        f"{'check':<13} {'planted':>7} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}"
    )
    for check, s in result.items():
        print(
            f"{check:<13} {s['planted']:>7.0f} {s['tp']:>4.0f} {s['fp']:>4.0f} {s['fn']:>4.0f}"
            f" {s['precision']:>9.2f} {s['recall']:>7.2f}"
        )
    if args.show:
        for pair in pairs:
            flags = check_pair(pair.source, pair.target, glossary)
            checks = {f.check for f in flags}
            if checks != ({pair.error} - {"none"}):
                print(f"\n{pair.id} planted={pair.error} flagged={sorted(checks)}")
                for f in flags:
                    print(f"   {f.code()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
