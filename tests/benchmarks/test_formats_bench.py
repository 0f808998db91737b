"""Exporting a 100k-bead project to TMX: time (pytest-benchmark) and flat memory (streaming).

    python -m pytest tests/benchmarks/test_formats_bench.py -m benchmark -s

Memory is measured two ways, each on the export alone (after the project is built):
tracemalloc's peak (Python objects) and the rise of the process's peak RSS (VmHWM, which also
sees libxml2's own allocations; Linux only). Both must not grow with the number of beads.
"""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from align.formats.tmx import write_tmx
from align.model import Bead, BeadOrigin, BeadStatus, Draft, ModelInfo, Project, Segment, Side

ZH = "上海合作组织成员国外交部长理事会会议在莫斯科举行，各方就地区安全问题深入交换了意见。"
EN = "The Council of Foreign Ministers met in Moscow and held in-depth talks on regional security."


def big_project(n: int) -> Project:
    src = tuple(Segment(i, f"{ZH}{i}", i, 0, 0) for i in range(n))
    tgt = tuple(Segment(i, f"{EN} {i}", i, 0, 0) for i in range(n))
    drafts = tuple(Draft(s.text, "Helsinki-NLP/opus-mt-zh-en", "cb3e2b6", "hf") for s in tgt)
    beads = tuple(
        Bead((i,), (i,), 0.87, BeadOrigin.MT, BeadStatus.ACCEPTED, ("num",) if i % 7 else ())
        for i in range(n)
    )
    return Project(
        Side("zh", "communique.zh.md", src),
        Side("en", None, tgt),
        drafts,
        beads,
        ModelInfo("Helsinki-NLP/opus-mt-zh-en", "cb3e2b6", "hf"),
    )


@pytest.fixture(scope="module")
def project_100k() -> Project:
    return big_project(100_000)


def test_export_100k_beads_to_tmx(benchmark: Any, project_100k: Project, tmp_path: Path) -> None:
    out = tmp_path / "big.tmx"
    report = benchmark.pedantic(write_tmx, args=(out, project_100k), rounds=3, iterations=1)
    assert report.count == 100_000 and not report.warnings
    assert out.stat().st_size > 50_000_000


def test_read_and_export_100k_project(
    benchmark: Any, project_100k: Project, tmp_path: Path
) -> None:
    """What ``bitext export big.bitext.json -o big.tmx`` does: read + validate, then write."""
    from align.formats.project_json import read_project, write_project

    source = tmp_path / "big.bitext.json"
    write_project(source, project_100k)
    out = tmp_path / "big.tmx"

    def read_and_export() -> int:
        return write_tmx(out, read_project(source)).count

    assert benchmark.pedantic(read_and_export, rounds=2, iterations=1) == 100_000


def _vm_kib(field: str) -> int | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) if match else None


def _peak_rss_rise(run: Callable[[], object]) -> int | None:
    """KiB the process's peak RSS rises above its current RSS while ``run`` runs."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    except OSError:
        return None
    before = _vm_kib("VmRSS")
    run()
    after = _vm_kib("VmHWM")
    return None if before is None or after is None else after - before


def test_tmx_export_memory_is_flat(tmp_path: Path) -> None:
    peaks: dict[int, tuple[int, int | None]] = {}
    for n in (10_000, 100_000):
        project = big_project(n)
        out = tmp_path / f"{n}.tmx"
        rss = _peak_rss_rise(lambda p=project, o=out: write_tmx(o, p))
        tracemalloc.start()
        write_tmx(out, project)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peaks[n] = (peak, rss)
        print(f"\n{n:>7} beads: tracemalloc peak {peak / 1024:.1f} KiB, peak RSS rise {rss} KiB")
    (small, small_rss), (large, large_rss) = peaks[10_000], peaks[100_000]
    assert large < 2 * small + 256 * 1024  # 10x the beads, no more than noise in memory
    if small_rss is not None and large_rss is not None:
        assert large_rss < small_rss + 16 * 1024
