"""Resolutions, articles, paragraphs and chapters keep their numbers and kinds."""

from __future__ import annotations

import pytest

from align.qa.references import check_references, find_en_references, roman_to_int


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("安理会1441号决议", "Security Council resolution 1441"),
        ("安理会第1441号决议", "Security Council Resolution No. 1441"),
        ("第1373（2001）号决议", "resolution 1373 (2001)"),
        ("第1368号和第1373号决议", "resolutions 1368 (2001) and 1373 (2001)"),
        ("本协定第三条第二款", "Article 3, paragraph 2, of this Agreement"),
        ("本协定第七条第二款", "Article 7(2) of this Agreement"),
        ("《联合国宪章》第五十一条", "Article 51 of the Charter of the United Nations"),
        ("《联合国宪章》第七章", "Chapter VII of the Charter of the United Nations"),
        ("安理会有关决议", "the relevant Security Council resolutions"),
    ],
)
def test_true_negatives(source: str, target: str) -> None:
    assert check_references(source, target) == []


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("安理会1441号决议", "Security Council resolution 1414", "resolution 1441"),
        ("本协定第三条第二款", "Article 2, paragraph 3", "rendered as paragraph 3"),
        ("《联合国宪章》第七章", "Chapter VI of the Charter", "chapter 7"),
        ("安理会有关决议", "Security Council resolution 1483", "not in the source"),
        ("本协定第三条", "paragraph 3 of this Agreement", "rendered as paragraph 3"),
    ],
)
def test_true_positives(source: str, target: str, message: str) -> None:
    flags = check_references(source, target)
    assert any(message in f.message for f in flags), flags


def test_roman_numerals() -> None:
    assert [roman_to_int(r) for r in ("VII", "IV", "XLII")] == [7, 4, 42]
    assert [r.number for r in find_en_references("under chapter VII")] == ["7"]


def test_general_assembly_resolutions_keep_session_and_number() -> None:
    assert check_references("联大第56/88号决议", "General Assembly resolution 56/88") == []
    flags = check_references("联大第56/88号决议", "General Assembly resolution 56/89")
    assert [f.message for f in flags] == [
        "resolution 56/88 (第56/88号决议) missing",
        "resolution 56/89 not in the source",
    ]
