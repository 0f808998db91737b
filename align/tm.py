"""Translation-memory leverage while drafting: exact matches replace MT, fuzzy ones sit beside it.

CAT tools insert a 100% match from the memory instead of MT, because a human already translated
(and usually reviewed) that very sentence; 101% when the neighbouring sentences match too (a
"context match"). A fuzzy match (under 100%, at or above the threshold, default 75%) is offered
to the reviewer beside the MT draft and never replaces it silently. :func:`tm_lookup` is the
exact rule, :func:`match_segments` the full one (similarity and repair: ``align.fuzzy``), and
:class:`TmTranslator` wraps any engine so exactly matched sentences never reach the MT model.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from align.model import Draft, TmMatch
from align.translator import ProgressCallback, Translator

if TYPE_CHECKING:
    from align.qa.glossary import Glossary
    from align.tm_index import Hit

TM_ENGINE = "tm"
DEFAULT_THRESHOLD = 75
MATCHES_KEPT = 3  # per segment, best first: what a reviewer can weigh at a glance


def match_key(text: str) -> str:
    """What counts as "the same sentence": identical after Unicode NFC and outer whitespace.

    Inner text (punctuation, full-width forms, spacing) must match exactly, as in CAT tools'
    100% matches; only invisible encoding differences and stray edge spaces are forgiven.
    """
    return unicodedata.normalize("NFC", text).strip()


def build_index(tm_pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Source key → target; the first pair wins when a memory holds several translations."""
    index: dict[str, str] = {}
    for source, target in tm_pairs:
        key = match_key(source)
        if key and target:
            index.setdefault(key, target)
    return index


def tm_lookup(segments: Sequence[str], tm_pairs: Iterable[tuple[str, str]]) -> dict[int, str]:
    """Position → TM target for every segment with an exact match in ``tm_pairs``."""
    return _lookup(segments, build_index(tm_pairs))


def _lookup(segments: Sequence[str], index: dict[str, str]) -> dict[int, str]:
    found = {}
    for i, text in enumerate(segments):
        target = index.get(match_key(text))
        if target is not None:
            found[i] = target
    return found


class Memory(Protocol):
    """What matching needs from a memory (``align.tm_index.MemoryIndex`` provides it)."""

    name: str
    digest: str

    def exact(self, key: str) -> list[int]: ...
    def source(self, unit: int) -> str: ...
    def target(self, unit: int) -> str: ...
    def in_context(self, unit: int, prev_key: str | None, next_key: str | None) -> bool: ...
    def fuzzy(self, key: str, threshold: int, limit: int = 3) -> list[Hit]: ...


def match_segments(
    texts: Sequence[str],
    memories: Sequence[Memory],
    threshold: int = DEFAULT_THRESHOLD,
    glossary: Glossary | None = None,
    limit: int = MATCHES_KEPT,
) -> list[tuple[TmMatch, ...]]:
    """The best matches of each segment of one document (in order: neighbours make context).

    An exact match anywhere ends the search for that segment; otherwise fuzzy hits are repaired
    where they can be, penalised where a number or date differs unrepaired, and kept at or
    above ``threshold``. Ties go to the memory given first, then to the earlier unit.
    """
    from align.fuzzy import NUMBER_PENALTY, repair

    keys = [match_key(t) for t in texts]
    out: list[tuple[TmMatch, ...]] = []
    for i, key in enumerate(keys):
        if not key:
            out.append(())
            continue
        prev = keys[i - 1] if i > 0 else None
        nxt = keys[i + 1] if i + 1 < len(keys) else None
        exact = _exact(key, prev, nxt, memories)
        if exact:
            out.append(exact[:limit])
            continue
        found: list[tuple[int, int, int, TmMatch]] = []
        for rank, memory in enumerate(memories):
            for hit in memory.fuzzy(key, threshold, limit):
                fixed = repair(key, hit.source, hit.target, glossary)
                percent = hit.percent - NUMBER_PENALTY * fixed.unrepaired
                if percent >= threshold:
                    match = TmMatch(hit.source, fixed.target, percent, memory.name, fixed.repairs)
                    found.append((-percent, rank, hit.unit, match))
        found.sort(key=lambda f: f[:3])
        out.append(_distinct([f[3] for f in found])[:limit])
    return out


def match_counts(drafts: Sequence[Draft | None]) -> tuple[int, int]:
    """How many drafts came from a memory (100/101%) and how many carry a fuzzy match."""
    exact = sum(1 for d in drafts if d is not None and d.engine == TM_ENGINE)
    fuzzy = sum(1 for d in drafts if d is not None and d.engine != TM_ENGINE and d.matches)
    return exact, fuzzy


def _exact(
    key: str, prev: str | None, nxt: str | None, memories: Sequence[Memory]
) -> tuple[TmMatch, ...]:
    found = []
    for memory in memories:
        units = memory.exact(key)
        if not units:
            continue
        context = [u for u in units if memory.in_context(u, prev, nxt)]
        for unit in context[:1] or units[:1]:
            percent = 101 if context else 100
            found.append(TmMatch(key, memory.target(unit), percent, memory.name))
    found.sort(key=lambda m: -m.percent)  # stable: memory order among equals
    return _distinct(found)


def _distinct(matches: list[TmMatch]) -> tuple[TmMatch, ...]:
    """One match per distinct translation: a memory often holds the same pair twice."""
    seen: set[str] = set()
    kept = []
    for m in matches:
        if m.target not in seen:
            seen.add(m.target)
            kept.append(m)
    return tuple(kept)


@dataclass(frozen=True)
class TmTranslator:
    """A :class:`~align.translator.Translator` that answers exact (100/101%) matches from memories
    and sends only the remaining sentences to ``engine``, in one batch, keeping input order;
    fuzzy matches ride along in ``Draft.matches`` beside the MT text.

    Model id, fingerprint and engine are the MT engine's: the project's provenance still names
    the model; TM drafts carry ``engine="tm"`` and ``model="tm:<memory>"`` instead.
    """

    engine_: Translator
    memories: tuple[Memory, ...]
    threshold: int = DEFAULT_THRESHOLD
    glossary: Glossary | None = None

    @property
    def model_id(self) -> str:
        return self.engine_.model_id

    @property
    def fingerprint(self) -> str:
        return self.engine_.fingerprint

    @property
    def engine(self) -> str:
        return self.engine_.engine

    def translate(self, texts: list[str], progress: ProgressCallback | None = None) -> list[Draft]:
        found = match_segments(texts, self.memories, self.threshold, self.glossary)
        exact = {i: m[0] for i, m in enumerate(found) if m and m[0].percent >= 100}
        todo = [t for i, t in enumerate(texts) if i not in exact]
        if progress is not None and exact:
            progress(len(exact))
        machine = iter(self.engine_.translate(todo, progress) if todo else [])
        digests = {m.name: m.digest for m in self.memories}
        drafts = []
        for i in range(len(texts)):
            if i in exact:
                match = exact[i]
                tm = Draft(match.target, f"tm:{match.memory}", digests[match.memory], TM_ENGINE)
                drafts.append(replace(tm, matches=found[i]))
            else:
                draft = next(machine)
                drafts.append(replace(draft, matches=found[i]) if found[i] else draft)
        return drafts


def with_memory(
    engine: Translator,
    memories: Path | Sequence[Path],
    src_lang: str = "zh",
    tgt_lang: str = "en",
    *,
    threshold: int = DEFAULT_THRESHOLD,
    glossary: Glossary | None = None,
    on_build: Callable[[str], None] | None = None,
) -> TmTranslator:
    """Open (index once, then from the cache) each memory and wrap ``engine`` with them."""
    from align.errors import InputError
    from align.memory import open_memories

    if not lang_is_chinese(src_lang):
        raise InputError(f"memories are matched on Chinese sources, not {src_lang}")
    paths = [memories] if isinstance(memories, (str, Path)) else list(memories)
    opened = open_memories([Path(p) for p in paths], tgt_lang, on_build)
    return TmTranslator(engine, opened, threshold, glossary)


def lang_is_chinese(tag: str) -> bool:
    return tag.split("-")[0].lower() == "zh"
