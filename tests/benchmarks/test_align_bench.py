"""Aligner benchmarks: synthetic long texts (speed, near-linearity) and the MAC-Dev benchmark.

The synthetic pair is built from CC-CEDICT headwords and their glosses, with deterministic
splits, merges, omissions and insertions, so it has the shape of a real translation and a known
answer. The MAC-Dev run reads ``BITEXT_BENCH_DIR`` (or ``../shared/benchmarks/mac-dev``) at run
time and is skipped when the data is absent; nothing from it is stored here.
"""

from __future__ import annotations

import itertools
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from align.aligner import align, warm_up
from align.lexicon import lexicon

REPO = Path(__file__).resolve().parents[2]


def zipf_vocab(rng: random.Random) -> tuple[list[tuple[str, str]], list[float]]:
    """Two-character CC-CEDICT words with a gloss each, in an order shuffled by ``rng``, and the
    cumulative weights that draw word k with weight 1/(k+1) (Zipf: rare words occur, as in real
    text)."""
    lex = lexicon()
    words = sorted(w for w, stems in lex.items() if len(w) == 2 and 1 <= len(stems) <= 2)
    vocab = [(w, sorted(lex[w])[0]) for w in words]
    rng.shuffle(vocab)
    return vocab, list(itertools.accumulate(1.0 / (k + 1) for k in range(len(vocab))))


def synthetic_pair(
    n: int, seed: int = 7
) -> tuple[list[str], list[str], list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """About ``n`` Chinese sentences, ~1.2 n English ones, and the true beads."""
    rng = random.Random(seed)
    vocab, cum = zipf_vocab(rng)
    src: list[str] = []
    tgt: list[str] = []
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    while len(src) < n:
        picks = rng.choices(vocab, cum_weights=cum, k=rng.randint(4, 12))
        zh = "".join(w for w, _ in picks) + "。"
        en = [g for _, g in picks]
        roll = rng.random()
        if roll < 0.25:  # one Chinese sentence, two English ones
            cut = len(en) // 2
            parts = [" ".join(en[:cut]).capitalize() + ".", " ".join(en[cut:]).capitalize() + "."]
        else:
            parts = [" ".join(en).capitalize() + "."]
        if roll > 0.99:  # the translator left it out
            gold.append(((len(src),), ()))
            src.append(zh)
            continue
        gold.append(((len(src),), tuple(range(len(tgt), len(tgt) + len(parts)))))
        src.append(zh)
        tgt.extend(parts)
    return src, tgt, gold


@pytest.mark.parametrize("size", [10_000, 100_000], ids=["10k", "100k"])
def test_align_synthetic_speed(benchmark: pytest.FixtureRequest, size: int) -> None:
    """10k × ~12k sentences: < 20 s on 2 cores, < 2 GB peak; 100k: < 10 × the 10k time.

    Each size runs once untimed (both then start with warm word caches) and three timed
    rounds: a single 1.5 s round on a shared 2-core machine moved the 100k/10k ratio by ±8%
    from run to run; with three, min, median and mean agree within a few per cent, though the
    ratio still moves 9.5–10.1 between runs (see ``test_align_near_linear``).
    """
    src, tgt, gold = synthetic_pair(size)
    lexicon()  # loaded once per process, not part of the alignment time
    warm_up()  # nor is loading the compiled kernels (compiling them: once per install)
    beads = benchmark.pedantic(align, args=(src, tgt), rounds=3, iterations=1, warmup_rounds=1)
    # the whole process's high-water mark: an upper bound on the aligner's own peak
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    benchmark.extra_info["process_peak_mib"] = round(peak_mib)
    found = {(b.source, b.target) for b in beads}
    benchmark.extra_info["exact_recall"] = round(sum(g in found for g in gold) / len(gold), 4)
    if size <= 10_000:
        assert peak_mib < 2048
    assert sum(g in found for g in gold) > 0.9 * len(gold)


def test_align_near_linear(benchmark: pytest.FixtureRequest, capsys: pytest.CaptureFixture) -> None:
    """The near-linearity target (100k × 120k under 10 × the 10k time), timed in one run.

    The two cases above run a minute apart in one process: this shared 2-core VM's speed drifts
    over minutes, and the 100k case runs on the heap the 10k case left, so their ratio moved
    between 9.5 and 10.1 from run to run for the same code. Here each alignment runs
    in a fresh process (lexicon and compiled kernels loaded before timing, as above), the two
    sizes take turns three times, and the ratio of their fastest runs is reported (extra_info
    and one line on the terminal).

    Wall time on a shared VM moves ±5% between runs; the work itself can be counted exactly.
    Under ``valgrind --tool=cachegrind --cache-sim=no python tests/benchmarks/test_align_bench.py
    SIZE`` minus the same with ``--setup-only`` (the pair, the lexicon and the kernels without
    the alignment), aligning 10k took 13.9 G instructions and 100k 132.2 G: 9.5 times the
    work for 10 times the text (9.51–9.53 in three runs). What a wall-clock ratio adds on top is
    the memory hierarchy: a 10k text's features (~8 MB) fit in this VM's 32 MiB L3 cache, a
    100k one's (~80 MB) do not.
    """
    times: dict[int, list[float]] = {10_000: [], 100_000: []}

    def alternate() -> None:
        for _ in range(3):
            for size in times:
                out = subprocess.run(
                    [sys.executable, __file__, str(size)],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=REPO,
                )
                times[size].append(float(out.stdout.split()[-1]))

    benchmark.pedantic(alternate, rounds=1, iterations=1)
    small, large = min(times[10_000]), min(times[100_000])
    benchmark.extra_info.update(min_10k_s=round(small, 3), min_100k_s=round(large, 3))
    benchmark.extra_info["ratio_100k_10k"] = round(large / small, 2)
    with capsys.disabled():
        print(f"\nnear-linear: 10k {small:.2f} s, 100k {large:.2f} s, ratio {large / small:.2f}")


def _time_one_alignment(size: int, setup_only: bool = False) -> float:
    """Seconds to align a fresh synthetic pair of ``size`` sentences (run in its own process).

    ``setup_only`` stops before aligning: the baseline an instruction count subtracts.
    """
    src, tgt, _ = synthetic_pair(size)
    lexicon()
    warm_up()
    started = time.perf_counter()
    if not setup_only:
        align(src, tgt)
    return time.perf_counter() - started


def _bench_dir() -> Path | None:
    env = os.environ.get("BITEXT_BENCH_DIR")
    for cand in [Path(env)] if env else [REPO.parent / "shared" / "benchmarks" / "mac-dev"]:
        if cand.is_dir() and any(cand.glob("*.gold")):
            return cand
    return None


@pytest.mark.parametrize("drafts", [True, False], ids=["drafts", "no-drafts"])
def test_align_mac_dev(
    benchmark: pytest.FixtureRequest, drafts: bool, bench_align: ModuleType
) -> None:
    """Exact/strict/lax F1 on the benchmark dir via scripts/bench_align.py and its scorer."""
    bench = _bench_dir()
    if bench is None:
        pytest.skip("no benchmark data: set BITEXT_BENCH_DIR to a folder with NAME.gold files")
    result = benchmark.pedantic(bench_align.run, args=(bench, drafts, None, None), rounds=1)
    for key in ("f1_strict", "f1_lax", "f1_exact"):
        benchmark.extra_info[key] = round(result[key], 4)
    assert result["f1_exact"] > 0.8


if __name__ == "__main__":  # one timing for test_align_near_linear, in a fresh process
    print(_time_one_alignment(int(sys.argv[1]), setup_only="--setup-only" in sys.argv[2:]))
