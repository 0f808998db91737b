"""Sentence vectors kept on disk, so ``--semantic`` re-runs are free and interrupted ones resume.

Encoding is the slow part of ``--semantic`` (a 10k-sentence book is about 60k encodings, ~30
minutes on 2 cores). Vectors are stored per (encoder, text) and committed batch by batch in the
same SQLite setup as the draft cache, so a run killed at any point keeps what it encoded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from align.semantic import SentenceEncoder
from models.sqlite_cache import SqliteCache

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    key TEXT PRIMARY KEY,
    vector BLOB NOT NULL
)
"""


class VectorCache(SqliteCache):
    TABLE = "vectors"
    SCHEMA = _SCHEMA
    LABEL = "sentence-vector cache"

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        sql = "SELECT key, vector FROM vectors WHERE key IN ({marks})"
        return {key: np.frombuffer(blob, dtype=np.float32) for key, blob in self._rows(sql, keys)}

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Store one batch and commit it, so it survives whatever happens next."""
        with self._damage_is_advice(), self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )


class CachedEncoder:
    """A ``SentenceEncoder`` that asks its inner encoder only for texts it has not seen."""

    def __init__(self, inner: SentenceEncoder, path: Path) -> None:
        self.inner, self.path = inner, path

    @property
    def name(self) -> str:
        return self.inner.name

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.inner.name}\x1f{text}".encode()).hexdigest()

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        with VectorCache(self.path) as cache:
            found = cache.get_many(keys)
            missing = list(
                dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found)
            )
            if missing:
                fresh = np.asarray(self.inner.encode(missing), dtype=np.float32)
                if fresh.ndim != 2 or len(fresh) != len(missing) or not np.isfinite(fresh).all():
                    return fresh  # block_vectors reports unusable output; never store it
                new = {self.key(t): v for t, v in zip(missing, fresh, strict=True)}
                cache.put_many(new)
                found.update(new)
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, 1), np.float32)
