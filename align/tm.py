"""Translation-memory leverage while drafting: exact matches replace machine translation.

CAT tools insert a 100% match from the memory instead of MT, because a human already translated
(and usually reviewed) that very sentence. :func:`tm_lookup` is the pure matching rule;
:class:`TmTranslator` wraps any engine so matched sentences never reach the MT model.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from align.model import Draft
from align.translator import ProgressCallback, Translator

TM_ENGINE = "tm"


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


@dataclass(frozen=True)
class TmTranslator:
    """A :class:`~align.translator.Translator` that answers exact matches from a memory and sends
    only the remaining sentences to ``engine``, in one batch, keeping input order.

    Model id, fingerprint and engine are the MT engine's: the project's provenance still names
    the model; TM drafts carry ``engine="tm"`` and ``model="tm:<name>"`` instead.
    """

    engine_: Translator
    index: dict[str, str] = field(hash=False)
    name: str = "memory"
    fingerprint_: str = ""

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
        matches = _lookup(texts, self.index)
        todo = [t for i, t in enumerate(texts) if i not in matches]
        if progress is not None and matches:
            progress(len(matches))
        machine = iter(self.engine_.translate(todo, progress) if todo else [])
        return [
            Draft(matches[i], f"tm:{self.name}", self.fingerprint_, TM_ENGINE)
            if i in matches
            else next(machine)
            for i in range(len(texts))
        ]


def with_memory(engine: Translator, tmx: Path, src_lang: str, tgt_lang: str) -> TmTranslator:
    """Load ``tmx`` (the I/O edge) and wrap ``engine`` so exact matches come from it."""
    from align.formats.tmx import read_tm_pairs

    index = build_index(read_tm_pairs(tmx, src_lang, tgt_lang))
    digest = hashlib.sha256(Path(tmx).read_bytes()).hexdigest()[:16]
    return TmTranslator(engine, index, Path(tmx).name, digest)
