#!/usr/bin/env python3
"""Align one long Chinese–English pair as ``bitext align --segmented`` does, with and without
meaning, and say what it cost: wall and CPU seconds, peak memory, texts encoded, F1.

    python scripts/bench_long.py [--source synthetic|mac-dev] [--zh N] [--modes meaning,offline]
                                 [--bench DIR] [--json] [--seed S] [--quiet]

``--source synthetic`` (default): a CC-CEDICT pair (``tests/benchmarks/test_align_bench.py``'s
vocabulary) of ``--zh`` Chinese sentences and ~0.75 as many English ones, with a known answer of
1-1, 2-1, 1-2, 3-1, 2-2, 3-2, 2-3, 1-3, 1-0 and 0-1 beads (default 40,000 × ~30,000: issue #31's
long text). ``--source mac-dev``: the MAC-Dev chapters (``--bench`` or ``BITEXT_BENCH_DIR``,
else ``../shared/benchmarks/mac-dev``; read at run time, never stored) concatenated again and
again, each copy with its chapters in another order, until ``--zh`` Chinese sentences: real
sentence lengths and real merges on a long text, each copy scored against the gold (ids offset)
by the benchmark's own scorer. Without the data that source is skipped (exit 0).

Each mode runs in a fresh process, as a ``bitext align`` would: the CLI's own reading
(``--segmented``), encoder (``sentence_encoder``, vector cache off: nothing reused), progress
bars, ``encode_sides`` and ``align_covered``. The report gives, per mode, wall and CPU seconds
(all threads) of the encoding (first alignment included) and of the alignment, the process's
peak RSS (VmHWM: the whole process, every thread), the load average before and after (the machine
may be shared: CPU seconds / cores is the idle-machine wall estimate only if the encoder keeps
the cores busy, which the encoding's CPU/wall says), texts and characters encoded, exact/strict/lax
F1 with recall per gold bead type (``1-2``: one Chinese, two English sentences).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from align.formats.beads import BeadIds, format_bead  # noqa: E402
from align.model import Bead  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MODES = ("meaning", "offline")
# gold bead types of the synthetic pair and their shares: ~0.75 English per Chinese sentence
SYNTHETIC_TYPES = {
    (1, 1): 0.45,
    (2, 1): 0.28,
    (3, 1): 0.07,
    (1, 2): 0.07,
    (2, 2): 0.05,
    (3, 2): 0.03,
    (2, 3): 0.02,
    (1, 3): 0.01,
    (1, 0): 0.01,
    (0, 1): 0.01,
}


@dataclass
class Pair:
    """A long pair and its answer: ``docs`` cut it into the units scored as documents."""

    src: list[str]
    tgt: list[str]
    docs: list[Doc] = field(default_factory=list)


@dataclass
class Doc:
    """Sentences ``src0..`` and ``tgt0..`` of the pair, and the gold beads (local ids)."""

    name: str
    src0: int
    tgt0: int
    n: int
    m: int
    gold: list[BeadIds]


def synthetic(n: int, seed: int) -> Pair:
    """CC-CEDICT words (Zipf-drawn) and their glosses, cut into sentences by bead type.

    An n-m bead's Chinese words are cut into n sentences and its glosses into m at other
    places, so a 2-2 bead is not two 1-1 beads. Sentence lengths: 5–22 words of two characters.
    """
    from tests.benchmarks.test_align_bench import zipf_vocab

    rng = random.Random(seed)
    vocab, cum = zipf_vocab(rng)
    types, shares = list(SYNTHETIC_TYPES), list(SYNTHETIC_TYPES.values())
    src: list[str] = []
    tgt: list[str] = []
    gold: list[BeadIds] = []
    while len(src) < n:
        a, b = rng.choices(types, shares)[0]
        picks = rng.choices(
            vocab, cum_weights=cum, k=sum(rng.randint(5, 22) for _ in range(a or b))
        )
        zh = [("".join(w for w, _ in part) + "。") for part in _cut(picks, a, rng)]
        en = [(" ".join(g for _, g in part).capitalize() + ".") for part in _cut(picks, b, rng)]
        gold.append((tuple(range(len(src), len(src) + a)), tuple(range(len(tgt), len(tgt) + b))))
        src += zh
        tgt += en
    return Pair(src, tgt, [Doc("synthetic", 0, 0, len(src), len(tgt), gold)])


def _cut(items: list, parts: int, rng: random.Random) -> list[list]:
    """``items`` in ``parts`` non-empty runs at random places (none for 0 parts)."""
    if parts == 0:
        return []
    cuts = sorted(rng.sample(range(1, len(items)), parts - 1)) if parts > 1 else []
    return [items[i:j] for i, j in zip([0, *cuts], [*cuts, len(items)], strict=True)]


def mac_dev(bench: Path, n: int, seed: int) -> Pair:
    """MAC-Dev's chapters, copy after copy (each in another order), until ``n`` Chinese lines."""
    from align.formats.beads import read_beads

    names = sorted(g.name[: -len(".gold")] for g in bench.glob("*.gold"))
    chapters = {
        name: (
            _lines(bench / f"{name}.zh"),
            _lines(bench / f"{name}.en"),
            read_beads(bench / f"{name}.gold"),
        )
        for name in names
    }
    rng = random.Random(seed)
    pair = Pair([], [])
    copy = 0
    while len(pair.src) < n:
        order = names[:] if copy == 0 else rng.sample(names, len(names))
        for name in order:
            zh, en, gold = chapters[name]
            pair.docs.append(
                Doc(f"c{copy:02d}-{name}", len(pair.src), len(pair.tgt), len(zh), len(en), gold)
            )
            pair.src += zh
            pair.tgt += en
        copy += 1
    return pair


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def bench_dir(given: str | None) -> Path | None:
    for cand in [
        given,
        os.environ.get("BITEXT_BENCH_DIR"),
        REPO.parent / "shared/benchmarks/mac-dev",
    ]:
        if cand and Path(cand).is_dir() and any(Path(cand).glob("*.gold")):
            return Path(cand)
    return None


# ---- the child: one `bitext align --segmented` run, measured ----------------------------------


class Counting:
    """Counts the texts and characters an encoder is asked for."""

    def __init__(self, inner) -> None:  # noqa: ANN001 - any SentenceEncoder
        self.inner, self.texts, self.chars = inner, 0, 0

    @property
    def name(self) -> str:
        return self.inner.name

    def encode(self, texts: list[str]):  # noqa: ANN201
        self.texts += len(texts)
        self.chars += sum(map(len, texts))
        return self.inner.encode(texts)


def _cpu() -> float:
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child(folder: Path, mode: str, quiet: bool, coverage: bool = True) -> dict:
    """Align folder/zh.txt and folder/en.txt the way ``bitext align --segmented`` does
    (``coverage`` False: ``align`` itself, without the partial-translation check around it)."""
    from align.aligner import align
    from align.coverage import align_covered
    from align.pipeline import encode_sides
    from cli.align_cmd import load_side
    from cli.common import progress_bars, sentence_encoder

    started = time.perf_counter()
    _, src = load_side(folder / "zh.txt", "zh", True, quiet)
    _, tgt = load_side(folder / "en.txt", "en", True, quiet)
    encoder = sentence_encoder(mode == "meaning", cache=False, quiet=quiet)
    counting = Counting(encoder) if encoder is not None else None
    loaded, cpu1 = time.perf_counter(), _cpu()
    with progress_bars(quiet) as progress:
        vectors = encode_sides(src, tgt, counting, progress)
        encoded, cpu2 = time.perf_counter(), _cpu()
        aligner = align_covered if coverage else align
        beads = aligner(src, tgt, semantic=vectors, progress=progress("aligning", len(src)))
    done, cpu3 = time.perf_counter(), _cpu()
    (folder / f"{mode}.beads").write_text("".join(format_bead(b) + "\n" for b in beads))
    vector_mib = 0.0
    if vectors is not None:
        vector_mib = sum(v.nbytes for v in (*vectors.src, *vectors.tgt)) / 2**20
    return {
        "load_s": round(loaded - started, 1),
        "encode_wall_s": round(encoded - loaded, 1),
        "encode_cpu_s": round(cpu2 - cpu1, 1),
        "align_wall_s": round(done - encoded, 1),
        "align_cpu_s": round(cpu3 - cpu2, 1),
        "texts_encoded": counting.texts if counting else 0,
        "chars_encoded": counting.chars if counting else 0,
        "vector_mib": round(vector_mib),
        "peak_rss_mib": _peak_mib(),
    }


def _peak_mib() -> int:
    """This process's peak RSS (VmHWM). Not the parent's ``wait4`` ru_maxrss: Linux carries the
    forking process's high-water mark into the child's across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


# ---- the parent: build, run each mode in its own process, score --------------------------------


def run_mode(folder: Path, mode: str, quiet: bool, coverage: bool = True) -> dict:
    """One child process: its rusage (wait4) gives the whole run's CPU seconds, all threads."""
    load0 = os.getloadavg()
    started = time.perf_counter()
    cmd = [sys.executable, __file__, "--child", str(folder), "--modes", mode]
    cmd += [] if coverage else ["--no-coverage"]
    proc = subprocess.Popen([*cmd, "--quiet"] if quiet else cmd, stdout=subprocess.PIPE, cwd=REPO)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"bench_long: the {mode} run failed (exit {proc.returncode})")
    result = json.loads(out)
    result.update(
        mode=mode,
        wall_s=round(wall, 1),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 1),
        load_before=[round(x, 2) for x in load0],
        load_after=[round(x, 2) for x in os.getloadavg()],
    )
    return result


def split(beads: list[BeadIds], pair: Pair) -> dict[str, list[BeadIds]]:
    """Each document's share of the beads, in its own ids (a bead across documents: its parts)."""
    src_doc = [
        (d, i - doc.src0)
        for d, doc in enumerate(pair.docs)
        for i in range(doc.src0, doc.src0 + doc.n)
    ]
    tgt_doc = [
        (d, j - doc.tgt0)
        for d, doc in enumerate(pair.docs)
        for j in range(doc.tgt0, doc.tgt0 + doc.m)
    ]
    out: dict[str, list[BeadIds]] = {doc.name: [] for doc in pair.docs}
    for s, t in beads:
        for d in sorted({src_doc[i][0] for i in s} | {tgt_doc[j][0] for j in t}):
            local = (
                tuple(src_doc[i][1] for i in s if src_doc[i][0] == d),
                tuple(tgt_doc[j][1] for j in t if tgt_doc[j][0] == d),
            )
            out[pair.docs[d].name].append(local)
    return out


def score(pair: Pair, beads: list[BeadIds], scorer: Path | None, work: Path) -> dict:
    """Exact/strict/lax F1 (the benchmark's scorer where there is one, else exact F1 here),
    recall per gold bead type, and the spread of exact F1 over the documents."""
    from scripts.bench_align import TypeReport

    per_doc = split(beads, pair)
    report = TypeReport()
    for doc in pair.docs:
        report.add(doc.gold, per_doc[doc.name])
    result: dict = {"by_type": report.as_dict()}
    if scorer is None:
        found = sum(report.found.values())
        gold = sum(report.gold.values())
        pred = sum(
            len({(tuple(sorted(s)), tuple(sorted(t))) for s, t in b}) for b in per_doc.values()
        )
        result["f1_exact"] = round(2 * found / (gold + pred), 4)
        return result
    gold_dir, pred_dir = work / "gold", work / "pred"
    for folder in (gold_dir, pred_dir):
        folder.mkdir(exist_ok=True)
    for doc in pair.docs:
        (gold_dir / f"{doc.name}.gold").write_text(_beads_text(doc.gold))
        (pred_dir / f"{doc.name}.align").write_text(_beads_text(per_doc[doc.name]))
    out = subprocess.run(
        [sys.executable, str(scorer), str(gold_dir), str(pred_dir), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    scored = json.loads(out.stdout)
    result.update({k: round(scored[k], 4) for k in ("f1_exact", "f1_strict", "f1_lax")})
    copies: dict[str, Counter[str]] = {}
    for name, doc in scored["per_doc"].items():  # c03-001 -> copy c03
        copies.setdefault(name.split("-")[0], Counter()).update(doc["counts"])
    per_copy = [
        2 * c["exact_hits"] / max(c["exact_gold"] + c["exact_pred"], 1)
        for _, c in sorted(copies.items())
    ]
    result["exact_per_copy"] = {
        "first": round(per_copy[0], 4),
        "min": round(min(per_copy), 4),
        "max": round(max(per_copy), 4),
        "last": round(per_copy[-1], 4),
    }
    return result


def _beads_text(beads: list[BeadIds]) -> str:
    return "".join(format_bead(Bead(s, t, 1.0)) + "\n" for s, t in beads)


def token_lengths(pair: Pair, sample: int = 2000) -> dict[str, float]:
    """Mean e5 tokens per sentence on each side (a sample): encoding time follows them."""
    from models.sentence_encoder import load_encoder

    encoder = load_encoder()
    rng = random.Random(0)
    out = {}
    for side, sentences in (("zh", pair.src), ("en", pair.tgt)):
        picked = rng.sample(sentences, min(sample, len(sentences)))
        ids = encoder.token_ids(picked)  # type: ignore[attr-defined]
        out[f"{side}_tokens_per_sentence"] = round(sum(map(len, ids)) / max(len(ids), 1) - 2, 1)
        out[f"{side}_chars_per_sentence"] = round(sum(map(len, picked)) / max(len(picked), 1), 1)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", choices=("synthetic", "mac-dev"), default="synthetic")
    ap.add_argument("--zh", type=int, default=40_000, help="Chinese sentences (about)")
    ap.add_argument("--modes", default=",".join(MODES), help="meaning, offline or both")
    ap.add_argument("--bench", default=None, help="MAC-Dev folder (NAME.zh/.en/.gold)")
    ap.add_argument("--scorer", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
    ap.add_argument(
        "--coverage",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the partial-translation check around the aligner, as bitext align runs it "
        "(--no-coverage: align alone, to compare)",
    )
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    if not modes or any(m not in MODES for m in modes):
        ap.error(f"--modes: one or more of {', '.join(MODES)}")
    if args.child is not None:
        print(json.dumps(child(args.child, modes[0], args.quiet, args.coverage)))
        return 0
    scorer = None
    if args.source == "mac-dev":
        bench = bench_dir(args.bench)
        if bench is None:
            print("bench_long: no MAC-Dev data (give --bench or set BITEXT_BENCH_DIR); skipped")
            return 0
        scorer = args.scorer or bench.resolve().parent / "score_alignment.py"
        pair = mac_dev(bench, args.zh, args.seed)
    else:
        pair = synthetic(args.zh, args.seed)
    report: dict = {
        "source": args.source,
        "zh_sentences": len(pair.src),
        "en_sentences": len(pair.tgt),
        "coverage_check": args.coverage,
        "cores": os.cpu_count(),
        **token_lengths(pair),
        "runs": [],
    }
    if not args.json:
        print(_head(report), flush=True)
    with tempfile.TemporaryDirectory(prefix="bitext-long-") as tmp:
        work = Path(tmp)  # the texts live here while the runs read them, then are deleted
        (work / "zh.txt").write_text("".join(s + "\n" for s in pair.src), encoding="utf-8")
        (work / "en.txt").write_text("".join(s + "\n" for s in pair.tgt), encoding="utf-8")
        for mode in modes:
            run = run_mode(work, mode, args.quiet, args.coverage)
            from align.formats.beads import read_beads

            run.update(score(pair, read_beads(work / f"{mode}.beads"), scorer, work))
            report["runs"].append(run)
            if not args.json:
                print(_run_text(run), flush=True)
    if args.json:
        print(json.dumps(report, indent=1))
    return 0


def _head(report: dict) -> str:
    return (
        f"{report['source']}: {report['zh_sentences']} zh × {report['en_sentences']} en sentences, "
        f"{report['cores']} cores, coverage check {_on(report['coverage_check'])}; e5 tokens "
        f"per sentence zh {report['zh_tokens_per_sentence']} "
        f"({report['zh_chars_per_sentence']} chars), en {report['en_tokens_per_sentence']} "
        f"({report['en_chars_per_sentence']} chars)"
    )


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def _run_text(run: dict) -> str:
    lines = [
        f"[{run['mode']}] wall {run['wall_s']} s, CPU {run['cpu_s']} s, peak RSS "
        f"{run['peak_rss_mib']} MiB, load {run['load_before'][0]} -> {run['load_after'][0]}",
        f"  encoding (first alignment included): wall {run['encode_wall_s']} s, CPU "
        f"{run['encode_cpu_s']} s, {run['texts_encoded']} texts ({run['chars_encoded']} chars), "
        f"vectors {run['vector_mib']} MiB; aligning: wall {run['align_wall_s']} s, CPU "
        f"{run['align_cpu_s']} s; loading {run['load_s']} s",
        "  F1 exact {}".format(run["f1_exact"])
        + (f"  strict {run['f1_strict']}  lax {run['f1_lax']}" if "f1_strict" in run else "")
        + (f"   exact per copy: {run['exact_per_copy']}" if "exact_per_copy" in run else ""),
    ]
    by_type = run["by_type"]
    lines.append("  gold type   gold  found  recall")
    for kind, count in sorted(by_type["gold"].items(), key=lambda item: -item[1]):
        found = by_type["found"].get(kind, 0)
        lines.append(f"  {kind:>9} {count:6d} {found:6d}  {found / count:6.3f}")
    wrong = Counter(by_type["wrong"])
    lines.append(
        f"  wrong beads: {sum(wrong.values())} — {wrong['split']} split a gold bead, "
        f"{wrong['merged']} merged whole gold beads, {wrong['shifted']} shifted a boundary"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
