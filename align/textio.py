"""Reading user text files and writing outputs without ever leaving half a file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from align.errors import InputError

_BINARY_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}


@dataclass(frozen=True)
class LoadedText:
    text: str
    encoding: str


def read_text(path: Path) -> LoadedText:
    """Read a text file as UTF-8, falling back to GB18030 (common for Chinese official texts)."""
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}); check its permissions") from exc
    return decode_bytes(data, str(path))


def decode_bytes(data: bytes, name: str) -> LoadedText:
    if not data.strip():
        raise InputError(f"{name}: the file is empty; give a file with text in it")
    if _looks_binary(data):
        raise InputError(
            f"{name}: looks like a binary file, not text; give a UTF-8 or GB18030 text"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and not _plausible_gb18030(text):
            break
        return LoadedText(text.replace("\r\n", "\n").replace("\r", "\n"), encoding)
    raise InputError(f"{name}: not UTF-8 or GB18030 text; convert it to UTF-8 (e.g. with iconv)")


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b in _BINARY_CONTROL)
    return controls > max(2, len(head) // 100)


def _plausible_gb18030(text: str) -> bool:
    """GB18030 decodes almost any byte string; accept it only if it yields mostly CJK text."""
    import regex

    han = len(regex.findall(r"\p{Han}", text))
    letters = len(regex.findall(r"\p{L}", text))
    return letters > 0 and han / letters > 0.5


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(
            f"{directory}: cannot write here ({exc.strerror}); choose another output directory"
        ) from exc
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding, newline=None if "b" in mode else "\n") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _output_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _output_mode(path: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_writer(path) as fh:
        fh.write(text)


def ensure_output_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"{path}: cannot create output directory ({exc.strerror}); choose another with --out"
        ) from exc
    if not os.access(path, os.W_OK):
        raise InputError(f"{path}: output directory is not writable; choose another with --out")
    return path
