"""A persistent cache of finished drafts in SQLite, so re-runs and resumed runs cost no model time.

One row per (model fingerprint, engine, decoding settings, source text). Writers commit once per
batch in WAL mode, so a run killed at any point (Ctrl-C, kill -9) keeps every batch it finished
and the next run resumes from there; a reader never sees half a batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from models.sqlite_cache import SqliteCache

# Bump when pass-through, splitting or retry rules change, so old drafts are not reused.
DRAFTING_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    flags TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
)
"""


def draft_key(fingerprint: str, engine: str, settings_key: str, source: str) -> str:
    """A fixed-size key; the parts are joined with a separator no part can contain."""
    parts = (str(DRAFTING_VERSION), fingerprint, engine, settings_key, source)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CachedDraft:
    text: str
    flags: tuple[str, ...]


class DraftCache(SqliteCache):
    TABLE = "drafts"
    SCHEMA = _SCHEMA
    LABEL = "draft cache"

    def get_many(self, keys: Iterable[str]) -> dict[str, CachedDraft]:
        sql = "SELECT key, text, flags FROM drafts WHERE key IN ({marks})"
        return {
            key: CachedDraft(text, tuple(json.loads(flags)))
            for key, text, flags in self._rows(sql, keys)
        }

    def put_many(self, items: dict[str, CachedDraft]) -> None:
        """Store one batch and commit it, so it survives whatever happens next."""
        with self._damage_is_advice(), self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO drafts (key, text, flags) VALUES (?, ?, ?)",
                [(k, d.text, json.dumps(list(d.flags))) for k, d in items.items()],
            )
