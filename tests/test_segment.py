"""Golden boundaries of the seed communiqué and one case per segmentation rule (issue #3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from align.model import SegmentKind
from align.segment import segment

# (paragraph, first six characters, last six characters) of every seed segment, in order.
SEED_GOLDEN = [
    (0, "上海合作组织", "会议联合公报"),
    (1, "上海合作组织", "莫斯科举行。"),
    (1, "出席会议的有", "长卡米洛夫。"),
    (2, "会上就本组织", "认真的讨论。"),
    (3, "与会者满意地", "容日益充实。"),
    (3, "各方商定在下", "出具体建议。"),
    (4, "部长们指出，", "紧张地进行。"),
    (4, "至今已就在北", "题达成共识。"),
    (4, "国家协调员理", "会晤时签署。"),
    (5, "与会者认为，", "的威胁问题。"),
    (6, "根据本组织开", "临时方案》。"),
    (6, "该方案在本组", "生效前适用。"),
    (7, "部长们就世界", "、爱滋病等。"),
    (7, "部长们重申，", "的全球体系。"),
    (8, "会议指出，虽", "最严重威胁。"),
    (8, "为此，部长们", "的果断行动。"),
    (9, "部长们认为国", "的主导作用。"),
    (9, "本组织成员国", "的各项规定。"),
    (10, "部长们一致认", "的首要任务。"),
    (10, "为此，本组织", "织开展合作。"),
    (11, "部长们对亚洲", "气感到担心。"),
    (11, "声明决心一如", "完整的努力。"),
    (11, "强调决不允许", "义进行开脱。"),
    (12, "部长们确认，", "行经济重建。"),
    (13, "部长们积极评", "的国际协作。"),
    (13, "同时担心，日", "来毒品灾难。"),
    (13, "鉴此，认为在", "议是有益的。"),
    (14, "部长们商定，", "道主义援助。"),
    (15, "部长们支持有", "的有关决议。"),
    (16, "部长们表示希", "伊拉克问题。"),
    (17, "部长们支持朝", "合各方利益。"),
    (18, "部长们认为，", "是相互竞争。"),
    (19, "部长们支持本", "交流与合作。"),
    (20, "部长们赞成遵", "施会议进程。"),
    (21, "重申支持在亚", "利益和关切。"),
    (22, "本组织成员国", "和平与发展。"),
]


def texts(text: str, lang: str = "zh", **kwargs: bool) -> list[str]:
    return [s.text for s in segment(text, lang, **kwargs)]


# --- the seed communiqué ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


def test_seed_gives_title_and_35_sentences(seed_text: str) -> None:
    segs = segment(seed_text, "zh")
    assert len(segs) == 36
    assert [s.kind for s in segs] == [SegmentKind.HEADING] + [SegmentKind.SENTENCE] * 35
    assert segs[0].markup == "## " and segs[0].text == "上海合作组织外交部长会议联合公报"


@pytest.mark.parametrize("index", range(len(SEED_GOLDEN)))
def test_seed_boundary(seed_text: str, index: int) -> None:
    seg = segment(seed_text, "zh")[index]
    paragraph, head, tail = SEED_GOLDEN[index]
    assert (seg.paragraph, seg.text[:6], seg.text[-6:]) == (paragraph, head, tail)
    assert seed_text[seg.start : seg.end] == seg.markup + seg.text


def test_seed_sentences_cover_every_non_space_character(seed_text: str) -> None:
    segs = segment(seed_text, "zh")
    joined = "".join(s.markup + s.text for s in segs)
    assert "".join(joined.split()) == "".join(seed_text.split())


def test_seed_with_semicolon_option_is_unchanged(seed_text: str) -> None:
    """The seed has no ；, so the option must not change any boundary."""
    assert texts(seed_text, split_semicolons=True) == texts(seed_text)


# --- Chinese rules ----------------------------------------------------------------------------


def test_zh_splits_after_full_stop_question_and_exclamation_runs() -> None:
    assert texts("会议开幕。真的吗？！当然！") == ["会议开幕。", "真的吗？！", "当然！"]


def test_zh_ellipsis_ends_a_sentence() -> None:
    assert texts("他们走了……我们也走吧。") == ["他们走了……", "我们也走吧。"]
    assert texts("还有很多⋯⋯下次再说。") == ["还有很多⋯⋯", "下次再说。"]


def test_zh_ellipsis_followed_by_space_is_a_pause() -> None:
    assert texts("我叫…… 叫小玄子。") == ["我叫…… 叫小玄子。"]


def test_zh_stutter_after_ellipsis_is_not_a_boundary() -> None:
    assert texts("“我……我昨晚没睡。”他说。") == ["“我……我昨晚没睡。”", "他说。"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他说：“走吧。”我们走了。", ["他说：“走吧。”", "我们走了。"]),
        ("他说：‘走吧。’我们走了。", ["他说：‘走吧。’", "我们走了。"]),
        ("他說：「走吧。」我們走了。", ["他說：「走吧。」", "我們走了。"]),
        ("书上写着『完了！』大家笑了。", ["书上写着『完了！』", "大家笑了。"]),
        ("（见附件。）下一句。", ["（见附件。）", "下一句。"]),
        ('他说"走吧。"我们走了。', ['他说"走吧。"', "我们走了。"]),
        ("(见附件。)下一句。", ["(见附件。)", "下一句。"]),
        ("他说：“好了。 ”我们走了。", ["他说：“好了。 ”", "我们走了。"]),
    ],
)
def test_zh_closing_quotes_and_brackets_stay_with_their_sentence(
    text: str, expected: list[str]
) -> None:
    assert texts(text) == expected


def test_zh_quote_ending_the_sentence_is_one_unit() -> None:
    assert texts("他说：“我们支持这个决定。”") == ["他说：“我们支持这个决定。”"]


def test_zh_quote_with_several_sentences_splits_inside() -> None:
    assert texts("他说：“第一句。第二句！”然后走了。") == [
        "他说：“第一句。",
        "第二句！”",
        "然后走了。",
    ]


def test_zh_interrupted_speech_ends_with_dash_and_quote() -> None:
    assert texts("“你为什么——”说到这里，他停了。") == ["“你为什么——”", "说到这里，他停了。"]


def test_zh_no_split_before_continuation_punctuation() -> None:
    assert texts("“好！”，他说。") == ["“好！”，他说。"]


def test_zh_never_splits_inside_book_titles() -> None:
    assert texts("我读了《你好！世界。》这本书。下一句。") == [
        "我读了《你好！世界。》这本书。",
        "下一句。",
    ]
    assert texts("签署了《宪章》。该方案适用。") == ["签署了《宪章》。", "该方案适用。"]


def test_zh_semicolons_split_only_with_the_option() -> None:
    text = "一是加强合作；二是深化交流；三是扩大往来。"
    assert texts(text) == [text]
    assert texts(text, split_semicolons=True) == [
        "一是加强合作；",
        "二是深化交流；",
        "三是扩大往来。",
    ]
    assert texts("甲;乙。", split_semicolons=True) == ["甲;", "乙。"]


@pytest.mark.parametrize("enumerator", ["一、", "（一）", "(1)", "1.", "1．", "第一，", "1. "])
def test_zh_enumerated_line_starts_a_segment(enumerator: str) -> None:
    second = enumerator.replace("一", "二").replace("1", "2")
    text = f"会议决定：\n{enumerator}加强合作\n{second}深化交流"
    segs = texts(text)
    assert len(segs) == 3
    assert segs[0] == "会议决定："
    assert segs[1].startswith(enumerator.strip())


@pytest.mark.parametrize("enumerator", ["一、", "（一）", "(1)", "1.", "第一，"])
def test_zh_enumerator_is_never_a_segment_on_its_own(enumerator: str) -> None:
    assert texts(f"{enumerator}\n加强合作。") == [f"{enumerator}\n加强合作。"]


def test_zh_inline_numbered_items_are_not_cut_after_the_number() -> None:
    assert texts("1. 加强合作。2. 深化交流。") == ["1. 加强合作。", "2. 深化交流。"]
    assert texts("1．加强合作。2．深化交流。") == ["1．加强合作。", "2．深化交流。"]


def test_zh_markdown_heading_keeps_markup_out_of_text() -> None:
    text = "## 联合公报 ##\n\n会议举行。"
    segs = segment(text, "zh")
    assert [(s.kind, s.markup, s.text) for s in segs] == [
        (SegmentKind.HEADING, "## ", "联合公报"),
        (SegmentKind.SENTENCE, "", "会议举行。"),
    ]
    assert text[segs[0].start : segs[0].end] == "## 联合公报"


def test_zh_markdown_heading_without_blank_line_after() -> None:
    segs = segment("# 标题\n会议举行。", "zh")
    assert [(s.kind, s.text, s.paragraph) for s in segs] == [
        (SegmentKind.HEADING, "标题", 0),
        (SegmentKind.SENTENCE, "会议举行。", 0),
    ]


def test_zh_plain_heading_is_a_short_unpunctuated_line_before_a_blank_line() -> None:
    segs = segment("上海合作组织外交部长会议联合公报\n\n会议举行。\n\n会议结束", "zh")
    assert [(s.kind, s.markup) for s in segs] == [
        (SegmentKind.HEADING, ""),
        (SegmentKind.SENTENCE, ""),
        (SegmentKind.SENTENCE, ""),  # the last paragraph has no blank line after it
    ]


def test_zh_short_line_without_punctuation_ends_a_segment() -> None:
    assert texts("新华社莫斯科11月23日电\n会议举行。") == ["新华社莫斯科11月23日电", "会议举行。"]


def test_zh_hard_wrapped_line_stays_in_its_sentence() -> None:
    line = "部长们认为国际社会的迫切任务是加强打击恐怖主义的国际法律基础，包括尽快通过"
    assert texts(f"{line}\n公约。下一句。") == [f"{line}\n公约。", "下一句。"]


@pytest.mark.parametrize(
    "sentence",
    [
        "总额达6,645.8亿元。",
        "增长3.5%。",
        "会议于2002年11月23日举行。",
        "安理会第1441号决议。",
        "网址是www.gov.cn。",
        "比例为１２.５％。",
    ],
)
def test_zh_numbers_never_split(sentence: str) -> None:
    assert texts(sentence + "下一句。") == [sentence, "下一句。"]


def test_zh_half_width_punctuation_works_like_full_width() -> None:
    assert texts("真的吗?当然!我们走了.下一句.") == ["真的吗?", "当然!", "我们走了.", "下一句."]
    assert texts("我们走了．下一句。") == ["我们走了．", "下一句。"]


def test_zh_traditional_chinese() -> None:
    text = "會議於莫斯科舉行。部長們說：「我們支持。」他們簽署了《聯合聲明》。"
    assert texts(text) == [
        "會議於莫斯科舉行。",
        "部長們說：「我們支持。」",
        "他們簽署了《聯合聲明》。",
    ]


def test_zh_region_subtags_are_ignored() -> None:
    assert texts("甲。乙。", "zh-Hant") == ["甲。", "乙。"]


def test_paragraph_indices_follow_blank_lines() -> None:
    segs = segment("甲。乙。\n\n\u3000\u3000丙。\n \n丁。", "zh")
    assert [(s.text, s.paragraph) for s in segs] == [
        ("甲。", 0),
        ("乙。", 0),
        ("丙。", 1),
        ("丁。", 2),
    ]


def test_offsets_are_exact() -> None:
    text = "\u3000\u3000会议举行。 他说：“好。”\n"
    for seg in segment(text, "zh"):
        assert text[seg.start : seg.end] == seg.text
        assert seg.text == seg.text.strip()


def test_empty_and_blank_text_give_no_segments() -> None:
    assert segment("", "zh") == []
    assert segment(" \n\u3000\n", "en") == []


# --- English rules ----------------------------------------------------------------------------


def test_en_simple_sentences() -> None:
    assert texts("The talks began. Did they end? Yes!", "en") == [
        "The talks began.",
        "Did they end?",
        "Yes!",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Wang met Dr. Li and Mrs. Smith in St. Petersburg.",
        "Resolution No. 1441 and Art. 5 of Vol. 2 apply.",
        "Some states, e.g. Russia, and one power, i.e. China, agreed.",
        "H.E. Mr. Wang Yi spoke at the U.N. Security Council about U.S. policy.",
        "S.Lavrov and W. Yi met Colin L. Powell.",
        "On May 29, 2003, and on Nov. 23, 2002, they met.",
        "Growth was 3.5 percent, or 6,645.8 billion.",
        "It was signed by J. K. Smith.",
    ],
)
def test_en_abbreviations_initials_dates_and_decimals_never_end_a_sentence(text: str) -> None:
    assert texts(text + " Then they left.", "en") == [text, "Then they left."]


def test_en_sentence_final_abbreviation_before_a_sentence_opener() -> None:
    assert texts("He lives in the U.S. The talks went on.", "en") == [
        "He lives in the U.S.",
        "The talks went on.",
    ]
    assert texts("They sold apples, pears, etc. We bought none.", "en") == [
        "They sold apples, pears, etc.",
        "We bought none.",
    ]


def test_en_abbreviation_before_a_closing_quote_ends_the_sentence() -> None:
    assert texts('"It was one A.M." "So late?"', "en") == ['"It was one A.M."', '"So late?"']


def test_en_number_at_sentence_end_is_a_boundary() -> None:
    assert texts("They met in 2003. The next year they met again.", "en") == [
        "They met in 2003.",
        "The next year they met again.",
    ]


def test_en_quotes_and_parentheses_stay_with_their_sentence() -> None:
    assert texts('He said, "We agree." Then he left. (See annex.) Fine.', "en") == [
        'He said, "We agree."',
        "Then he left.",
        "(See annex.)",
        "Fine.",
    ]


def test_en_question_in_quotes_followed_by_lowercase_tag_is_one_sentence() -> None:
    assert texts("'Why?' he asked. 'Because!' she said.", "en") == [
        "'Why?' he asked.",
        "'Because!' she said.",
    ]


def test_en_ellipses() -> None:
    assert texts("I waited... Then he came.", "en") == ["I waited...", "Then he came."]
    assert texts("I waited . . . and waited.", "en") == ["I waited . . . and waited."]
    assert texts("'I... I... can't remember.' He left.", "en") == [
        "'I... I... can't remember.'",
        "He left.",
    ]


def test_en_interrupted_quote_followed_by_a_new_quote() -> None:
    assert texts("'But I—' 'You what?' he snapped.", "en") == [
        "'But I—'",
        "'You what?' he snapped.",
    ]


def test_en_list_items_start_a_segment_and_are_never_alone() -> None:
    text = "The parties agreed:\n1. To cooperate.\n2. To meet again.\n(a) Soon"
    assert texts(text, "en") == [
        "The parties agreed:",
        "1. To cooperate.",
        "2. To meet again.",
        "(a) Soon",
    ]
    assert texts("They agreed. 2. The parties will meet.", "en") == [
        "They agreed.",
        "2. The parties will meet.",
    ]


def test_en_hard_wrapped_lines_are_joined_and_short_lines_are_not() -> None:
    wrapped = "The ministers agreed that the organisation should be open to\nall."
    text = f"{wrapped} Next.\nDear Sir\nThanks."
    assert texts(text, "en") == [
        wrapped,
        "Next.",
        "Dear Sir",
        "Thanks.",
    ]


def test_en_semicolons_with_the_option() -> None:
    assert texts("We came; we saw.", "en") == ["We came; we saw."]
    assert texts("We came; we saw.", "en", split_semicolons=True) == ["We came;", "we saw."]


def test_en_markdown_heading() -> None:
    segs = segment("# Joint Communiqué\n\nThe meeting was held.", "en")
    assert [(s.kind, s.markup, s.text) for s in segs] == [
        (SegmentKind.HEADING, "# ", "Joint Communiqué"),
        (SegmentKind.SENTENCE, "", "The meeting was held."),
    ]


def test_indented_line_opens_a_paragraph() -> None:
    segs = segment("会议举行。\n\u3000\u3000部长们发言。\n\n结束了。", "zh")
    assert [(s.text, s.paragraph) for s in segs] == [
        ("会议举行。", 0),
        ("部长们发言。", 1),
        ("结束了。", 2),
    ]


def test_chinese_without_blank_lines_is_one_paragraph_per_finished_line() -> None:
    wrapped = "部长们认为国际社会的迫切任务是加强打击恐怖主义的国际法律基础，包括尽快\n通过公约。"
    text = f"新华社莫斯科11月23日电\n会议举行。部长们发言。\n会议结束。\n{wrapped}"
    segs = segment(text, "zh")
    assert [(s.text, s.paragraph) for s in segs] == [
        ("新华社莫斯科11月23日电", 0),
        ("会议举行。", 0),
        ("部长们发言。", 0),
        ("会议结束。", 1),
        (wrapped, 2),
    ]


def test_en_abbreviation_at_a_line_end_does_not_split() -> None:
    assert texts("It was Mr.\nWang who spoke. He left.", "en") == [
        "It was Mr.\nWang who spoke.",
        "He left.",
    ]


def test_zh_straight_quotes_after_a_full_stop_open_or_close_by_parity() -> None:
    assert texts('他走了。"你好。"她说。') == ["他走了。", '"你好。"', "她说。"]


def test_en_words_and_numbers_before_a_period_end_the_sentence() -> None:
    assert texts("The cat. Dogs bark. Growth was 3.5. Exports rose.", "en") == [
        "The cat.",
        "Dogs bark.",
        "Growth was 3.5.",
        "Exports rose.",
    ]
