"""The engine-independent contracts: what the pipeline calls and what an MT engine provides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from align.model import DecodingSettings, Draft

ProgressCallback = Callable[[int], None]


class Translator(Protocol):
    """Anything that turns a batch of source sentences into one draft each, in order."""

    @property
    def model_id(self) -> str: ...

    @property
    def fingerprint(self) -> str: ...

    @property
    def engine(self) -> str: ...

    def translate(
        self, texts: list[str], progress: ProgressCallback | None = None
    ) -> list[Draft]: ...


@dataclass(frozen=True)
class Penalty:
    """Decoding changes for the single retry of a degenerate draft (both engines support them)."""

    repetition_penalty: float = 1.3
    no_repeat_ngram_size: int = 3


class Engine(Protocol):
    """A raw MT engine: text in, text out, one batch at a time, the model loaded on first use.

    The drafting layer (models/drafting.py) adds caching, pass-through, splitting and retries
    on top, so every engine gets them without reimplementing them.
    """

    @property
    def model_id(self) -> str: ...

    @property
    def fingerprint(self) -> str: ...

    @property
    def engine(self) -> str: ...

    @property
    def settings(self) -> DecodingSettings: ...

    def generate(self, texts: list[str], penalty: Penalty | None = None) -> list[str]: ...

    def count_tokens(self, text: str) -> int: ...


def bare_translate(
    engine: Engine, texts: list[str], progress: ProgressCallback | None = None
) -> list[Draft]:
    """An engine's raw output as drafts, batch by batch, longest first: no cache, no checks."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    out = [""] * len(texts)
    size = max(1, engine.settings.batch_size)
    for start in range(0, len(order), size):
        ids = order[start : start + size]
        for i, text in zip(ids, engine.generate([texts[i] for i in ids]), strict=True):
            out[i] = text
        if progress:
            progress(len(ids))
    return [
        Draft(text, engine.model_id, engine.fingerprint, engine.engine, engine.settings)
        for text in out
    ]
