"""The planted-error set: precision and recall per check (issue #8 targets ≥ 0.9)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _eval_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("eval_qa", REPO / "scripts" / "eval_qa.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being created
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores() -> dict[str, dict[str, float]]:
    module = _eval_module()
    pairs = module.read_pairs(REPO / "tests" / "data" / "qa_planted.tsv")
    assert len(pairs) >= 50
    planted = [p for p in pairs if p.error != "none"]
    assert abs(len(planted) - len(pairs) / 2) <= 2
    from align.qa import load_glossary

    return module.evaluate(pairs, load_glossary(REPO / "seeds" / "sco-glossary.tsv"))


@pytest.mark.parametrize("check", ["numbers", "dates", "glossary"])
def test_precision_and_recall_targets(scores: dict[str, dict[str, float]], check: str) -> None:
    assert scores[check]["planted"] >= 5
    assert scores[check]["precision"] >= 0.9
    assert scores[check]["recall"] >= 0.9


@pytest.mark.parametrize("check", ["references", "titles", "untranslated", "empty", "loops"])
def test_other_checks_catch_most_planted_errors(
    scores: dict[str, dict[str, float]], check: str
) -> None:
    assert scores[check]["recall"] >= 0.75
    assert scores[check]["precision"] >= 0.75


def test_script_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert _eval_module().main([]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "numbers" in out
