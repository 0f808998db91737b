"""The aligner on small hand-made Chinese/English texts (written for these tests)."""

from __future__ import annotations

import pytest

from align.aligner import AlignParams, SearchParams, align
from align.errors import InputError
from align.model import Bead, Segment
from tests.hand_weights import hand

ZH = [
    "今天早上我在公园里散步。",
    "天气很冷，风很大，我的手都冻僵了。",
    "后来我去咖啡馆喝了一杯热茶。",
    "一九九八年，他第一次来到北京。",
    "他说：“我会在这里住三年。”",
]
EN = [
    "This morning I took a walk in the park.",
    "The weather was cold.",
    "The wind was strong and my hands went numb.",
    "Afterwards I went to a cafe and drank a cup of hot tea.",
    "In 1998 he came to Beijing for the first time.",
    '"I will live here for three years," he said.',
]
GOLD = [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,)), ((3,), (4,)), ((4,), (5,))]


def pairs(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.source, b.target) for b in beads]


def assert_partition(beads: list[Bead], n: int, m: int) -> None:
    """Every sentence in exactly one bead, in order, and scores in [0, 1]."""
    assert [i for b in beads for i in b.source] == list(range(n))
    assert [j for b in beads for j in b.target] == list(range(m))
    assert all(0.0 <= b.score <= 1.0 for b in beads)
    assert all(b.source or b.target for b in beads)


def test_one_to_one_and_split() -> None:
    beads = align(ZH, EN)
    assert_partition(beads, len(ZH), len(EN))
    assert pairs(beads) == GOLD


def test_merge_two_chinese_sentences_into_one() -> None:
    zh = ["我喜欢读书。", "他每天跑步。", "我们明天去上海。"]
    en = ["I like reading books and he runs every day.", "Tomorrow we will go to Shanghai."]
    assert pairs(align(zh, en)) == [((0, 1), (0,)), ((2,), (1,))]


def test_untranslated_sentence_becomes_a_deletion() -> None:
    zh = ["我喜欢读书。", "这句话没有被翻译出来，因为译者漏掉了它。", "我们明天去上海。"]
    en = ["I like reading books.", "Tomorrow we will go to Shanghai."]
    assert pairs(align(zh, en)) == [((0,), (0,)), ((1,), ()), ((2,), (1,))]


def test_drafts_are_used_and_checked() -> None:
    drafts = [
        "I walked in the park this morning.",
        "The weather was very cold, the wind was strong, and my hands were frozen.",
        "Then I went to the cafe for a cup of hot tea.",
        "In 1998, he came to Beijing for the first time.",
        'He said: "I will live here for three years."',
    ]
    beads = align(ZH, EN, drafts=drafts)
    assert pairs(beads) == GOLD
    with pytest.raises(InputError, match="one draft per sentence"):
        align(ZH, EN, drafts=drafts[:2])


def test_scores_rank_a_forced_wrong_bead_lower() -> None:
    # the English lost its second sentence: whatever the aligner does there is uncertain
    beads = align(ZH, EN[:1] + EN[3:])
    assert_partition(beads, len(ZH), len(EN) - 2)
    doubtful = next(b for b in beads if 1 in b.source)
    assert doubtful.score == min(b.score for b in beads)
    assert doubtful.score < 0.9 < min(b.score for b in beads if b.source in {(3,), (4,)})


def test_empty_sides() -> None:
    assert align([], []) == []
    assert pairs(align(ZH[:2], [])) == [((0,), ()), ((1,), ())]
    assert pairs(align([], EN[:2])) == [((), (0,)), ((), (1,))]


def test_one_side_ten_times_longer_finishes_with_a_partition() -> None:
    en = EN * 10
    beads = align(ZH[:3], en)
    assert_partition(beads, 3, len(en))
    beads = align(ZH * 10, EN[:2])
    assert_partition(beads, len(ZH) * 10, 2)


def test_identical_inputs_give_the_flagged_diagonal() -> None:
    beads = align(EN, EN)
    assert pairs(beads) == [((k,), (k,)) for k in range(len(EN))]
    assert all(b.score == 1.0 and "identical" in b.flags for b in beads)


def test_non_chinese_source_still_gives_a_partition() -> None:
    src = ["Bonjour tout le monde.", "Il fait froid aujourd'hui."]
    beads = align(src, EN[:3])
    assert_partition(beads, 2, 3)


def test_paragraphs_are_soft_or_hard_anchors() -> None:
    zh = [Segment(k, t, paragraph=0 if k < 2 else 1, start=0, end=len(t)) for k, t in enumerate(ZH)]
    en = [Segment(k, t, paragraph=0 if k < 3 else 1, start=0, end=len(t)) for k, t in enumerate(EN)]
    # the paragraph cue's weight: the fitted sets drop it (MAC-Dev has no paragraphs to judge
    # it on), so its mechanics are tested with the hand-set weight
    params = AlignParams(weights=hand(False))
    assert pairs(align(zh, en, params=params)) == GOLD
    assert pairs(align(zh, en, hard_paragraphs=True, params=params)) == GOLD
    # with hard paragraphs no bead may contain sentences of two paragraphs on one side only
    wrong = [
        Segment(k, t, paragraph=0 if k < 1 else 1, start=0, end=len(t)) for k, t in enumerate(EN)
    ]
    for bead in align(zh, wrong, hard_paragraphs=True, params=params):
        src_paras = {zh[i].paragraph for i in bead.source}
        tgt_paras = {wrong[j].paragraph for j in bead.target}
        assert len(src_paras) <= 1 and len(tgt_paras) <= 1


def test_banded_search_agrees_with_the_full_one() -> None:
    from tests.benchmarks.test_align_bench import synthetic_pair

    src, tgt, gold = synthetic_pair(300, seed=3)
    full = pairs(align(src, tgt))
    banded = pairs(align(src, tgt, params=AlignParams(search=SearchParams(full_limit=0, band=4))))
    assert banded == full
    assert sum(g in set(full) for g in gold) > 0.95 * len(gold)


def test_long_texts_are_searched_in_blocks_with_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import align.band as band
    from tests.benchmarks.test_align_bench import synthetic_pair

    src, tgt, gold = synthetic_pair(1200, seed=5)
    whole = align(src, tgt, params=AlignParams(search=SearchParams(block=10**9)))
    monkeypatch.setattr(band, "STRETCH", 200)  # and anchors found stretch by stretch
    blocks = align(src, tgt, params=AlignParams(search=SearchParams(block=150, lookahead=40)))
    assert_partition(blocks, len(src), len(tgt))
    assert pairs(blocks) == pairs(whole)
    # a block sees only its look-ahead of what follows, so posteriors may move a little
    assert max(abs(a.score - b.score) for a, b in zip(whole, blocks, strict=True)) < 0.1
    assert sum(g in set(pairs(blocks)) for g in gold) > 0.95 * len(gold)


def test_anchor_density_does_not_fall_with_the_length_of_the_text() -> None:
    from align.band import anchor_chain
    from align.similarity import Vocab, source_features, target_features
    from tests.benchmarks.test_align_bench import synthetic_pair

    density = []
    for size in (1500, 6000):
        src, tgt, _ = synthetic_pair(size, seed=11)
        vocab = Vocab()
        sf, tf = source_features(src, None, vocab), target_features(tgt, vocab)
        chain = anchor_chain(sf, tf)
        assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(chain, chain[1:], strict=False))
        density.append(len(chain) / size)
    assert density[1] > 0.95 * density[0] > 0.8


def test_a_long_omission_is_found_without_widening_the_band(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """300 untranslated sentences: stretches that link into the next stretch's sentences lose."""
    import align.band as band
    from tests.benchmarks.test_align_bench import synthetic_pair

    src, tgt, gold = synthetic_pair(2400, seed=9)
    kept_gold, tgt2 = [], []
    for k, (s, t) in enumerate(gold):
        if 1000 <= k < 1300:
            continue
        new = tuple(range(len(tgt2), len(tgt2) + len(t)))
        tgt2 += [tgt[j] for j in t]
        if s and t:
            kept_gold.append((s, new))
    monkeypatch.setattr(band, "STRETCH", 200)
    calls = []
    original = band.chain_band
    monkeypatch.setattr(band, "chain_band", lambda *a: calls.append(a[3]) or original(*a))
    beads = align(src, tgt2)
    assert_partition(beads, len(src), len(tgt2))
    assert calls == [12]  # the first band held the path
    found = set(pairs(beads))
    assert sum(g in found for g in kept_gold) > 0.97 * len(kept_gold)
    dropped = {i for b in beads if not b.target for i in b.source}
    assert len(dropped & set(range(1000, 1300))) > 280


def test_unrelated_long_texts_stop_widening_the_band(monkeypatch: pytest.MonkeyPatch) -> None:
    """No translation, no anchors that hold: the band stops growing at MAX_HALF (no n×m table)."""
    import align.band as band
    from tests.benchmarks.test_align_bench import synthetic_pair

    src, _, _ = synthetic_pair(700, seed=1)
    _, tgt, _ = synthetic_pair(700, seed=2)
    calls = []
    original = band.chain_band
    monkeypatch.setattr(band, "chain_band", lambda *a: calls.append(a[3]) or original(*a))
    beads = align(src, tgt, params=AlignParams(weights=hand(False)))  # they widen to the cap
    assert_partition(beads, len(src), len(tgt))
    assert max(calls) <= SearchParams().max_half < len(tgt)  # 96 or 192, as the random words fall
    assert sum(b.score < 0.5 for b in beads) > 0.5 * len(beads)  # and the scores say so


def test_progress_reports_every_source_sentence_once() -> None:
    from tests.benchmarks.test_align_bench import synthetic_pair

    ticks: list[int] = []
    align(ZH, EN, progress=ticks.append)
    assert ticks == [len(ZH)]
    src, tgt, _ = synthetic_pair(900, seed=4)
    ticks.clear()
    align(src, tgt, progress=ticks.append, params=AlignParams(search=SearchParams(block=200)))
    assert len(ticks) >= 4 and all(t > 0 for t in ticks) and sum(ticks) == len(src)
    ticks.clear()
    align(ZH, ZH, progress=ticks.append)  # the identical-files shortcut reports too
    assert ticks == [len(ZH)]


def _features(zh: list[str], en: list[str], drafts: list[str] | None = None) -> object:
    """The bead features of a short pair over its whole lattice (as ``align`` builds them)."""
    from align.driver import bead_features, bead_types
    from align.features import Structure
    from align.search import full_band
    from align.similarity import Vocab, source_features, target_features

    vocab = Vocab()
    sf, tf = source_features(zh, drafts, vocab), target_features(en, vocab)
    params = AlignParams()
    band = full_band(len(zh), len(en))
    return bead_features(
        sf, tf, params, band, Structure.of(zh, en, drafts=drafts), bead_types(params)
    )


def test_a_bead_pays_for_each_line_of_dialogue_one_side_opens_alone() -> None:
    """Two Chinese lines of dialogue against one English line: one turn lost, one price."""
    import numpy as np

    from align.cost import make_cost

    features = _features(["“走吧。”", "“好。”"], ["'Let us go then, all right.'"])
    end = np.array([[1]])
    # 2-1: two lines of dialogue in Chinese, one in English -> one turn lost
    assert features(2, 1, end * 2, end, ["turns"])["turns"][0, 0] == 1.0  # type: ignore[operator]
    # 1-1 (the second Chinese line with the English one): one turn each side, no price
    assert features(1, 1, end * 2, end, ["turns"])["turns"][0, 0] == 0.0  # type: ignore[operator]
    without, with_turns = (
        make_cost(features, hand(False).but(turns=t))
        for t in (0.0, 0.08)  # type: ignore[arg-type]
    )
    assert with_turns(2, 1, end * 2, end)[0, 0] - without(2, 1, end * 2, end)[0, 0] == (
        pytest.approx(0.08)
    )
    assert with_turns(1, 1, end * 2, end)[0, 0] == without(1, 1, end * 2, end)[0, 0]


def test_a_bead_opening_with_a_name_on_both_sides_takes_its_place() -> None:
    """ "Nobody came." belongs to either neighbour by its words and length; that the next
    Chinese sentence (by its draft) and the next English one both open with a name settles it."""
    zh = [
        "李明跑到河边。",
        "他等了很久。",
        "王芳笑着走过来。",
        "两人坐在石头上，王芳给李明讲了一个故事，李明谢了王芳。",
    ]
    drafts = [
        "Li Ming ran to the river.",
        "He waited a long time.",
        "Wang Fang came over smiling.",
        "The two sat on a stone, and Wang Fang told Li Ming a story, "
        "and Li Ming thanked Wang Fang.",
    ]
    en = [  # the translator renames Li Ming "Leo" and Wang Fang "Fay"
        "Leo ran down to the river.",
        "He waited and waited.",
        "Nobody came.",
        "Fay strolled up with a grin.",
        "Then Leo and Fay sat down on a rock, and Fay told Leo a story, and Leo thanked Fay.",
    ]
    found = pairs(align(zh, en, drafts=drafts, params=AlignParams(weights=hand(True))))
    assert found == [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,)), ((3,), (4,))]
    blind = pairs(
        align(zh, en, drafts=drafts, params=AlignParams(weights=hand(True).but(name_opening=0.0)))
    )
    assert blind[2] == ((2,), (2, 3))  # without the openings the loose sentence went forward
    assert_partition(align(zh, en, params=AlignParams()), len(zh), len(en))  # no drafts: off


def test_a_bead_whose_draft_and_english_open_with_the_same_word_takes_its_place() -> None:
    """ "No one." fits either neighbour; the next draft and English sentence both open "When"."""
    zh = ["他在门口站着等她。", "天黑的时候，她终于回来了。", "她给他带了一些吃的。"]
    drafts = [
        "He stood at the door waiting for her.",
        "When it got dark, she finally came back.",
        "She brought him some food.",
    ]
    en = ["He stood waiting for her at the door.", "No one."]
    en += ["When night fell, she finally returned.", "She had brought him some food."]
    found = pairs(align(zh, en, drafts=drafts, params=AlignParams(weights=hand(True))))
    assert found == [((0,), (0, 1)), ((1,), (2,)), ((2,), (3,))]
    blind = pairs(
        align(zh, en, drafts=drafts, params=AlignParams(weights=hand(True).but(word_opening=0.0)))
    )
    assert blind[1] == ((1,), (1, 2))


def test_the_same_opening_word_lowers_a_bead_cost_by_its_weight() -> None:
    import numpy as np

    from align.cost import make_cost

    zh, drafts = ["但是他走了。", "她哭了。"], ["But he left.", "She cried."]
    en = ["'But he has gone,' she said.", "And she wept."]
    features = _features(zh, drafts=drafts, en=en)
    without, with_words = (
        make_cost(features, hand(True).but(word_opening=-w))
        for w in (0.0, 0.05)  # type: ignore[arg-type]
    )
    ends, col = np.array([[1], [2]]), np.array([[1], [2]])
    saved = without(1, 1, ends, col) - with_words(1, 1, ends, col)
    # "But" opens the first draft and (quotation marks aside) the first English sentence;
    # "She" and "And" differ
    assert saved[:, 0].tolist() == pytest.approx([0.05, 0.0])


def test_a_bead_opening_with_a_quotation_on_both_sides_takes_its_place() -> None:
    zh = ["他在门口站了很久。", "“你要去哪里？”", "她没有回答。"]
    en = ["He stood at the door for a long time.", "Nobody came.", "'Where are you going?'"]
    en.append("She did not answer.")
    assert pairs(align(zh, en, params=AlignParams(weights=hand(False)))) == [
        ((0,), (0, 1)),
        ((1,), (2,)),
        ((2,), (3,)),
    ]
    blind = pairs(align(zh, en, params=AlignParams(weights=hand(False).but(quote_opening=0.0))))
    assert blind[1] == ((1,), (1, 2))


def test_a_bead_closing_a_quotation_on_both_sides_ends_there() -> None:
    zh = ["他在门口站了很久。", "他问：“你要去哪里？”", "她没有回答，转身走了。"]
    en = ["He stood at the door for a long time.", "He asked: 'Where are you going?'"]
    en += ["Nobody spoke.", "She turned and walked away without answering."]
    assert pairs(align(zh, en, params=AlignParams(weights=hand(False)))) == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((2,), (2, 3)),
    ]
    blind = pairs(align(zh, en, params=AlignParams(weights=hand(False).but(quote_closing=0.0))))
    assert blind[1] == ((1,), (1, 2))
