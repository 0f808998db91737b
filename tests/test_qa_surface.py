"""Titles, untranslated text, empty targets, MT loops and length outliers."""

from __future__ import annotations

import pytest

from align.qa.surface import check_empty, check_loops, check_untranslated, length_ratio_outliers
from align.qa.titles import check_titles

TITLE_SRC = "部长们认为应尽快通过《关于国际恐怖主义的全面公约》。"


@pytest.mark.parametrize(
    "target",
    [
        "The Ministers called for the early adoption of the Comprehensive Convention on "
        "International Terrorism.",
        "The Ministers called for the early adoption of the “comprehensive convention on "
        "international terrorism”.",
        "The Ministers called for the early adoption of *A Comprehensive Convention*.",
    ],
)
def test_title_kept_as_title(target: str) -> None:
    assert check_titles(TITLE_SRC, target) == []


def test_title_lost_is_flagged() -> None:
    flags = check_titles(TITLE_SRC, "They want a comprehensive convention on terrorism soon.")
    assert [f.check for f in flags] == ["titles"]
    assert "关于国际恐怖主义的全面公约" in flags[0].message


def test_two_titles_need_two_candidates() -> None:
    source = "根据《联合国宪章》和《制止核恐怖主义行为的公约》"
    ok = "under the Charter of the United Nations and the International Convention for the "
    ok += "Suppression of Acts of Nuclear Terrorism"
    assert check_titles(source, ok) == []
    assert len(check_titles(source, "under the Charter of the United Nations and a treaty")) == 1


def test_newspaper_title() -> None:
    assert check_titles("据《人民日报》报道", "according to the People's Daily") == []


def test_names_without_a_head_noun_are_not_titles() -> None:
    flags = check_titles(
        "双方签署了《睦邻友好合作条约》。", "The Shanghai Cooperation Organization signed it."
    )
    assert len(flags) == 1


def test_untranslated() -> None:
    assert check_untranslated("", "The Ministers held talks.") == []
    flags = check_untranslated("", "They held 认真的 talks on 爱滋病。")
    assert [f.severity.value for f in flags] == ["error", "warning"]
    assert "'认真的', '爱滋病'" in flags[0].message
    assert flags[0].target_span == (10, 13)


def test_empty() -> None:
    assert [f.check for f in check_empty("部长们支持。", "  ")] == ["empty"]
    assert check_empty("部长们支持。", "The Ministers agreed.") == []
    assert check_empty("", "") == []


@pytest.mark.parametrize(
    "target",
    [
        "working contacts with ASEAN ASEAN ASEAN ASEAN",
        "nuclear-weapon-free zones in Asia, in Asia, in Asia, in Asia.",
        "in the spirit of the Declaration, in the spirit of the Declaration, and so on",
        "the Organization of the Organization of the Organization of the Organization",
    ],
)
def test_loops_flagged(target: str) -> None:
    assert [f.check for f in check_loops("", target)] == ["loops"]


@pytest.mark.parametrize(
    "target",
    [
        "He said that that decision was final.",
        "Step by step, the two sides built trust step by step.",
        "the fight against terrorism, the fight against separatism and the fight against extremism",
        "The Ministers noted that the Ministers of the six countries met.",
    ],
)
def test_normal_repetition_is_not_a_loop(target: str) -> None:
    assert check_loops("", target) == []


def test_length_outliers_relative_to_the_document() -> None:
    normal = [
        ("部长们就国际形势交换了意见。", "The Ministers exchanged views on the world situation.")
    ]
    pairs = normal * 8 + [("部长们就国际形势交换了意见。", "The Ministers.")]
    flags = length_ratio_outliers(pairs)
    assert [len(f) for f in flags] == [0] * 8 + [1]
    assert "shorter" in flags[-1][0].message
    assert length_ratio_outliers(pairs[:3]) == [[], [], []]  # too few pairs to judge
