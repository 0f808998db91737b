"""Engine-independent drafting: cache, pass-through, long-input splitting, degenerate retries.

Wraps any ``Engine`` so that both transformers and CTranslate2 get the same guarantees: no text
is dropped or cut, inputs the model cannot help with are passed through untouched, suspicious
drafts are retried once and flagged, and every finished batch is committed to the draft cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import regex

from align.model import Draft
from models.base import Engine, Penalty, ProgressCallback, plan_calls, split_sizes
from models.draft_cache import CachedDraft, DraftCache, draft_key

TOKEN_LIMIT = 256  # half of opus-mt's 512 positions: quality drops well before the hard limit
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_HAN = regex.compile(r"\p{Han}")
_PUNCT_ONLY = regex.compile(r"[\p{P}\p{S}\s]+")
_NUMBERS_ONLY = regex.compile(r"[\p{N}\p{P}\p{S}\s]*\p{N}[\p{N}\p{P}\p{S}\s]*")
_LATIN = regex.compile(r"\p{Latin}")
# A unit starting with a letter repeated 4+ times in a row, or one letter 8+ times: a decoder
# stuck in a loop. Real prose does not do this; "..." and "----" start with no letter.
_LOOP = regex.compile(r"(\p{L}.{0,28}?\S)(?:\s*\1){3,}|(\p{L})\2{7,}", regex.S)
# Where a long sentence may be cut, finest last; the last resort is halving by characters.
_SPLITS = (
    regex.compile(r"(?<=[，；：、])"),
    regex.compile(r"(?<=[。！？；;:,!?])"),
    regex.compile(r"(?<=\s)"),
)


def passthrough_kind(text: str) -> str | None:
    """Why ``text`` should not go to a zh→en model at all, or None if it should."""
    if not text:
        return "empty"
    if not text.strip():
        return "whitespace"
    if _PUNCT_ONLY.fullmatch(text):
        return "punctuation"
    if _NUMBERS_ONLY.fullmatch(text):
        return "numbers"
    if not _CJK.search(text) and _LATIN.search(text):
        return "latin"
    return None


def find_problems(source: str, draft: str) -> tuple[str, ...]:
    """Signs of a broken draft: nothing for something, a loop, Chinese left in the English."""
    problems = []
    if not draft.strip():
        problems.append("degenerate:empty")
    if _LOOP.search(draft):
        problems.append("degenerate:repetition")
    if _HAN.search(draft) and _HAN.search(source):
        problems.append("degenerate:untranslated")
    return tuple(problems)


def split_long(text: str, count: Callable[[str], int], limit: int = TOKEN_LIMIT) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` tokens whose concatenation is ``text``.

    Clause punctuation first (，；：、), packing as many clauses per piece as fit; finer breaks
    only for a clause that is still too long. Nothing is ever dropped.
    """
    if count(text) <= limit:
        return [text]
    return _split(text, count, limit, 0)


def _split(text: str, count: Callable[[str], int], limit: int, level: int) -> list[str]:
    if level == len(_SPLITS):
        if len(text) <= 1:
            return [text]
        half = len(text) // 2
        return [
            p
            for part in (text[:half], text[half:])
            for p in ([part] if count(part) <= limit else _split(part, count, limit, level))
        ]
    pieces: list[str] = []
    current = ""
    for clause in (c for c in _SPLITS[level].split(text) if c):
        if current and count(current + clause) > limit:
            pieces.append(current)
            current = ""
        current += clause
    if current:
        pieces.append(current)
    out: list[str] = []
    for piece in pieces:
        out.extend([piece] if count(piece) <= limit else _split(piece, count, limit, level + 1))
    return out


def join_pieces(drafts: list[str]) -> str:
    return " ".join(d.strip() for d in drafts if d.strip())


def _merge_flags(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for group in groups for f in group))


@dataclass
class DraftingTranslator:
    """A ``Translator`` over any ``Engine``; the model loads only if some draft is not cached."""

    engine_impl: Engine
    cache_path: Path | None = None
    limit: int = TOKEN_LIMIT
    penalty: Penalty = field(default_factory=Penalty)

    @property
    def model_id(self) -> str:
        return self.engine_impl.model_id

    @property
    def fingerprint(self) -> str:
        return self.engine_impl.fingerprint

    @property
    def engine(self) -> str:
        return self.engine_impl.engine

    def key(self, text: str) -> str:
        settings = f"{self.engine_impl.settings.key()};limit={self.limit}"
        return draft_key(self.fingerprint, self.engine, settings, text)

    def draft(self, text: str, flags: tuple[str, ...]) -> Draft:
        e = self.engine_impl
        return Draft(text, e.model_id, e.fingerprint, e.engine, e.settings, flags)

    def translate(self, texts: list[str], progress: ProgressCallback | None = None) -> list[Draft]:
        tick = progress or (lambda n: None)
        drafts: list[Draft | None] = [None] * len(texts)
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            kind = passthrough_kind(text)
            if kind:
                drafts[i] = self.draft(text, (f"passthrough:{kind}",))
            else:
                todo.setdefault(text, []).append(i)
        with self._cache() as cache:
            if cache is not None and todo:
                keys = {text: self.key(text) for text in todo}
                hits = cache.get_many(keys.values())
                for text in [t for t in todo if keys[t] in hits]:
                    hit = hits[keys[text]]
                    for i in todo.pop(text):
                        drafts[i] = self.draft(hit.text, hit.flags)
            tick(len(texts) - sum(len(ids) for ids in todo.values()))
            for finished in self._draft_missing(list(todo)):
                for text, done in finished:
                    for i in todo[text]:
                        drafts[i] = self.draft(done.text, done.flags)
                if cache is not None:
                    cache.put_many({self.key(text): done for text, done in finished})
                tick(sum(len(todo[text]) for text, _ in finished))
        return [d for d in drafts if d is not None]

    @contextlib.contextmanager
    def _cache(self) -> Iterator[DraftCache | None]:
        if self.cache_path is None:
            yield None
            return
        with DraftCache(self.cache_path) as cache:
            yield cache

    def _draft_missing(self, texts: list[str]) -> Iterator[list[tuple[str, CachedDraft]]]:
        """Draft ``texts`` call by call, longest first; yield the texts each call finished.

        A call holds one planned batch per parallel worker (``plan_calls``), so committing
        call by call to the cache never leaves a CTranslate2 worker idle.
        """
        count = self.engine_impl.count_tokens
        plans = {text: split_long(text, count, self.limit) for text in texts}
        parts: dict[str, list[CachedDraft | None]] = {t: [None] * len(p) for t, p in plans.items()}
        queue: list[tuple[str, int, str]] = []
        for text, pieces in plans.items():
            for j, piece in enumerate(pieces):
                kind = passthrough_kind(piece)
                if kind:
                    parts[text][j] = CachedDraft(piece.strip(), ())
                else:
                    queue.append((text, j, piece))
        ready = [t for t in texts if all(parts[t])]
        if ready:
            yield [(t, self._assemble(parts[t])) for t in ready]
        queue.sort(key=lambda unit: len(unit[2]), reverse=True)
        engine = self.engine_impl
        plan = plan_calls(len(queue), engine.settings.batch_size, engine.parallel_batches)
        for batch in split_sizes(queue, plan):
            results = self._translate_checked([piece for _, _, piece in batch])
            for (text, j, _), result in zip(batch, results, strict=True):
                parts[text][j] = result
            owners = dict.fromkeys(text for text, _, _ in batch)
            done = [t for t in owners if all(parts[t])]
            if done:
                yield [(t, self._assemble(parts[t])) for t in done]

    def _translate_checked(self, sources: list[str]) -> list[CachedDraft]:
        """One engine call, then one retry with a repetition penalty for drafts that look broken."""
        outs = self.engine_impl.generate(sources)
        problems = [find_problems(s, o) for s, o in zip(sources, outs, strict=True)]
        bad = [i for i, p in enumerate(problems) if p]
        if bad:
            retried = self.engine_impl.generate([sources[i] for i in bad], self.penalty)
            for i, out in zip(bad, retried, strict=True):
                again = find_problems(sources[i], out)
                if len(again) <= len(problems[i]):
                    outs[i], problems[i] = out, again
                problems[i] = (*problems[i], "retried")
        return [CachedDraft(o, p) for o, p in zip(outs, problems, strict=True)]

    @staticmethod
    def _assemble(parts: list[CachedDraft | None]) -> CachedDraft:
        done = [p for p in parts if p is not None]
        if len(done) == 1:
            return done[0]
        return CachedDraft(
            join_pieces([p.text for p in done]), _merge_flags(*(p.flags for p in done), ("split",))
        )
