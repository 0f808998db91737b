"""Translation-memory speed on a synthetic memory (tests/benchmarks/synthetic_memory.py).

    python -m pytest tests/benchmarks/test_tm_bench.py -m benchmark -s

Targets (issue #30), each measured alone in one run: index 1M units in under 60 s; look up
1,000 segments (exact, fuzzy and no-match ones) in under 2 s once the index exists;
concordance over 1M units in under 0.5 s. ``BITEXT_TM_BENCH_UNITS`` sets a smaller memory for
a quick check. The index is also saved and loaded, as the cache does, so load time is shown too.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
import pytest

from align.tm import match_segments
from align.tm_index import MemoryIndex, index_units
from tests.benchmarks.synthetic_memory import queries, synthetic_memory

UNITS = int(os.environ.get("BITEXT_TM_BENCH_UNITS", "1000000"))


@pytest.fixture(scope="module")
def memory() -> tuple[list[str], list[str]]:
    return synthetic_memory(UNITS)


@pytest.fixture(scope="module")
def index(
    memory: tuple[list[str], list[str]], tmp_path_factory: pytest.TempPathFactory
) -> MemoryIndex:
    built = index_units("synthetic", *memory)
    folder = tmp_path_factory.mktemp("tm") / "index"
    built.save(folder)
    started = time.perf_counter()
    loaded = MemoryIndex.load(folder, "synthetic")
    print(f"\nload from the cache: {time.perf_counter() - started:.3f} s")
    assert loaded is not None and len(loaded) == UNITS
    return loaded


def test_index_units(benchmark: Any, memory: tuple[list[str], list[str]]) -> None:
    """Wall time is what pytest-benchmark reports; the CPU time printed beside it tells a busy
    shared machine (other processes taking the cores) from a slow build."""
    cpu = time.process_time()
    built = benchmark.pedantic(index_units, args=("synthetic", *memory), rounds=1, iterations=1)
    print(f"\nindexing {UNITS:,} units: {time.process_time() - cpu:.1f} s of CPU")
    assert len(built) == UNITS


def test_lookup_1000_segments(
    benchmark: Any, index: MemoryIndex, memory: tuple[list[str], list[str]]
) -> None:
    segments = queries(memory[0])
    found = benchmark.pedantic(match_segments, args=(segments, [index]), rounds=3, iterations=1)
    exact = sum(1 for m in found if m and m[0].percent >= 100)
    fuzzy = sum(1 for m in found if m and m[0].percent < 100)
    print(f"\n{exact} exact, {fuzzy} fuzzy, {len(found) - exact - fuzzy} without a match")
    assert exact >= len(segments) // 3 and fuzzy >= len(segments) // 4


@pytest.mark.parametrize("query", ["commonest-zh", "rare-zh", "commonest-en", "phrase-en"])
def test_concordance(
    benchmark: Any, index: MemoryIndex, memory: tuple[list[str], list[str]], query: str
) -> None:
    """The commonest character pair and English word are the worst case: most hits."""
    sources, targets = memory
    ptr = index.a.gram_ptr
    top_gram = int(index.a.gram_keys[int(np.argmax(np.diff(ptr)))])
    group = np.diff(index.a.word_ptr)
    top_word = index.vocab[int(np.argmax(group[index.a.word_group]))]
    text = {
        "commonest-zh": chr(top_gram >> 21) + chr(top_gram & 0x1FFFFF),
        "rare-zh": sources[7][5:11],
        "commonest-en": top_word,
        "phrase-en": " ".join(targets[7].split()[3:6]),
    }[query]
    count, lines = benchmark.pedantic(index.search, args=(text,), rounds=5, iterations=1)
    print(f"\n{query} {text!r}: {count} units")
    assert count >= 1 and lines
