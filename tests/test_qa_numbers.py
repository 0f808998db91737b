"""Chinese/English number reading and the numbers check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from align.qa.ennum import find_en_numbers, parse_number_words
from align.qa.numbers import check_numbers
from align.qa.zhnum import find_zh_numbers, parse_zh_numeral

DIG = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Reference formatter for the property test (standard reading, leading 一十 as 十)."""
    if n == 0:
        return "零"

    def below_10000(k: int) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = k // unit % 10
            if d:
                out += ("零" if zero and out else "") + DIG[d] + name
                zero = False
            else:
                zero = True
        return out

    parts = []
    for size, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        chunk = n // size % 10000 if size < 10**8 else n // size
        if chunk:
            text = below_10000(chunk)
            if parts and chunk < 1000:
                text = "零" + text
            parts.append(text + name)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


@given(st.integers(min_value=1, max_value=99_999_999_999))
def test_parser_reads_every_standard_numeral(n: int) -> None:
    assert parse_zh_numeral(to_chinese(n)) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一千四百四十一", 1441),
        ("二〇〇二", 2002),
        ("十二点五", 12.5),
        ("十", 10),
        ("两千", 2000),
        ("一万五", 15000),
        ("三万亿", 3e12),
        ("一亿二千万", 1.2e8),
    ],
)
def test_parse_zh_numeral(text: str, value: float) -> None:
    assert parse_zh_numeral(text) == value


@pytest.mark.parametrize("text", ["千万", "万一", "百", "千方"])
def test_words_that_only_look_like_numerals_are_not_numbers(text: str) -> None:
    assert parse_zh_numeral(text) is None


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("地震已造成十多万人无家可归。", [100_000]),
        ("贸易额达到6,645.8亿美元，增长百分之五。", [664_580_000_000, 5]),
        ("本组织六个成员国", [6]),
        ("部长们一致认为，一如既往地支持", []),
        ("千万不要忘记", []),
        ("数十万人", []),
        ("三四个国家", []),
        ("百万人口", [1_000_000]),
        ("第五十七届联合国大会", [57]),
    ],
)
def test_find_zh_numbers(text: str, values: list[float]) -> None:
    assert [n.value for n in find_zh_numbers(text)] == pytest.approx(values)


def test_kinds_and_approximation() -> None:
    found = find_zh_numbers("十多万人，百分之五，第三")
    assert [(n.kind, n.approx) for n in found] == [
        ("number", True),
        ("percent", False),
        ("ordinal", False),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fifty-seven", (57, False)),
        ("fifty-seventh", (57, True)),
        ("one hundred and twenty", (120, False)),
        ("a million", (1e6, False)),
        ("million", None),
    ],
)
def test_parse_number_words(text: str, expected: tuple[float, bool] | None) -> None:
    assert parse_number_words(text) == expected


def test_find_en_numbers_scales_and_kinds() -> None:
    found = find_en_numbers("664.58 billion, 5 per cent, the 57th session of the G20, both")
    assert [(n.value, n.kind) for n in found] == [
        (664.58e9, "digits"),
        (5, "digits"),
        (57, "ordinal"),
        (20, "soft"),
        (2, "soft"),
    ]


def test_roman_numerals_are_soft_numbers() -> None:
    found = find_en_numbers("World War II, Chapter VII, CIVIL, I")
    assert [(n.value, n.kind) for n in found] == [(2, "soft"), (7, "soft")]


def test_first_three_is_two_numbers() -> None:
    assert [n.value for n in find_en_numbers("the first three quarters")] == [1, 3]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (
            "地震已造成十多万人无家可归。",
            "The earthquake has left more than 100,000 people homeless.",
        ),
        ("地震已造成十多万人无家可归。", "Over one hundred thousand people lost their homes."),
        ("贸易额达到6,645.8亿美元。", "Trade reached 664.58 billion US dollars."),
        ("贸易额达到6,645.8亿美元。", "Trade reached US$664,580 million."),
        ("提供500万元人民币援助。", "It will provide 5 million yuan in aid."),
        ("同比增长百分之五。", "Up 5% year on year."),
        ("投资15亿美元。", "An investment of US$1.5bn."),
        ("同比增长百分之五。", "Up five per cent year on year."),
        ("六国外长出席会议。", "The foreign ministers of the six countries attended."),
        ("两国外长举行会谈。", "The two foreign ministers held talks."),
        ("两国关系稳步发展。", "Bilateral relations have developed steadily."),
        ("双方签署了文件。", "The two sides signed the documents."),
        ("首次峰会", "The first summit"),
        ("第五十七届联大", "The fifty-seventh session of the General Assembly"),
        ("第五十七届联大", "The 57th session of the General Assembly"),
        ("会议于2002年11月23日举行。", "The meeting was held on 23 November 2002."),
        ("1441号决议", "resolution 1441"),
        ("部长们一致认为", "The Ministers agreed unanimously"),
        ("第二次世界大战结束后", "After World War II ended"),
        ("二十国集团峰会", "The G20 summit"),
        (
            "今年前三季度增长百分之十二点五。",
            "Growth was 12.5 per cent in the first three quarters.",
        ),
    ],
)
def test_correct_numbers_are_not_flagged(source: str, target: str) -> None:
    assert check_numbers(source, target) == []


@pytest.mark.parametrize(
    ("source", "target", "needle"),
    [
        ("地震已造成十多万人无家可归。", "More than 10,000 people are homeless.", "100,000"),
        (
            "贸易额达到6,645.8亿美元。",
            "Trade reached 66.458 billion US dollars.",
            "664,580,000,000",
        ),
        ("提供500万元人民币援助。", "It will provide 500,000 yuan in aid.", "5,000,000"),
        ("六国外长出席会议。", "The foreign ministers of five countries attended.", "6 (六)"),
        ("同比增长百分之十五。", "Up 50 percent year on year.", "15%"),
        ("文件共有十二项。", "There are 21 documents.", "12"),
    ],
)
def test_wrong_numbers_are_flagged(source: str, target: str, needle: str) -> None:
    flags = check_numbers(source, target)
    assert flags and all(f.check == "numbers" for f in flags)
    assert any(needle in f.message and "missing" in f.message for f in flags)


def test_invented_number_is_flagged_with_its_span() -> None:
    target = "The ministers of the six member states signed 14 documents."
    flags = check_numbers("六个成员国的部长签署了文件。", target)
    assert [f.message for f in flags] == ["14 not in the source"]
    span = flags[0].target_span
    assert span is not None and target[span[0] : span[1]] == "14"


def test_numbers_in_dates_and_references_are_left_to_those_checks() -> None:
    assert check_numbers("2002年11月23日", "22 November 2002") == []
    assert check_numbers("1441号决议", "resolution 1414") == []
