"""Segmenter benchmarks: MAC-Dev boundary F1 against pySBD, and throughput on generated Chinese.

MAC-Dev is read at run time from ``--bench-dir`` or ``BITEXT_BENCH_DIR`` (the texts are
copyrighted and never live in the repo); without it the quality benchmark is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from align.segment import segment
from scripts.bench_segment import evaluate, generate_zh, load_docs


@pytest.fixture(scope="module")
def mac_dev(pytestconfig: pytest.Config) -> Path:
    given = pytestconfig.getoption("--bench-dir", default=None) or os.environ.get(
        "BITEXT_BENCH_DIR"
    )
    if not given:
        pytest.skip("MAC-Dev not given: pass --bench-dir DIR or set BITEXT_BENCH_DIR")
    path = Path(given)
    path = path / "mac-dev" if (path / "mac-dev").is_dir() else path
    if not any(path.glob("*.zh.raw")):
        pytest.skip(f"{path}: no MAC-Dev *.zh.raw files there")
    return path


def test_mac_dev_boundaries_beat_pysbd(benchmark: BenchmarkFixture, mac_dev: Path) -> None:
    docs = load_docs(mac_dev)
    scores = benchmark.pedantic(evaluate, args=(docs,), rounds=1, iterations=1)
    by = {(s.tool, s.lang): s for s in scores}
    for s in scores:
        benchmark.extra_info[f"{s.tool}_{s.lang}_f1"] = round(s.f1, 4)
    for lang in ("zh", "en"):
        assert by["bitext", lang].f1 > by["pysbd", lang].f1, lang
    assert by["bitext", "zh"].f1 >= 0.97


@pytest.mark.parametrize("megabytes", [1, 5])
def test_chinese_throughput(benchmark: BenchmarkFixture, megabytes: int) -> None:
    """Reported as MB/s in extra_info; compare the two sizes to see that time is linear."""
    text = generate_zh(megabytes * 1_000_000)
    nbytes = len(text.encode("utf-8"))
    segments = benchmark.pedantic(segment, args=(text, "zh"), rounds=3, iterations=1)
    assert segments and segments[-1].end <= len(text)
    benchmark.extra_info["bytes"] = nbytes
    benchmark.extra_info["mb_per_s"] = round(nbytes / benchmark.stats.stats.min / 1e6, 2)
