"""scripts/bench_align.py's error report, on a made-up benchmark (no benchmark text needed)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest


def _write(folder: Path, name: str, lines: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_wrong_beads_are_told_apart_as_split_merged_or_shifted(
    tmp_path: Path, bench_align: ModuleType
) -> None:
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    _write(gold, "a.gold", ["[0]:[0,1]", "[1]:[2]", "[2]:[3]", "[3,4]:[4]", "[5]:[5]", "[6]:[6]"])
    # split: [0]:[0] and []:[1] (of [0]:[0,1]), [3]:[4] (of [3,4]:[4]); merged: [1,2]:[2,3];
    # shifted: [4,5]:[5] takes part of one gold bead and all of the next
    _write(pred, "a.align", ["[0]:[0]", "[]:[1]", "[1,2]:[2,3]", "[3]:[4]", "[4,5]:[5]", "[6]:[6]"])
    _write(gold, "b.gold", ["[0]:[0]"])  # no prediction at all: its gold bead is missed
    report = bench_align.by_type(gold, pred).as_dict()
    assert report["gold"] == {"1-2": 1, "1-1": 5, "2-1": 1}
    assert report["found"] == {"1-2": 0, "1-1": 1, "2-1": 0}
    assert report["wrong"] == {"split": 3, "merged": 1, "shifted": 1}


def test_the_report_prints_recall_per_type_and_the_kinds_of_error(
    capsys: pytest.CaptureFixture[str], bench_align: ModuleType
) -> None:
    report = {"gold": {"1-1": 4, "1-2": 2}, "found": {"1-1": 3, "1-2": 0}, "wrong": {"split": 2}}
    bench_align.print_by_type(report)
    out = capsys.readouterr().out
    assert "1-1      4      3   0.750" in out
    assert "1-2      2      0   0.000" in out
    assert "wrong beads: 2 — 2 split a gold bead, 0 merged whole gold beads, 0 shifted" in out
