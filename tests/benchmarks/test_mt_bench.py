"""Drafting speed: transformers vs CTranslate2 on an opus-mt-shaped random model (issue #4).

Every output is forced to the same length (no end token before ``NEW_TOKENS``), so tokens/s
compares the engines' decoding speed, not how soon random weights happen to stop. Run with

    BITEXT_THREADS=2 python -m pytest tests/benchmarks/test_mt_bench.py --benchmark-only -s

Each engine runs ROUNDS times (``BITEXT_BENCH_ROUNDS``, default 2) and the fastest round counts:
on a shared machine other processes can only slow a round down. Results (tokens/s, ratios to
hf at the same beam, peak RSS) are printed at the end and kept in each benchmark's
``extra_info`` (``--benchmark-json FILE`` saves them).

On a GPU machine, ``BITEXT_BENCH_DEVICE=cuda`` times the CUDA engines instead (transformers in
float32 and float16, CTranslate2 in float32, float16 and int8_float16), and
``BITEXT_BENCH_SENTENCES`` / ``BITEXT_BENCH_BATCH`` / ``BITEXT_BENCH_VOCAB`` give it a load
worth a GPU (e.g. 1024 sentences in batches of 64, the real model's 65001-token vocabulary).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from align.model import DecodingSettings
from align.segment import segment
from models import store
from models.ct2_engine import CT2Translator
from models.hf_engine import HFTranslator
from models.resolve import resolve_model

REPO = Path(__file__).resolve().parents[2]
DEVICE = os.environ.get("BITEXT_BENCH_DEVICE", "cpu")
SENTENCES = int(os.environ.get("BITEXT_BENCH_SENTENCES", "100"))
BATCH = int(os.environ.get("BITEXT_BENCH_BATCH", "32"))
THREADS = int(os.environ.get("BITEXT_THREADS", "2"))
NEW_TOKENS = 64
ROUNDS = int(os.environ.get("BITEXT_BENCH_ROUNDS", "2"))  # best of N: other load only slows
RESULTS: dict[str, dict[str, float]] = {}
VOCAB = int(os.environ.get("BITEXT_BENCH_VOCAB", "8000"))
OPUS_SHAPE = {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048, "vocab": VOCAB}
KINDS = {
    "cpu": ["hf-float32", "ct2-float32", "ct2-int8"],
    "cuda": ["hf-float32", "hf-float16", "ct2-float32", "ct2-float16", "ct2-int8_float16"],
}[DEVICE]


@pytest.fixture(scope="module")
def opus_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.tiny_marian import build_tiny_marian

    out = tmp_path_factory.getbasetemp() / f"opus-shaped-{VOCAB}"
    if (out / "pytorch_model.bin").is_file():
        return out
    return build_tiny_marian(out, **OPUS_SHAPE, init_std=0.02, exact_vocab=True)


@pytest.fixture(scope="module")
def texts(seed_path: Path) -> list[str]:
    sents = [s.text for s in segment(seed_path.read_text(encoding="utf-8"), "zh")]
    return [sents[i % len(sents)] for i in range(SENTENCES)]


@pytest.fixture(autouse=True)
def _cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "bench-cache"))


class PeakRSS:
    """Peak resident memory while a block runs (C++ allocations included, unlike tracemalloc)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    @staticmethod
    def now() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _watch(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> PeakRSS:
        self.peak = self.now()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def make_engine(kind: str, model: Path, beam: int) -> Any:
    resolved = resolve_model(str(model))
    settings = DecodingSettings(beam=beam, max_length=NEW_TOKENS + 1, batch_size=BATCH)
    engine, compute = kind.split("-", 1)
    if engine == "hf":
        return HFTranslator(
            resolved, settings, DEVICE, THREADS, dtype=compute, min_new_tokens=NEW_TOKENS
        )
    quantization = "int8" if compute.startswith("int8") else "float32"
    return CT2Translator(
        resolved,
        settings,
        DEVICE,
        THREADS,
        compute_type=compute,
        copy_path=store.convert(resolved, quantization),
        min_new_tokens=NEW_TOKENS,
    )


@pytest.mark.parametrize("beam", [1, 4])
@pytest.mark.parametrize("kind", KINDS)
def test_engine_speed(
    benchmark: Any, opus_model: Path, texts: list[str], kind: str, beam: int
) -> None:
    engine = make_engine(kind, opus_model, beam)
    engine.load()
    engine.generate(texts[:BATCH])  # warm-up: first-call kernel set-up is not decoding speed
    with PeakRSS() as rss:
        outs = benchmark.pedantic(engine.generate, args=(texts,), rounds=ROUNDS, iterations=1)
    assert len(outs) == SENTENCES
    seconds = benchmark.stats.stats.min
    tokens = SENTENCES * NEW_TOKENS
    RESULTS[f"{kind} beam{beam}"] = {
        "tokens_per_s": round(tokens / seconds, 1),
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(rss.peak / 2**20),
    }
    benchmark.extra_info.update(RESULTS[f"{kind} beam{beam}"])


def test_ratios(benchmark: Any) -> None:
    """Ratios from the runs above (same process, same machine): ct2 over hf at each beam."""
    ratios = {}
    for beam in (1, 4):
        for base in (k for k in KINDS if k.startswith("hf-")):
            hf = RESULTS.get(f"{base} beam{beam}")
            for kind in (k for k in KINDS if k.startswith("ct2-")):
                ct2 = RESULTS.get(f"{kind} beam{beam}")
                if hf and ct2:
                    ratio = round(ct2["tokens_per_s"] / hf["tokens_per_s"], 2)
                    ratios[f"{kind}/{base} beam{beam}"] = ratio
    benchmark.pedantic(lambda: None, rounds=1)
    info = {"results": RESULTS, "ratios": ratios, "threads": THREADS, "device": DEVICE}
    benchmark.extra_info.update(info)
    print(f"\nengine speed on {DEVICE} (tokens/s; {SENTENCES} sentences, batch {BATCH}):")
    for name, row in RESULTS.items():
        print(f"  {name:<20} {row}")
    for name, ratio in ratios.items():
        print(f"  {name:<20} {ratio}x")


def _timed_cli(args: list[str]) -> Callable[[], None]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def run() -> None:
        subprocess.run([sys.executable, "-m", "cli", *args], check=True, env=env, cwd=REPO)

    return run


def test_cached_rerun_of_the_seed(
    benchmark: Any, tiny_model: Path, seed_path: Path, tmp_path: Path
) -> None:
    """Wall time of ``bitext run`` on the seed when every draft is cached, start-up included."""
    args = ["run", str(seed_path), "--model", str(tiny_model), "-o", str(tmp_path), "--quiet"]
    rerun = _timed_cli(args)
    rerun()  # fills the draft cache

    benchmark.pedantic(rerun, rounds=5, iterations=1)
    benchmark.extra_info["wall_s_mean"] = round(benchmark.stats.stats.mean, 3)
    print(f"\ncached re-run of the seed: {benchmark.stats.stats.mean:.3f} s wall (mean of 5)")
