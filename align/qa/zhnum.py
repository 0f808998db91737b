"""Chinese numerals: values of 一千四百四十一, 二〇〇二, 十二点五, 6,645.8亿 and where they occur.

cn2an (PyPI) converts numeral strings but its wheel installs stray top-level ``build``/``src``/
``example`` folders, needs ``proces``, warns on 万/亿 in mixed text and cannot say which
characters of a sentence are a number; QA needs spans and idiom rejection (一致, 千万不要), so
this small parser is tested here instead (tests/test_qa_numbers.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_DIGIT_CHARS = "".join(DIGITS)
CN_NUMERAL = rf"[{_DIGIT_CHARS}十百千万亿]+(?:点[{_DIGIT_CHARS}]+)?"
ARABIC = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"

# What may follow a numeral for it to count as a quantity rather than part of a word (一致, 万一).
CLASSIFIERS = (
    "个|名|项|次|国|年|月|日|天|人|届|条|款|点|倍|家|位|方|份|类|种|起|件|批|轮|周|岁|所|座|架|艘|"
    "枚|辆|台|部|篇|章|节|段|句|层|级|组|队|支|根|张|本|场|期|季|股|亿|万|千|百|美元|元|吨|公里|"
    "千米|米|平方|公顷|亩|小时|分钟|秒|代|省|市|县|城|区|党|方面|成员|大洲|大洋|周年|多|余"
)
_MENTION = regex.compile(
    rf"(?P<pct>百分之)?(?P<ord>第)?(?P<num>{ARABIC}|{CN_NUMERAL})"
    rf"(?P<approx>多|余)?(?P<mag>[万亿]+)?(?P<pct2>%|％)?"
)
_VAGUE_BEFORE = ("几", "数", "上", "好")  # 几十, 数百万, 上万: "dozens", "millions"


@dataclass(frozen=True)
class ZhNumber:
    value: float
    span: tuple[int, int]
    kind: str  # "number", "percent" or "ordinal"
    approx: bool = False  # 十多万: "more than 100,000"


def parse_zh_numeral(text: str, *, leading_unit: bool = False) -> float | None:
    """Value of a pure Chinese numeral, or ``None`` when it is not a well-formed one.

    A numeral that starts with 百/千/万/亿 (百万, 千万) is read only with ``leading_unit``: alone
    these are usually words (千万不要 = "by no means"), not quantities.
    """
    if not text:
        return None
    whole, _, frac = text.partition("点")
    value = _parse_integer(whole, leading_unit)
    if value is None or any(c not in DIGITS for c in frac):
        return None
    if frac:
        return value + float("0." + "".join(str(DIGITS[c]) for c in frac))
    return float(value)


def _parse_integer(text: str, leading_unit: bool) -> int | None:
    if text and all(c in DIGITS for c in text):
        if len(text) == 1 or text[0] != "两":
            return int("".join(str(DIGITS[c]) for c in text))  # 二〇〇二 is read digit by digit
        return None
    total = section = number = 0
    last_unit, prev = 0, ""
    for i, ch in enumerate(text):
        if ch in DIGITS:
            number = DIGITS[ch]
        elif ch in SMALL_UNITS:
            if prev not in DIGITS:
                if not (i == 0 and (ch == "十" or leading_unit)):
                    return None
                number = 1
            section += number * SMALL_UNITS[ch]
            number, last_unit = 0, SMALL_UNITS[ch]
        elif ch in BIG_UNITS:
            if i == 0 and not leading_unit:
                return None
            if ch == "亿":
                total = (total + section + number or 1) * BIG_UNITS[ch]
            else:
                total += (section + number or 1) * BIG_UNITS[ch]
            section = number = 0
            last_unit = BIG_UNITS[ch]
        else:
            return None
        prev = ch
    if number and last_unit >= 100 and len(text) >= 2 and text[-2] not in DIGITS:
        number *= last_unit // 10  # 一万五 = 15,000, 二百五 = 250
    return total + section + number


def _magnitude(mag: str) -> float:
    value = 1.0
    for ch in mag:
        value *= BIG_UNITS[ch]
    return value


def find_zh_numbers(text: str) -> list[ZhNumber]:
    """Every quantity in Chinese text, with its value; idioms and vague amounts are skipped."""
    found = []
    for m in _MENTION.finditer(text):
        before = text[max(0, m.start() - 1) : m.start()]
        if before in _VAGUE_BEFORE and not m["pct"]:
            continue
        after = text[m.end() : m.end() + 4]
        value = _mention_value(m, after)
        if value is None:
            continue
        kind = "percent" if m["pct"] or m["pct2"] else "ordinal" if m["ord"] else "number"
        found.append(ZhNumber(value, m.span(), kind, approx=bool(m["approx"])))
    return found


def _mention_value(m: regex.Match[str], after: str) -> float | None:
    num = m["num"]
    magnitude = _magnitude(m["mag"] or "")
    if num[0].isdigit():
        return float(num.replace(",", "").replace("，", "")) * magnitude
    classified = bool(m["mag"] or m["approx"]) or regex.match(CLASSIFIERS, after) is not None
    if not (classified or m["pct"] or m["pct2"] or m["ord"]):
        # a bare run counts only when it is unmistakably a numeral: 一千四百四十一, 二〇〇二
        units = any(c in SMALL_UNITS or c in BIG_UNITS for c in num)
        if not ((units and len(num) >= 3) or (not units and len(num) >= 4)):
            return None
    value = parse_zh_numeral(num, leading_unit=classified)
    if value is None or (len(num) == 2 and num[0] in DIGITS and num[1] in DIGITS):
        return None  # 三四 = "three or four"
    return value * magnitude
