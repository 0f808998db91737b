"""The dates check: every format a translator may use is accepted, wrong parts are flagged."""

from __future__ import annotations

import pytest

from align.qa.dates import check_dates, find_en_dates, find_zh_dates

SOURCE = "会议于2002年11月23日在莫斯科举行。"


@pytest.mark.parametrize(
    "target",
    [
        "The meeting was held in Moscow on 23 November 2002.",
        "The meeting was held in Moscow on November 23, 2002.",
        "The meeting was held in Moscow on Nov. 23, 2002.",
        "The meeting was held in Moscow on the 23rd of November 2002.",
        "Date of the meeting: 2002-11-23",
        "Date of the meeting: 23/11/2002",
        "Date of the meeting: 11/23/2002",
    ],
)
def test_every_usual_rendering_of_a_full_date_passes(target: str) -> None:
    assert check_dates(SOURCE, target) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("二〇〇二年十一月二十三日", "23 November 2002"),
        ("2002年6月紧急支尔格大会", "the Emergency Loya Jirga of June 2002"),
        ("以备2003年签署", "for signature in 2003"),
        ("截至2002年底", "as of the end of 2002, 34 countries"),
        ("会议将于明年3月召开", "The meeting will be held in March next year."),
        ("10月15日", "On 15 October"),
        ("上世纪90年代以来", "Since the 1990s"),
        ("6月4日于阿拉木图", "Almaty, 4 June"),
        ("第1373（2001）号决议", "resolution 1373 (2001)"),
        ("明年", "in 2003"),  # a resolved relative year is not invented
        ("峰会于6月15日至16日举行。", "The summit was held on 15 and 16 June."),
        ("峰会于2002年6月15日至16日举行。", "The summit took place on June 15-16, 2002."),
        ("该计划将于2002年至2005年实施。", "The plan runs from 2002-2005."),
        ("他们可能同意。", "They may agree. May we proceed?"),  # a modal verb is not a month
    ],
)
def test_true_negatives(source: str, target: str) -> None:
    numbers = frozenset({1373.0, 2001.0}) if "1373" in source else frozenset()
    assert check_dates(source, target, numbers) == []


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (SOURCE, "The meeting was held in Moscow on 22 November 2002."),
        (SOURCE, "The meeting was held in Moscow on 23 October 2002."),
        (SOURCE, "The meeting was held in Moscow on 23 November 2003."),
        (SOURCE, "The meeting was held in Moscow on 23 November."),
        ("2001年12月5日的波恩协议", "the Bonn Agreement of 5 December 2002"),
        ("以备2003年签署", "for signature in 2004"),
        ("2002年7月通过", "adopted in June 2002"),
        ("今年10月发生的恐怖事件", "the terrorist act this year"),
        ("上世纪90年代以来", "Since 1990"),
        ("峰会于6月15日至16日举行。", "The summit was held on 15 and 17 June."),
    ],
)
def test_true_positives(source: str, target: str) -> None:
    flags = check_dates(source, target)
    assert flags and {f.check for f in flags} == {"dates"}


def test_spans_point_at_the_dates() -> None:
    target = "held on 22 November 2002"
    flags = check_dates(SOURCE, target)
    missing = next(f for f in flags if f.source_span)
    invented = next(f for f in flags if f.target_span)
    assert SOURCE[slice(*missing.source_span)] == "2002年11月23日"  # type: ignore[misc]
    assert target[slice(*invented.target_span)] == "22 November 2002"  # type: ignore[misc]


def test_extractors() -> None:
    assert [(d.year, d.month, d.day) for d in find_zh_dates("今年10月，2003年")] == [
        (None, 10, None),
        (2003, None, None),
    ]
    assert [(d.year, d.month, d.day) for d in find_en_dates("in March and on 4 June 2002")] == [
        (None, 3, None),
        (2002, 6, 4),
    ]
