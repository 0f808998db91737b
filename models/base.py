"""The engine-independent contracts: what the pipeline calls and what an MT engine provides."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Protocol, TypeVar

from align.model import DecodingSettings, Draft

# the pipeline's contract lives in align (align never imports models); re-exported here
from align.translator import ProgressCallback as ProgressCallback
from align.translator import Translator as Translator

T = TypeVar("T")
# Asked for a GPU that the engine cannot see (CPU-only torch, no driver, no device).
NO_CUDA = "--device cuda: {what} sees no CUDA GPU here; use --device auto or cpu"


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

    @property
    def parallel_batches(self) -> int:
        """How many batches the engine decodes at once (CTranslate2's parallel workers)."""
        ...

    def generate(self, texts: list[str], penalty: Penalty | None = None) -> list[str]: ...

    def count_tokens(self, text: str) -> int: ...


def plan_batches(count: int, max_size: int, workers: int = 1) -> list[int]:
    """Batch sizes for ``count`` length-sorted sentences: ``max_size`` is a limit, not a target.

    The fewest batches that fit, rounded up to a multiple of ``workers`` and as even as possible,
    so that parallel workers finish together instead of one decoding a short tail batch alone
    (100 sentences at 32 on 2 workers: 25+25+25+25, not 32+32+32+4). Fewer, fuller batches keep
    each matrix product large; even ones keep every worker busy to the end.
    """
    if count <= 0:
        return []
    batches = ceil(count / max(1, max_size))
    batches = min(count, ceil(batches / max(1, workers)) * max(1, workers))
    size, extra = divmod(count, batches)
    return [size + 1] * extra + [size] * (batches - extra)


def plan_calls(count: int, max_size: int, workers: int = 1) -> list[int]:
    """Sentences per ``generate`` call: ``workers`` planned batches each, so that a caller that
    commits or reports progress call by call still gives every parallel worker a batch."""
    sizes = plan_batches(count, max_size, workers)
    step = max(1, workers)
    return [sum(sizes[i : i + step]) for i in range(0, len(sizes), step)]


def split_sizes(items: Sequence[T], sizes: Iterable[int]) -> Iterator[list[T]]:
    """``items`` cut into consecutive runs of the given sizes: a batch plan applied."""
    start = 0
    for size in sizes:
        yield list(items[start : start + size])
        start += size


def bare_translate(
    engine: Engine, texts: list[str], progress: ProgressCallback | None = None
) -> list[Draft]:
    """An engine's raw output as drafts, call by call, longest first: no cache, no checks."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    out = [""] * len(texts)
    plan = plan_calls(len(order), engine.settings.batch_size, engine.parallel_batches)
    for ids in split_sizes(order, plan):
        for i, text in zip(ids, engine.generate([texts[i] for i in ids]), strict=True):
            out[i] = text
        if progress:
            progress(len(ids))
    return [
        Draft(text, engine.model_id, engine.fingerprint, engine.engine, engine.settings)
        for text in out
    ]
