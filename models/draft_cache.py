"""A persistent cache of finished drafts in SQLite, so re-runs and resumed runs cost no model time.

One row per (model fingerprint, engine, decoding settings, source text). Writers commit once per
batch in WAL mode, so a run killed at any point (Ctrl-C, kill -9) keeps every batch it finished
and the next run resumes from there; a reader never sees half a batch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from align.errors import InputError

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


class SqliteCache:
    """``with Cache(path) as cache:`` opens the database for one run and closes it after.

    Subclasses give their table (``TABLE``, created by ``SCHEMA``) and the name users know the
    cache by (``LABEL``).
    """

    TABLE = ""
    SCHEMA = ""
    LABEL = "cache"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> Self:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(self.SCHEMA)
            db.commit()
        except sqlite3.OperationalError as exc:  # a folder it cannot write, a locked file
            raise self._unopened(exc) from exc
        except sqlite3.DatabaseError as exc:  # "file is not a database": damaged
            raise self._damaged(exc) from exc
        except (OSError, sqlite3.Error) as exc:
            raise self._unopened(exc) from exc
        self._db = db
        return self

    def _unopened(self, exc: Exception) -> InputError:
        return InputError(
            f"{self.LABEL} {self.path}: cannot open ({exc}); set BITEXT_CACHE_DIR to a "
            "writable folder or pass --no-cache"
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError(f"{type(self).__name__} used outside its `with` block")
        return self._db

    @contextlib.contextmanager
    def _damage_is_advice(self) -> Iterator[None]:
        """A cache damaged on disk (or by another program) costs one line, not a traceback."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from exc

    def _damaged(self, exc: sqlite3.DatabaseError) -> InputError:
        return InputError(
            f"{self.LABEL} {self.path}: damaged ({exc}); delete it (its contents are made "
            "again) or pass --no-cache"
        )

    def _rows(self, sql: str, keys: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        """``sql`` (with one ``{marks}``) run over ``keys`` in chunks SQLite accepts."""
        wanted = list(dict.fromkeys(keys))
        with self._damage_is_advice():
            for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
                chunk = wanted[start : start + 500]
                yield from self.db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)

    def __len__(self) -> int:
        with self._damage_is_advice():
            return int(self.db.execute(f"SELECT COUNT(*) FROM {self.TABLE}").fetchone()[0])


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
