"""CTranslate2 CPU settings: applied only where they fit, never over the user's own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.cpu_tuning import is_glibc, prefer_avx512, reuse_freed_buffers

ZEN4 = "vendor_id\t: AuthenticAMD\nflags\t\t: avx2 avx512f avx512cd avx512bw avx512dq avx512vl\n"


@pytest.mark.parametrize(
    ("cpuinfo", "chosen"),
    [
        (ZEN4, True),
        (ZEN4.replace("avx512vl", ""), False),  # AVX-512 without VL: CTranslate2 can't use it
        (ZEN4.replace("AuthenticAMD", "GenuineIntel"), False),  # may lower Intel clocks
        ("vendor_id\t: AuthenticAMD\n", False),
    ],
)
def test_prefer_avx512(
    cpuinfo: str, chosen: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CT2_FORCE_CPU_ISA", raising=False)
    (tmp_path / "cpuinfo").write_text(cpuinfo, encoding="utf-8")
    assert prefer_avx512(tmp_path / "cpuinfo") is chosen
    assert os.environ.get("CT2_FORCE_CPU_ISA") == ("AVX512" if chosen else None)


def test_prefer_avx512_keeps_the_users_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CT2_FORCE_CPU_ISA", "AVX2")
    (tmp_path / "cpuinfo").write_text(ZEN4, encoding="utf-8")
    assert not prefer_avx512(tmp_path / "cpuinfo")
    assert not prefer_avx512(tmp_path / "missing")


def test_reuse_freed_buffers_applies_on_glibc_only() -> None:
    assert reuse_freed_buffers() is is_glibc()
    assert reuse_freed_buffers() is is_glibc()  # idempotent
