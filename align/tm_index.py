"""A translation memory's lookup index: built once per memory, kept in the cache, reused.

Every lookup works on arrays, never by scanning the memory in Python:

- **Exact matches**: a sorted array of 64-bit hashes of each unit's key (``match_key``), checked
  against the decoded key; each unit also stores the hashes of its neighbours' keys, which is
  all a 101% context match needs.
- **Fuzzy matches**: an inverted index of character bigrams of the sources (CSR arrays: sorted
  bigram codes, offsets, unit ids). Two strings within ``d`` edits share at least
  ``|bigrams(q)| - 2d`` distinct bigrams (an edit destroys at most two), and a ``θ`` match
  allows ``d ≤ (1 − θ)/θ · len(q)``; candidates must pass that count and the length bound before
  rapidfuzz scores them. The rarest bigrams are read first (prefix filtering), so a frequent
  pair like 组织 costs a binary search per candidate, not a scan of its postings.
- **Concordance**: Chinese queries intersect the bigram postings; English queries use a word
  index (sorted vocabulary + postings) so "terror*" is a range of the vocabulary.

The index lives under ``cache_root()/tm/<digest>/`` as ``.npy`` files (memory-mapped on load)
and is written to a temporary folder renamed into place, so a killed build leaves nothing
half-written and two processes building the same memory both end with a whole one.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import regex

from align.fuzzy import similarity
from align.tm import match_key

INDEX_VERSION = 1
MAX_UNITS = 1 << 22  # unit ids share a 64-bit key with a 42-bit character pair
_ID_BITS = 22
_ID_MASK = np.uint64((1 << _ID_BITS) - 1)
_EN_WORD = regex.compile(r"[\p{L}\p{N}]+")
_MAX_WORD = 40


def key_hash(key: str) -> int:
    """A stable 63-bit hash (0 is "no neighbour"): Python's ``hash`` changes per process."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return (int.from_bytes(digest, "little") >> 1) or 1


@dataclass(frozen=True)
class Hit:
    """One memory unit that matched a query."""

    unit: int
    source: str
    target: str
    percent: int


@dataclass(frozen=True)
class Occurrence:
    """One concordance hit: the unit, which side holds the query, and where."""

    unit: int
    source: str
    target: str
    side: str  # "source" or "target"
    start: int
    end: int


@dataclass(frozen=True)
class IndexArrays:
    """Everything an index holds, each array saved as ``<field>.npy``."""

    src_chars: np.ndarray  # every unit's key, concatenated, as UTF-32 code points
    src_off: np.ndarray  # unit i's key is src_chars[src_off[i]:src_off[i + 1]]
    tgt_bytes: np.ndarray  # every target, concatenated, as UTF-8
    tgt_off: np.ndarray
    hash_sorted: np.ndarray  # key hashes, sorted; hash_order[k] is the unit of hash_sorted[k]
    hash_order: np.ndarray
    prev_hash: np.ndarray  # the neighbours' key hashes (0: none, or another file's unit)
    next_hash: np.ndarray
    gram_keys: np.ndarray  # distinct character pairs, sorted; postings in gram_ids[gram_ptr…]
    gram_ptr: np.ndarray
    gram_ids: np.ndarray
    word_ptr: np.ndarray  # English word postings, one group per distinct word (hash order)
    word_group: np.ndarray  # the group of each word of the sorted vocabulary
    word_ids: np.ndarray


class MemoryIndex:
    """The arrays of one memory; build with :func:`index_units`, store with :meth:`save`."""

    def __init__(self, name: str, arrays: IndexArrays, vocab: list[str]) -> None:
        self.name = name
        self.digest = ""  # the cache key, when it came from a file (drafts' fingerprint)
        self.a = arrays
        self.vocab = vocab
        self.lengths = np.diff(arrays.src_off)

    def __len__(self) -> int:
        return len(self.a.src_off) - 1

    # --- unit access -------------------------------------------------------------------
    def source(self, i: int) -> str:
        off = self.a.src_off
        return self.a.src_chars[off[i] : off[i + 1]].tobytes().decode("utf-32-le")

    def target(self, i: int) -> str:
        off = self.a.tgt_off
        return self.a.tgt_bytes[off[i] : off[i + 1]].tobytes().decode("utf-8")

    # --- exact and context matches ------------------------------------------------------
    def exact(self, key: str) -> list[int]:
        """Units whose key is exactly ``key``, in memory order."""
        h = np.uint64(key_hash(key))
        sorted_, order = self.a.hash_sorted, self.a.hash_order
        lo = int(np.searchsorted(sorted_, h, "left"))
        hi = int(np.searchsorted(sorted_, h, "right"))
        return sorted(int(u) for u in order[lo:hi] if self.source(int(u)) == key)

    def in_context(self, unit: int, prev_key: str | None, next_key: str | None) -> bool:
        """Whether the unit's neighbours in the memory are the segment's neighbours."""
        prev = key_hash(prev_key) if prev_key else 0
        nxt = key_hash(next_key) if next_key else 0
        return int(self.a.prev_hash[unit]) == prev and int(self.a.next_hash[unit]) == nxt

    # --- fuzzy matches -------------------------------------------------------------------
    def candidates(self, key: str, threshold: int) -> np.ndarray:
        """Units that may reach ``threshold`` percent (a superset; see the module docstring)."""
        grams = _bigrams(key)
        if not grams:
            return np.empty(0, dtype=np.int32)
        theta = threshold / 100
        d_max = math.floor((1 - theta) / theta * len(key) + 1e-9)
        need = max(1, len(grams) - 2 * d_max)
        lists = self._lists(grams)
        head = lists[: len(lists) - need + 1]
        tail = lists[len(head) :]
        ids = self.a.gram_ids
        head_size = sum(b - a for a, b in head)
        if sum(b - a for a, b in tail) <= 4 * head_size:  # cheaper to count everything at once
            found, counts = _counted(np.concatenate([ids[a:b] for a, b in lists]))
        else:
            found, counts = _counted(np.concatenate([ids[a:b] for a, b in head]))
            for left, (a, b) in zip(range(len(tail) - 1, -1, -1), tail, strict=True):
                alive = counts + left + 1 >= need  # can still reach ``need``: keep checking
                found, counts = found[alive], counts[alive]
                if len(found) == 0:
                    break
                posting = ids[a:b]
                at = np.minimum(np.searchsorted(posting, found), len(posting) - 1)
                counts += posting[at] == found
        found = found[counts >= need]
        length = self.lengths[found]
        fits = (length >= theta * len(key) - 1e-9) & (length * theta <= len(key) + 1e-9)
        return found[fits]

    def _lists(self, grams: list[int]) -> list[tuple[int, int]]:
        """Each bigram's postings as (start, end) in ``gram_ids``, shortest first."""
        keys, ptr = self.a.gram_keys, self.a.gram_ptr
        wanted = np.array(grams, dtype=np.uint64)
        at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        if len(keys) == 0:
            return [(0, 0)] * len(grams)
        present = keys[at] == wanted
        starts = np.where(present, ptr[at], 0)
        ends = np.where(present, ptr[at + 1], 0)
        order = np.argsort(ends - starts, kind="stable")
        return [(int(starts[k]), int(ends[k])) for k in order]

    def fuzzy(self, key: str, threshold: int, limit: int = 3) -> list[Hit]:
        """The best units at or above ``threshold`` percent, best first (ties: memory order)."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        found = self.candidates(key, threshold)
        if len(found) == 0:
            return []
        texts = [self.source(int(u)) for u in found]
        scored = process.extract(
            key,
            texts,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=threshold / 100 - 1e-9,
            limit=max(limit * 4, 16),
        )
        hits = [
            Hit(int(found[k]), texts[k], self.target(int(found[k])), similarity(key, texts[k]))
            for _, _, k in scored
        ]
        hits.sort(key=lambda h: (-h.percent, h.unit))
        return hits[:limit]

    # --- concordance ---------------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> tuple[int, list[Occurrence]]:
        """Units holding ``query``: Chinese (any Han) on the source side, else the English.

        Returns the number of units that hold it and the first ``limit`` of them.
        """
        if regex.search(r"\p{Han}", query):
            units = self._search_source(match_key(query))
            return len(units), [
                self._occurrence_src(int(u), match_key(query)) for u in units[:limit]
            ]
        pattern = english_pattern(query)
        if pattern is None:
            return 0, []
        units = self._search_target(query, pattern, limit)
        return len(units), [self._occurrence_tgt(int(u), pattern) for u in units[:limit]]

    def _search_source(self, q: str) -> np.ndarray:
        if len(q) == 1:
            at = np.flatnonzero(self.a.src_chars == ord(q))
            return _sorted_unique(np.searchsorted(self.a.src_off, at, "right") - 1)
        ids = self.a.gram_ids
        lists = [ids[a:b] for a, b in self._lists(_bigrams(q))]
        units = lists[0]
        for other in lists[1:]:
            if len(units) == 0:
                break
            units = np.intersect1d(units, other, assume_unique=True)
        if len(q) == 2:
            return units
        return np.array([u for u in units if q in self.source(int(u))], dtype=np.int64)

    def _search_target(self, query: str, pattern: regex.Pattern[str], limit: int) -> np.ndarray:
        words = [w.lower() for w in regex.findall(r"[\p{L}\p{N}]+\*?", query)]
        units: np.ndarray | None = None
        for word in sorted(words, key=len, reverse=True):
            ids = self._word_units(word)
            units = ids if units is None else np.intersect1d(units, ids, assume_unique=True)
            if len(units) == 0:
                return units
        assert units is not None
        if (
            len(words) == 1
            and not words[0].endswith("*")
            and not regex.search(r"\W", query.strip("* "))
        ):
            return units
        return np.array([u for u in units if pattern.search(self.target(int(u)))], dtype=np.int64)

    def _word_units(self, word: str) -> np.ndarray:
        prefix = word.endswith("*")
        word = word.rstrip("*")
        lo = bisect_left(self.vocab, word)
        hi = (
            bisect_left(self.vocab, word + "\U0010ffff")
            if prefix
            else lo + (lo < len(self.vocab) and self.vocab[lo] == word)
        )
        ptr, ids, group = self.a.word_ptr, self.a.word_ids, self.a.word_group
        parts = [ids[ptr[g] : ptr[g + 1]] for g in group[lo:hi]]
        if not parts:
            return np.empty(0, dtype=np.int64)
        if len(parts) == 1:
            return parts[0].astype(np.int64)
        return _sorted_unique(np.concatenate(parts).astype(np.int64))

    def _occurrence_src(self, unit: int, q: str) -> Occurrence:
        source = self.source(unit)
        start = source.find(q)
        return Occurrence(unit, source, self.target(unit), "source", start, start + len(q))

    def _occurrence_tgt(self, unit: int, pattern: regex.Pattern[str]) -> Occurrence:
        target = self.target(unit)
        m = pattern.search(target)
        start, end = m.span() if m else (0, 0)
        return Occurrence(unit, self.source(unit), target, "target", start, end)

    # --- storage ---------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write atomically: a temporary folder beside ``folder``, renamed into place."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            for name in _FIELDS:
                np.save(tmp / f"{name}.npy", getattr(self.a, name))
            (tmp / "vocab.txt").write_text("\n".join(self.vocab), encoding="utf-8")
            meta = {"version": INDEX_VERSION, "name": self.name, "units": len(self)}
            (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            try:
                os.rename(tmp, folder)
            except OSError:  # another process finished the same index first: keep theirs
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, folder: Path, name: str) -> MemoryIndex | None:
        """The stored index, or None when it is missing, from another version or damaged."""
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta.get("version") != INDEX_VERSION:
                return None
            arrays = IndexArrays(
                **{n: np.load(folder / f"{n}.npy", mmap_mode="r") for n in _FIELDS}
            )
            text = (folder / "vocab.txt").read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None
        vocab = text.split("\n") if text else []
        if len(arrays.word_group) != len(vocab) or len(arrays.src_off) != meta["units"] + 1:
            return None
        index = cls(name, arrays, vocab)
        index.digest = folder.name
        return index


_FIELDS = tuple(f.name for f in fields(IndexArrays))


def english_pattern(query: str) -> regex.Pattern[str] | None:
    """Whole words in order, any punctuation or spacing between them, case-insensitive;
    ``word*`` matches any word that starts with ``word``."""
    words = regex.findall(r"[\p{L}\p{N}]+\*?", query)
    if not words:
        return None
    parts = [
        regex.escape(w.rstrip("*")) + (r"[\p{L}\p{N}]*" if w.endswith("*") else "") for w in words
    ]
    body = r"[^\p{L}\p{N}]+".join(parts)
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}]){body}(?![\p{{L}}\p{{N}}])", regex.I)


def _bigrams(key: str) -> list[int]:
    codes = [ord(c) for c in key]
    return list(dict.fromkeys((a << 21) | b for a, b in zip(codes, codes[1:], strict=False)))


def index_units(
    name: str,
    sources: Sequence[str],
    targets: Sequence[str],
    documents: Sequence[int] | None = None,
) -> MemoryIndex:
    """The index of units ``sources[i] → targets[i]`` in memory order.

    ``documents[i]`` says which file a unit came from, so the first unit of one file is not
    the "next" of the last unit of another.
    """
    from align.errors import InputError

    n = len(sources)
    if n >= MAX_UNITS:
        raise InputError(f"{name}: {n:,} units; split the memory into parts under {MAX_UNITS:,}")
    keys = [match_key(s) for s in sources]
    arrays = _source_arrays(keys)
    arrays |= _target_arrays(targets)
    arrays |= _hash_arrays(keys, documents)
    arrays |= _gram_arrays(arrays["src_chars"], arrays["src_off"])
    vocab, word_arrays = _word_arrays(arrays["tgt_bytes"], arrays["tgt_off"])
    return MemoryIndex(name, IndexArrays(**arrays, **word_arrays), vocab)


def _source_arrays(keys: list[str]) -> dict[str, np.ndarray]:
    chars = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32)
    off = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(k) for k in keys], out=off[1:])
    return {"src_chars": chars, "src_off": off}


def _target_arrays(targets: Sequence[str]) -> dict[str, np.ndarray]:
    encoded = [t.encode("utf-8") for t in targets]
    off = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=off[1:])
    return {"tgt_bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8), "tgt_off": off}


def _hash_arrays(keys: list[str], documents: Sequence[int] | None) -> dict[str, np.ndarray]:
    hashes = np.array([key_hash(k) for k in keys], dtype=np.uint64)
    doc = np.asarray(documents if documents is not None else np.zeros(len(keys)), dtype=np.int64)
    prev = np.zeros(len(keys), dtype=np.uint64)
    nxt = np.zeros(len(keys), dtype=np.uint64)
    if len(keys) > 1:
        same = doc[1:] == doc[:-1]
        prev[1:] = np.where(same, hashes[:-1], 0)
        nxt[:-1] = np.where(same, hashes[1:], 0)
    order = np.argsort(hashes, kind="stable").astype(np.int32)
    return {
        "hash_sorted": hashes[order],
        "hash_order": order,
        "prev_hash": prev,
        "next_hash": nxt,
    }


def _gram_arrays(chars: np.ndarray, off: np.ndarray) -> dict[str, np.ndarray]:
    """Distinct character bigrams per unit as CSR postings sorted by (bigram, unit)."""
    lengths = np.diff(off)
    unit = np.repeat(np.arange(len(lengths), dtype=np.uint64), lengths)
    if len(chars) < 2:
        empty = np.empty(0, dtype=np.uint64)
        return {
            "gram_keys": empty,
            "gram_ptr": np.zeros(1, np.int64),
            "gram_ids": empty.astype(np.int32),
        }
    same = unit[:-1] == unit[1:]
    c = chars.astype(np.uint64)
    grams = (c[:-1][same] << np.uint64(21)) | c[1:][same]
    keys = _sorted_unique((grams << np.uint64(_ID_BITS)) | unit[:-1][same])
    gram_of = keys >> np.uint64(_ID_BITS)
    starts = np.flatnonzero(np.concatenate(([True], gram_of[1:] != gram_of[:-1])))
    ptr = np.append(starts, len(keys)).astype(np.int64)
    return {
        "gram_keys": gram_of[starts],
        "gram_ptr": ptr,
        "gram_ids": (keys & _ID_MASK).astype(np.int32),
    }


def _counted(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values and how often each occurs (sorted), without ``np.unique``."""
    values = np.sort(values)
    if len(values) == 0:
        return values, np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return values[starts], np.diff(np.append(starts, len(values)))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by sort and compare: numpy 2's hash-based unique is 100x slower here."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


_P = np.uint64(1_000_003)


def _word_arrays(
    tgt_bytes: np.ndarray, tgt_off: np.ndarray
) -> tuple[list[str], dict[str, np.ndarray]]:
    """Lower-case words of the English side: a sorted vocabulary and each word's units.

    Done on the UTF-8 bytes with numpy (a Python tokenizer takes a minute on a million units):
    a word is a run of ASCII letters and digits or non-ASCII bytes, general and CJK punctuation
    excepted; each word is hashed (64 bits) to group its occurrences, and only one occurrence
    per distinct word is decoded into the vocabulary.
    """
    low = tgt_bytes.copy()
    low[(low >= 65) & (low <= 90)] += 32
    word = ((low >= 97) & (low <= 122)) | ((low >= 48) & (low <= 57)) | (low >= 128)
    _unmark_punctuation(low, word)
    before = np.concatenate(([False], word[:-1]))
    after = np.concatenate((word[1:], [False]))
    edges = tgt_off[1:-1]
    before[edges] = False  # words never run from one unit into the next
    after[edges - 1] = False
    starts = np.flatnonzero(word & ~before)
    ends = np.flatnonzero(word & ~after) + 1
    keep = (ends - starts) <= _MAX_WORD
    starts, ends = starts[keep], ends[keep]
    by_length = np.argsort(starts - ends, kind="stable")  # longest first, then in text order
    starts, ends = starts[by_length], ends[by_length]
    longer = np.cumsum(np.bincount(ends - starts, minlength=_MAX_WORD + 2)[::-1])[::-1]
    hashes = np.zeros(len(starts), dtype=np.uint64)
    for k in range(int((ends - starts).max()) if len(starts) else 0):
        live = int(longer[k + 1])  # words longer than k sit at the front
        hashes[:live] = hashes[:live] * _P + low[starts[:live] + k]
    units = (np.searchsorted(tgt_off, starts, "right") - 1).astype(np.int32)
    order = np.argsort(hashes, kind="stable")
    hashes, units, starts, ends = hashes[order], units[order], starts[order], ends[order]
    fresh = np.concatenate(([True], (hashes[1:] != hashes[:-1]) | (units[1:] != units[:-1])))
    hashes, units, starts, ends = hashes[fresh], units[fresh], starts[fresh], ends[fresh]
    group = np.flatnonzero(np.concatenate(([True], hashes[1:] != hashes[:-1])))
    words = [
        low[a:b].tobytes().decode("utf-8", "replace")
        for a, b in zip(starts[group], ends[group], strict=True)
    ]
    rank = sorted(range(len(words)), key=words.__getitem__)
    return [words[i] for i in rank], {
        "word_ptr": np.append(group, len(units)).astype(np.int64),
        "word_group": np.asarray(rank, dtype=np.int64),
        "word_ids": units,
    }


def _unmark_punctuation(low: np.ndarray, word: np.ndarray) -> None:
    """Curly quotes, dashes, CJK and full-width punctuation, no-break spaces: not word bytes."""
    lead = np.flatnonzero(
        ((low[:-2] == 0xE2) & (low[1:-1] == 0x80))
        | ((low[:-2] == 0xE3) & (low[1:-1] == 0x80))
        | ((low[:-2] == 0xEF) & ((low[1:-1] == 0xBC) | (low[1:-1] == 0xBD)))
    )
    for k in range(3):
        word[lead + k] = False
    latin1 = np.flatnonzero((low[:-1] == 0xC2) & (low[1:] >= 0xA0) & (low[1:] <= 0xBF))
    word[latin1] = False
    word[latin1 + 1] = False
