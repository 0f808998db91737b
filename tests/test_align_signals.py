"""The aligner's signals: dictionary lookups, anchors, quotation boundaries, bead format."""

from __future__ import annotations

from pathlib import Path

import pytest

from align.anchors import en_anchors, zh_anchors, zh_number
from align.boundaries import (
    dialogue_lines,
    en_dialogue_lines,
    en_quote_balance,
    inside_quote,
    name_openings,
    opening_words,
    quote_closings,
    quote_counts,
    quote_openings,
    zh_dialogue_lines,
    zh_quote_balance,
)
from align.errors import InputError
from align.formats.beads import format_bead, parse_bead, read_beads, write_beads
from align.lexicon import chinese_words, english_stems, lexicon, stem
from align.model import Bead
from align.similarity import Vocab, source_features
from align.simplified import to_simplified


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三", 3),
        ("十五", 15),
        ("三十五", 35),
        ("一百零八", 108),
        ("一九九八", 1998),
        ("两万", 20000),
    ],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert zh_number(text) == value


def test_numbers_dates_and_acronyms_meet_in_the_middle() -> None:
    zh = set(zh_anchors("二〇〇一年六月，上合组织在上海成立，有6个成员国，WTO也关注。"))
    en = set(
        en_anchors(
            "In June 2001 the SCO was founded in Shanghai with six members; the WTO noted it."
        )
    )
    assert {"#2001", "#mon6", "#6", "@wto"} <= zh & en


def test_quotes_and_questions_are_anchors() -> None:
    assert {"&quote", "&question"} <= set(zh_anchors("他问：“你去哪儿？”"))
    assert {"&quote", "&question"} <= set(en_anchors('"Where are you going?" he asked.'))
    assert "&title" in zh_anchors("我读了《红楼梦》。")


def test_lexicon_longest_match_and_stems() -> None:
    lex = lexicon()
    assert list(chinese_words("我们的友谊很伟大", lex))[:3] == ["我们", "的", "友谊"]
    assert stem("friendship") in lex["友谊"]
    assert stem("walked") == stem("walking") == stem("walks")
    assert english_stems("The friends of the city") == [stem("friends"), stem("city")]


def test_a_traditional_sentence_gets_the_units_of_its_simplified_form() -> None:
    """CC-CEDICT and the anchors' numerals are looked up in simplified characters (OpenCC), so
    萬/億/兩 and the words written differently in the two scripts count the same."""
    simplified = [
        "上海合作组织外交部长会议于2002年11月23日在莫斯科举行。",
        "两国贸易额达三万亿美元。",
    ]
    traditional = [
        "上海合作組織外交部長會議於2002年11月23日在莫斯科舉行。",
        "兩國貿易額達三萬億美元。",
    ]
    vocab = Vocab()
    names = vocab.ids

    def units(texts: list[str]) -> list[list[tuple[float, list[str]]]]:
        features = source_features(texts, None, vocab)
        ids = {i: name for name, i in names.items()}
        return [
            sorted((w, sorted(ids[i] for i in stems)) for w, stems in row) for row in features.units
        ]

    assert units(traditional) == units(simplified)
    assert ["#2", "#30000"] == sorted(
        name for w, stems in units(traditional)[1] for name in stems if name.startswith("#")
    )
    sentence = to_simplified(traditional[0])
    assert len(sentence) == len(traditional[0]) and sentence == simplified[0]


def test_quote_state_at_boundaries() -> None:
    zh = ["他说：“我们走吧。", "天快黑了。”", "她没有回答。"]
    en = ["'Let's go,' he said.", "'It will soon be dark.'", "She did not answer."]
    assert list(inside_quote(quote_counts(zh, zh_quote_balance))) == [0.0, 1.0, 0.0, 0.0]
    assert list(inside_quote(quote_counts(en, en_quote_balance))) == [0.0, 0.0, 0.0, 0.0]
    assert list(dialogue_lines(zh, zh_dialogue_lines)) == [0.0, 1.0, 1.0, 1.0]
    assert list(dialogue_lines(en, en_dialogue_lines)) == [0.0, 1.0, 2.0, 2.0]


def test_dialogue_is_quoted_speech_not_a_quoted_term() -> None:
    assert zh_dialogue_lines("“好，”她说，“明天见。”") == 2
    assert zh_dialogue_lines("“上海精神”和“本组织”") == 0  # terms, as official texts quote them
    assert en_dialogue_lines("'I won't,' she said, 'ever.'") == 2
    assert en_dialogue_lines("the 'Shanghai Spirit' of the students' union") == 0
    assert en_dialogue_lines("He said “We don’t know.”") == 1
    assert en_quote_balance("It's the students' book.") == (0, 0)
    assert en_quote_balance('"Go out and rob?') == (1, 0)


def test_sentences_that_open_with_a_name_or_a_quotation() -> None:
    text = [
        "Trinket ran.",  # a name: capitalised twice in mid-sentence below, never lower case
        "Then Trinket sat down, and Misty saw Trinket.",
        "He laughed at Misty.",  # a pronoun opens many sentences: not a name
        "Misty laughed too.",
        "The Wind rose and the wind fell.",  # "Wind" is also written in lower case
        "Wind howled, and Then Wind stopped.",
        "'Trinket!' she cried.",  # the first word counts, quotation marks aside
    ]
    assert name_openings(text).tolist() == [1, 0, 0, 1, 0, 0, 1]
    assert name_openings([]).tolist() == []
    assert quote_openings(text, "en").tolist() == [0, 0, 0, 0, 0, 0, 1]
    assert quote_openings(["“走吧。”他说。", "他说：“走吧。”", "「好。」"], "zh").tolist() == [
        1,
        0,
        1,
    ]
    assert quote_openings(
        ['"Go!" he said.', "It's late.", "They're the students' books."], "en"
    ).tolist() == [1, 0, 0]


def test_sentences_that_close_a_quotation() -> None:
    en = ["He said: 'Go!'", "'Go!' he said.", 'She asked, "Why?"  ', "the students' books"]
    assert quote_closings(en, "en").tolist() == [1, 0, 1, 0]
    zh = ["他说：“走吧。”", "“走吧。”他说。", "「好。」"]
    assert quote_closings(zh, "zh").tolist() == [1, 0, 1]


def test_bead_format_round_trip() -> None:
    for bead in [Bead((0, 1), (0,), 1.0), Bead((3,), (), 1.0), Bead((), (7,), 1.0)]:
        assert parse_bead(format_bead(bead)) == (bead.source, bead.target)
    assert format_bead(Bead((0, 1), (0,), 1.0)) == "[0,1]:[0]"
    with pytest.raises(InputError):
        parse_bead("0-1")


def test_bead_file_round_trip_and_a_bad_line_names_its_place(tmp_path: Path) -> None:
    beads = [Bead((0, 1), (0,), 0.5), Bead((2,), (), 1.0), Bead((), (1, 2), 0.9)]
    path = tmp_path / "doc.align"
    write_beads(path, beads)
    assert read_beads(path) == [(b.source, b.target) for b in beads]
    path.write_text("[0]:[0]\n\n [1, 2] : [1]\n1-2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"doc\.align:4: not a bead line"):
        read_beads(path)
    path.write_text("[0]:[0]\n\n [1, 2] : [1]\n", encoding="utf-8")
    assert read_beads(path) == [((0,), (0,)), ((1, 2), (1,))]


def test_second_pass_learns_a_translators_renaming() -> None:
    """A name the draft transliterates and the translator renames is linked after one pass."""
    from align.relearn import extend, learn_links
    from align.search import PathBead
    from align.similarity import Vocab, source_features, target_features

    events = ["跑了", "笑了", "哭了", "睡了", "走了", "来了"]
    verbs = ["ran", "laughed", "cried", "slept", "left", "came"]
    # the name is in half the sentences: frequent, but not a word every bead has
    src = [f"韦小宝{e}。" for e in events] + [f"他{e}。" for e in events]
    drafts = [f"Wei Xiaobao {v}." for v in verbs] + [f"He {v}." for v in verbs]
    tgt = [f"Trinket {v}." for v in verbs] + [f"He {v}." for v in verbs]
    vocab = Vocab()
    sf = source_features(src, drafts, vocab)
    tf = target_features(tgt, vocab)
    path = [PathBead(k, k, k + 1, k + 1, 1.0, 0.0) for k in range(len(src))]
    learnt = learn_links(sf, tf, path)
    name, nickname = vocab.ids["xiaoba"], vocab.ids["trinke"]
    assert learnt[frozenset((name,))] == frozenset((nickname,))
    unions = extend(sf, learnt).union
    assert all(nickname in union for union in unions[:6])
    assert not any(nickname in union for union in unions[6:])
    assert vocab.ids["ran"] not in learnt.get(frozenset((vocab.ids["laugh"],)), frozenset())


def test_second_pass_windows_cover_changed_sentences_and_merge() -> None:
    import numpy as np

    from align.passes import _windows
    from align.search import PathBead

    path = [PathBead(k, k, k + 1, k + 1, 0.5, 0.0) for k in range(20)]
    changed = np.zeros(20, dtype=bool)
    changed[[3, 5, 15]] = True
    assert _windows(path, changed, 1, 0.95) == [(2, 7), (14, 17)]
    assert _windows(path, np.zeros(20, dtype=bool), 2, 0.95) == []
    sure = [PathBead(k, k, k + 1, k + 1, 1.0, 0.0) for k in range(20)]
    assert _windows(sure, changed, 1, 0.95) == []  # a sure bead is not revisited


def test_search_with_a_free_end_leaves_where_the_path_is_cheapest() -> None:
    import numpy as np

    from align.search import full_band, search

    # a 1-1 bead costs -1 on the diagonal and +1 elsewhere; skips cost 0.5
    def cost(a: int, b: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return np.where(i == j, -1.0, 1.0) + np.zeros(j.shape)

    types = [(0, 1), (1, 0), (1, 1)]
    fixed = search(3, 6, full_band(3, 6), types, cost, 0.5, 0.05)
    free = search(3, 6, full_band(3, 6), types, cost, 0.5, 0.05, free_end=True)
    assert [(p.i1, p.j1) for p in free] == [(1, 1), (2, 2), (3, 3)]
    assert fixed[-1].j1 == 6  # without a free end the last three columns must be skipped
    assert all(p.posterior > 0.9 for p in free)


def test_compiled_passes_equal_the_numpy_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The numba passes do numpy's arithmetic in numpy's order: identical bits, not just close."""
    import numpy as np

    pytest.importorskip("numba")
    import align.search as search
    from align import compiled
    from align.aligner import AlignParams, SearchParams, align
    from tests.benchmarks.test_align_bench import synthetic_pair

    calls = []
    original = search._compiled_passes
    monkeypatch.setattr(search, "_compiled_passes", lambda *a: calls.append(a) or original(*a))
    monkeypatch.setattr(compiled, "KERNEL_ROWS", 0)  # compiled for every lattice, however short
    src, tgt, _ = synthetic_pair(1000, seed=8)
    blocks = AlignParams(search=SearchParams(block=400))  # free ends, and a last fixed one
    align(src, tgt, params=blocks)
    align(src[:60], tgt[:80], drafts=[t.lower() for t in tgt[:60]])  # the full lattice
    assert len(calls) > 4
    for kernel, *args in calls:
        expected = search._passes(*args)
        got = original(kernel, *args)
        for e, g in zip(expected, got, strict=True):
            assert e.dtype == g.dtype and np.array_equal(e, g)


def test_compiled_pair_coverage_equals_the_python_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    pytest.importorskip("numba")
    import align.driver as driver
    from align import compiled
    from align.aligner import align
    from align.similarity import pair_coverage
    from tests.benchmarks.test_align_bench import synthetic_pair

    calls = []
    monkeypatch.setattr(driver, "pair_coverage", lambda *a: calls.append(a) or pair_coverage(*a))
    src, tgt, _ = synthetic_pair(700, seed=6)
    align(src, tgt)  # banded, with a second pass over learnt links
    align(src[:50], tgt[:60], drafts=[t.lower() for t in tgt[:50]])  # drafts, the full lattice
    align(src[:5], ["", "x", ""])  # empty sentences and nothing in common
    assert len(calls) > 3
    for args in calls:
        monkeypatch.setattr(compiled, "KERNEL_ROWS", 0)
        fast = pair_coverage(*args)
        monkeypatch.setenv("BITEXT_NUMBA", "0")
        slow = pair_coverage(*args)
        monkeypatch.delenv("BITEXT_NUMBA")
        assert all(np.array_equal(f, s) for f, s in zip(fast, slow, strict=True))
        assert fast[0].any() or len(args[0].units) < 10


def test_a_failing_kernel_falls_back_with_one_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("numba")
    from align import compiled, search_kernel
    from align.aligner import align
    from tests.benchmarks.test_align_bench import synthetic_pair

    def broken(*args: object) -> None:
        raise RuntimeError("LLVM says no")

    src, tgt, _ = synthetic_pair(300, seed=2)
    monkeypatch.setattr(compiled, "KERNEL_ROWS", 0)
    monkeypatch.setattr(compiled, "_failed", set())
    monkeypatch.setattr(search_kernel, "forward", broken)
    with pytest.warns(RuntimeWarning, match="compiled search_kernel failed .*LLVM says no"):
        beads = align(src, tgt)
    assert compiled._failed == {"search_kernel"}  # not tried again in this process
    monkeypatch.setenv("BITEXT_NUMBA", "0")
    assert beads == align(src, tgt)


def test_opening_words_are_shared_ids_and_missing_ones_never_match() -> None:
    drafts = ["When it got dark, she left.", "“But why?” he asked.", "1998.", "", "The end."]
    en = ["'when?' he asked.", "But it was late.", "42", "Why not?", "The end."]
    zh_keys, en_keys = opening_words(drafts, en)
    assert zh_keys[0] == en_keys[0]  # case and quotation marks aside
    assert zh_keys[1] == en_keys[1]
    assert zh_keys[0] != zh_keys[1]
    assert zh_keys[2] == zh_keys[3] == -1 and en_keys[2] == -2  # no word: no match
    assert en_keys[3] not in zh_keys.tolist()  # "why" opens no draft ("But" does)
    assert zh_keys[4] == en_keys[4]


def test_a_word_that_opens_many_english_sentences_is_no_opening_cue() -> None:
    """ "The" opens most sentences of a communiqué: matching it would favour every bead start."""
    en = ["The ministers met.", "The parties agreed.", "They signed.", "The talks ended."]
    en += [f"Item {k} was noted." for k in range(8)]  # "The" opens 3 of 12, over a tenth
    zh_keys, en_keys = opening_words(["The ministers met in Shanghai.", "They signed it."], en)
    assert zh_keys[0] == -1 and en_keys[0] == en_keys[1] == en_keys[3] == -2
    assert zh_keys[1] == en_keys[2] >= 0
    # two of four is over a tenth too, but two sentences are no pattern: "The" still counts
    zh_keys, en_keys = opening_words(["The end."], en[:2] + ["They went.", "Then rain."])
    assert zh_keys[0] == en_keys[0] == en_keys[1] >= 0
