"""Crash-safe persistence for review: a lock, an fsynced journal, and compaction.

Every decision is appended as one JSON line to ``PROJECT.journal`` and fsynced before the
reviewer sees the next bead, so ``kill -9`` loses nothing already decided. The journal's first
line names the SHA-256 of the project file it applies to; on the next open it is replayed and
compacted into the project by an atomic write, then deleted. A journal whose base no longer
matches (the project was rewritten after it, e.g. a crash between compaction and deletion) is
stale and set aside instead of being applied twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from align.errors import InputError
from align.formats.project_json import read_project, write_project
from align.model import Project
from align.review.session import Action, ReviewState, apply, replay, start

JOURNAL_FORMAT = "bitext-review-journal/1"


def journal_path(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + ".journal")


def lock_path(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + ".lock")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_journal(path: Path, base: str) -> list[Action] | None:
    """The journal's actions, or None when it belongs to another version of the project.

    A last line cut short by a crash is dropped: it was never acknowledged to the reviewer.
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    try:
        header = json.loads(lines[0])
    except ValueError:
        return None
    if header.get("format") != JOURNAL_FORMAT or header.get("base") != base:
        return None
    actions = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            actions.append(Action.from_dict(json.loads(line)))
        except (ValueError, TypeError, AttributeError) as exc:
            if number == len(lines):  # the torn final write (no newline after it)
                break
            raise InputError(
                f"{path}: line {number} is damaged ({exc}); move the journal aside to continue"
            ) from exc
    return actions


@dataclass(frozen=True)
class CurrentProject:
    """A project as the reviewer last left it, and who (if anyone) is reviewing it right now."""

    project: Project
    open_by: int | None = None  # pid of a live ``bitext review`` holding the lock


def read_current(project_path: Path) -> CurrentProject:
    """The one way to read a project: the file with its journal replayed; writes nothing.

    Every reader (export, qa, report, status, the overwrite guard) goes through here, so a
    review that crashed or is still open is seen the same way by all of them: each decision
    acknowledged to the reviewer is fsynced in the journal before the next bead shows. A live
    review may compact (rewrite the file, then drop the journal) while we read; the file's
    identity is compared before and after, and a read that straddled a compaction is redone.
    """
    project_path = Path(project_path)
    for _ in range(_READ_TRIES):
        before = _identity(project_path)
        project = read_project(project_path)  # the one clear error for a missing or bad file
        actions, journal = None, journal_path(project_path)
        if journal.exists():  # hashing a big project costs a second read: only when needed
            with contextlib.suppress(FileNotFoundError):  # the review compacted just now
                actions = read_journal(journal, _digest(project_path))
        if _identity(project_path) == before:
            break
    if actions:
        project = replay(start(project, ()), actions).project
    return CurrentProject(project, review_holder(project_path))


def load_current(project_path: Path) -> Project:
    """The project as the reviewer last left it, journal included (see ``read_current``)."""
    return read_current(project_path).project


_READ_TRIES = 5  # a review compacts once, when it ends: a second read is already consistent


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Enough to tell an atomic replace apart: inode, size and modification time."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def review_holder(project_path: Path) -> int | None:
    """The pid of a live review of this project, else None; never takes or blocks the lock.

    The pid written in the lock file is only a hint (``kill -9`` leaves the file behind, and
    pids are reused), so when that process exists the ``flock`` itself is asked, with a shared
    lock that is let go at once; a dead pid means no review, with no lock call at all.
    """
    path = lock_path(project_path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        text = os.read(fd, 64).decode("ascii", "replace").strip()
        if not text.isdigit() or not _alive(int(text)):
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return int(text)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


class ProjectLock:
    """An exclusive ``flock`` beside the project: released by the kernel even on ``kill -9``."""

    def __init__(self, project_path: Path) -> None:
        self.project_path = project_path
        self.path = lock_path(project_path)
        self.fd: int | None = None

    def acquire(self) -> None:
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except IsADirectoryError as exc:
                raise InputError(
                    f"{self.path}: a folder where bitext keeps its review lock; rename it"
                ) from exc
            except OSError as exc:
                raise InputError(
                    f"{self.path}: cannot create the review lock ({exc.strerror}); "
                    "the project's folder must be writable"
                ) from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 64).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise InputError(
                    f"{self.project_path}: another bitext review (pid {holder}) has it open; "
                    "finish that one first"
                ) from None
            with contextlib.suppress(FileNotFoundError):
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    break  # still the live lock file, not one a finishing holder just removed
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            os.close(self.fd)
            self.fd = None


@dataclass
class Recorder:
    """The one mutable object of a review: the current state plus its journal on disk."""

    project_path: Path
    state: ReviewState
    base: str
    _fd: int | None = field(default=None, repr=False)
    dirty: bool = False

    def do(self, action: Action) -> ReviewState:
        """Apply, then journal and fsync; a refused action (InputError) writes nothing."""
        new_state = apply(self.state, action)
        self._append(action)
        self.state = new_state
        self.dirty = True
        return new_state

    def _append(self, action: Action) -> None:
        line = json.dumps(action.to_dict(), ensure_ascii=False) + "\n"
        if self._fd is None:
            path = journal_path(self.project_path)
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
            header = {"format": JOURNAL_FORMAT, "base": self.base}
            line = json.dumps(header) + "\n" + line
            os.write(self._fd, line.encode())
            os.fsync(self._fd)
            _fsync_dir(path)
            return
        os.write(self._fd, line.encode())
        os.fsync(self._fd)

    def compact(self) -> None:
        """Fold the journal into the project file (atomic write + fsync), then drop it."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self.dirty:
            write_project(self.project_path, self.state.project)
            self.base = _digest(self.project_path)
            self.dirty = False
        journal = journal_path(self.project_path)
        if journal.exists():
            journal.unlink()
            _fsync_dir(journal)


def _recover(project_path: Path) -> tuple[Project, list[str]]:
    """Replay and compact what a previous session left; return the project and notices."""
    project = read_project(project_path)
    journal = journal_path(project_path)
    if not journal.exists():
        return project, []
    actions = read_journal(journal, _digest(project_path))
    if actions is None:
        aside = journal.with_name(journal.name + ".stale")
        os.replace(journal, aside)
        return project, [f"{journal}: made for another version of the project; kept as {aside}"]
    project = replay(start(project, ()), actions).project
    write_project(project_path, project)
    journal.unlink()
    _fsync_dir(journal)
    return project, [f"recovered {len(actions)} decisions from an unfinished review"]


@contextlib.contextmanager
def reviewing(project_path: Path) -> Iterator[tuple[Recorder, list[str]]]:
    """Lock the project, recover any unfinished review, and compact when done (even on error)."""
    project_path = Path(project_path)
    if not project_path.is_file():
        read_project(project_path)  # one clear error for a missing file or a directory
    lock = ProjectLock(project_path)
    lock.acquire()
    try:
        project, notices = _recover(project_path)
        recorder = Recorder(project_path, start(project, ()), _digest(project_path))
        try:
            yield recorder, notices
        finally:
            recorder.compact()
    finally:
        lock.release()
