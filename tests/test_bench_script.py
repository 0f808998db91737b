"""scripts/bench_align.py's error report, on a made-up benchmark (no benchmark text needed)."""

from __future__ import annotations

import json
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


def test_a_held_out_grid_names_cost_weights(bench_align: ModuleType) -> None:
    grid = bench_align.parse_grid(["word_opening=-0.03,0", "merge=1"])
    assert grid == {"word_opening": [-0.03, 0.0], "merge": [1.0]}
    for bad in ("no_such_weight=1", "merge=", "merge=a,b", "types=1", "relearn=1"):
        with pytest.raises(ValueError, match="--held-out"):
            bench_align.parse_grid([bad])


def test_each_document_is_scored_with_the_point_chosen_on_the_others(
    bench_align: ModuleType,
) -> None:
    points = [{"merge": 0.1}, {"merge": 0.2}]
    # (exact hits, gold beads, predicted beads) per document and point: point 0 suits a and b,
    # point 1 suits c. Left out, a and b each see c and the other one, which favour point 1
    # (16 hits to 14); c sees a and b, which favour point 0.
    counts = [
        {"a": (9, 10, 10), "b": (9, 10, 10), "c": (5, 10, 10)},
        {"a": (7, 10, 10), "b": (7, 10, 10), "c": (9, 10, 10)},
    ]
    result = bench_align.choose(points, counts)
    assert result.chosen == {"a": {"merge": 0.2}, "b": {"merge": 0.2}, "c": {"merge": 0.1}}
    assert result.f1_exact == pytest.approx(2 * (7 + 7 + 5) / 60)  # below both in-sample scores
    assert result.in_sample == [
        ({"merge": 0.1}, pytest.approx(46 / 60)),
        ({"merge": 0.2}, pytest.approx(46 / 60)),
    ]
    same = [{"a": (5, 10, 10), "b": (5, 10, 10)}] * 2  # a tie goes to the point given first
    assert bench_align.choose(points, same).chosen == {"a": points[0], "b": points[0]}
    assert bench_align.choose(points[::-1], same).chosen == {"a": points[1], "b": points[1]}


def test_a_bad_held_out_grid_is_a_usage_error(
    tmp_path: Path, bench_align: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "a.gold", ["[0]:[0]"])
    with pytest.raises(SystemExit) as exit_info:
        bench_align.main([str(tmp_path), "--held-out", "merge=x"])
    assert exit_info.value.code == 2
    assert "the values must be numbers" in capsys.readouterr().err


def test_held_out_is_not_combined_with_whole_or_semantic(
    tmp_path: Path, bench_align: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "a.gold", ["[0]:[0]"])
    for extra in ("--whole", "--semantic"):
        with pytest.raises(SystemExit) as exit_info:
            bench_align.main([str(tmp_path), "--held-out", "merge=0.1", extra])
        assert exit_info.value.code == 2
        assert "--held-out aligns each document on its own" in capsys.readouterr().err


FAKE_SCORER = """
import json, sys
import json
from pathlib import Path
gold_dir, pred_dir = Path(sys.argv[1]), Path(sys.argv[2])
per_doc = {}
for gold in sorted(gold_dir.glob("*.gold")):
    g = [x for x in gold.read_text().split() if x]
    p = [x for x in (pred_dir / (gold.stem + ".align")).read_text().split() if x]
    per_doc[gold.stem] = {"counts": {"exact_hits": sum(b in g for b in p),
                                     "exact_gold": len(g), "exact_pred": len(p)}}
print(json.dumps({"per_doc": per_doc}))
"""


def test_held_out_aligns_once_per_point_and_reports_json(
    tmp_path: Path, bench_align: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """A made-up two-document benchmark, scored by a stand-in for the benchmark's scorer."""
    bench = tmp_path / "bench"
    for name in ("a", "b"):
        _write(bench, f"{name}.zh", ["他走了。", "她哭了。"])
        _write(bench, f"{name}.en", ["He left.", "She cried."])
        _write(bench, f"{name}.gold", ["[0]:[0]", "[1]:[1]"])
    scorer = tmp_path / "scorer.py"
    scorer.write_text(FAKE_SCORER, encoding="utf-8")
    argv = [str(bench), "--no-drafts", "--scorer", str(scorer), "--json"]
    assert bench_align.main([*argv, "--held-out", "merge=0.12,0.5"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["f1_exact"] == 1.0
    assert result["chosen"] == {"a": {"merge": 0.12}, "b": {"merge": 0.12}}
    assert [point for point, _ in result["in_sample"]] == [{"merge": 0.12}, {"merge": 0.5}]
