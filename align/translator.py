"""The contract the pipeline calls to draft English: any engine that honours it will do.

It lives beside the pipeline that calls it, so that ``align`` never imports ``models``
(``models`` implements it; ``models.base`` re-exports it for older imports).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from align.model import Draft

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
