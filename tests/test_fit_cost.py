"""scripts/fit_cost.py on a made-up benchmark (no benchmark text needed), and the weights file."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from align.calibration import Calibration
from align.cost import FEATURES
from align.weights import SETTINGS, fitted, weights_file
from tests.benchmarks.test_align_bench import synthetic_pair

SCORER = """
import json, sys
from pathlib import Path
gold_dir, pred_dir = Path(sys.argv[1]), Path(sys.argv[2])
per_doc, hits, total = {}, 0, 0
for gold in sorted(gold_dir.glob("*.gold")):
    g = set(gold.read_text().split())
    p = (pred_dir / (gold.stem + ".align")).read_text().split()
    h = sum(b in g for b in p)
    per_doc[gold.stem] = {"f1_exact": 2 * h / (len(g) + len(p))}
    hits, total = hits + h, total + len(g) + len(p)
f1 = 2 * hits / total
print(json.dumps({"f1_strict": f1, "f1_lax": f1, "f1_exact": f1, "per_doc": per_doc}))
"""


def _bead(source: tuple[int, ...], target: tuple[int, ...]) -> str:
    return f"[{','.join(map(str, source))}]:[{','.join(map(str, target))}]"


def _bench(root: Path, annotation: str) -> Path:
    folder = root / annotation
    folder.mkdir(parents=True)
    for k, name in enumerate(("c1", "c2", "c3")):
        src, tgt, gold = synthetic_pair(25, seed=40 + k)
        (folder / f"{name}.zh").write_text("\n".join(src) + "\n", encoding="utf-8")
        (folder / f"{name}.en").write_text("\n".join(tgt) + "\n", encoding="utf-8")
        beads = "\n".join(_bead(s, t) for s, t in gold) + "\n"
        (folder / f"{name}.gold").write_text(beads, encoding="utf-8")
    return folder


def test_the_fit_reports_leave_one_chapter_out_f1_for_each_annotation(
    tmp_path: Path,
    fit_cost: ModuleType,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fit_cost, "EPOCHS", 4)  # the procedure, shorter
    monkeypatch.setattr(fit_cost, "TEMPERATURES", (0.03, 0.1, 0.3))
    (tmp_path / "score_alignment.py").write_text(SCORER, encoding="utf-8")
    benches = [_bench(tmp_path, "first"), _bench(tmp_path, "second")]
    out = tmp_path / "fit.json"
    argv = [*map(str, benches), "--settings", "offline", "--json", str(out)]
    assert fit_cost.main(argv) == 0
    result = json.loads(out.read_text(encoding="utf-8"))["offline"]
    assert set(result["cv"]) == {"first", "second"}
    assert set(result["cv"]["first"]["per_chapter_exact"]) == {"c1", "c2", "c3"}
    assert result["cv"]["first"]["f1_exact"] > 0.8  # made-up translations word for word
    assert set(result["weights"]) <= set(FEATURES) and result["weights"]["lexical"] == -1.0
    tables = result["reliability"], result["reliability_posterior"]
    for table in tables:  # the same held-out beads, binned two ways, before and after the map
        assert sum(row["beads"] for row in table["fixed"]) > 100
        assert sum(row["beads"] for row in table["deciles"]) == sum(
            row["beads"] for row in table["fixed"]
        )
        assert set(table["by_annotation"]) == {"first", "second"}
    calibration = Calibration.of(result["calibration"])
    assert calibration.a >= 0 and calibration.b >= 0
    out = capsys.readouterr().out
    assert "reliability of the held-out beads' scores" in out and "equal-count deciles" in out

    # --calibrate-only on the same data: the stored weights stay, the folds' refitted weights
    # come out as before (or it stops), so the map and the held-out tables are the fit's own
    stored = dict(result, features_dropped_by_ablation=result["dropped"], cv_f1=result["cv"])
    monkeypatch.setattr(fit_cost, "weights_file", lambda: {"sets": {"offline": stored}})
    again = tmp_path / "again.json"
    assert fit_cost.main([*argv[:-1], str(again), "--calibrate-only"]) == 0
    redone = json.loads(again.read_text(encoding="utf-8"))["offline"]
    for key in ("weights", "temperature", "calibration", "reliability", "reliability_posterior"):
        assert redone[key] == result[key]
    exact = {name: f1["f1_exact"] for name, f1 in result["cv"].items()}
    assert redone["calibration_folds_f1_exact"] == exact and redone["cv"] == result["cv"]


def test_a_gold_path_takes_crossing_and_gapped_beads_whole(fit_cost: ModuleType) -> None:
    # 1 -> 2 and 2 -> 1 cross; [3, 5] holds 4, which the gold drops on its own
    gold = [((0,), (0,)), ((1,), (2,)), ((2,), (1,)), ((3, 5), (3,)), ((4,), ())]
    path = fit_cost.gold_path(gold, 6, 4)
    assert [(p.i0, p.j0, p.i1, p.j1) for p in path] == [(0, 0, 1, 1), (1, 1, 3, 3), (3, 3, 6, 4)]


def test_the_shipped_weights_name_only_declared_features() -> None:
    data = weights_file()
    assert "procedure" in data
    for name in SETTINGS:
        drafts, meaning = name.startswith("drafts"), name.endswith("meaning")
        weights = fitted(drafts, meaning)
        assert set(weights.weights) <= set(FEATURES)
        assert weights.temperature > 0 and weights["lexical"] < 0
