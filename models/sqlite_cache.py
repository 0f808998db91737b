"""The SQLite setup bitext's caches share (drafts, sentence vectors).

WAL mode and one commit per batch: a run killed at any point (Ctrl-C, kill -9) keeps every batch
it finished, a reader never sees half a batch, and a damaged or unwritable file costs the user
one line of advice instead of a traceback.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from align.errors import InputError


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
