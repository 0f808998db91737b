"""scripts/bench_long.py's long pairs and scoring, on small made-up pairs (the 40k run is not a
test: it takes minutes; see the README's long-text numbers)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest


def test_the_synthetic_pair_has_every_merge_type_and_about_three_english_per_four_chinese(
    bench_long: ModuleType,
) -> None:
    pair = bench_long.synthetic(1500, seed=3)
    (doc,) = pair.docs
    src = [i for s, _ in doc.gold for i in s]
    tgt = [j for _, t in doc.gold for j in t]
    assert src == list(range(len(pair.src))) and tgt == list(range(len(pair.tgt)))
    types = Counter((len(s), len(t)) for s, t in doc.gold)
    assert set(types) == set(bench_long.SYNTHETIC_TYPES)
    assert 0.65 < len(pair.tgt) / len(pair.src) < 0.85
    # a 2-2 bead is cut at different places on the two sides: never two 1-1 beads in disguise
    two_two = [(s, t) for s, t in doc.gold if len(s) == len(t) == 2]
    shares = [
        (
            len(pair.src[s[0]]) / sum(len(pair.src[i]) for i in s),
            len(pair.tgt[t[0]]) / sum(len(pair.tgt[j]) for j in t),
        )
        for s, t in two_two
    ]
    assert sum(abs(a - b) > 0.1 for a, b in shares) > len(shares) / 2


def test_beads_are_scored_per_document_and_a_bead_across_documents_splits(
    bench_long: ModuleType,
) -> None:
    docs = [
        bench_long.Doc("c00-a", 0, 0, 2, 2, [((0,), (0,)), ((1,), (1,))]),
        bench_long.Doc("c01-a", 2, 2, 2, 2, [((0,), (0,)), ((1,), (1,))]),
    ]
    pair = bench_long.Pair(["一。", "二。", "一。", "二。"], ["One.", "Two.", "One.", "Two."], docs)
    beads = [((0,), (0,)), ((1, 2), (1, 2)), ((3,), (3,))]
    assert bench_long.split(beads, pair) == {
        "c00-a": [((0,), (0,)), ((1,), (1,))],
        "c01-a": [((0,), (0,)), ((1,), (1,))],
    }
    result = bench_long.score(pair, beads, None, Path("."))
    assert result["by_type"]["found"] == {"1-1": 4}
    assert result["f1_exact"] == 1.0  # its parts are the two documents' own beads


def test_the_gold_itself_scores_one(bench_long: ModuleType) -> None:
    pair = bench_long.synthetic(200, seed=5)
    result = bench_long.score(pair, pair.docs[0].gold, None, Path("."))
    assert result["f1_exact"] == 1.0
    assert result["by_type"]["found"] == result["by_type"]["gold"]


def test_without_benchmark_data_the_mac_dev_source_is_skipped(
    bench_long: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("BITEXT_BENCH_DIR", raising=False)
    monkeypatch.setattr(bench_long, "REPO", tmp_path / "repo")  # no ../shared next to it
    assert bench_long.main(["--source", "mac-dev", "--bench", str(tmp_path / "none")]) == 0
    assert "skipped" in capsys.readouterr().out
