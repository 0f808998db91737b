"""Reading user text files and writing outputs without ever leaving half a file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import regex

from align.errors import InputError

_BIG5_MIN_BYTES = 200
_BINARY_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}
_CJK = regex.compile(
    r"[\p{Han}\p{Block=CJK_Symbols_And_Punctuation}\p{Block=Halfwidth_And_Fullwidth_Forms}"
    r"\p{Block=General_Punctuation}]"
)


@dataclass(frozen=True)
class LoadedText:
    text: str
    encoding: str


def read_text(path: Path) -> LoadedText:
    """Read a text file as UTF-8, falling back to Big5 or GB18030 (common for Chinese texts)."""
    return decode_bytes(read_input(path, "a text file"), str(path))


def read_input(path: Path, what: str) -> bytes:
    """The bytes of an input file, or one line saying why not (``what`` it should have been)."""
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give {what}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}); check its permissions") from exc


def decode_bytes(data: bytes, name: str) -> LoadedText:
    if not data.strip():
        raise InputError(f"{name}: the file is empty; give a file with text in it")
    utf16 = _utf16(data)
    if utf16 is not None:  # Windows "Unicode" files; NUL bytes would look binary below
        return LoadedText(utf16.replace("\r\n", "\n").replace("\r", "\n"), "utf-16")
    if _looks_binary(data):
        raise InputError(
            f"{name}: looks like a binary file, not text; give UTF-8 (or GB18030, UTF-16) text"
        )
    for encoding in ("utf-8-sig", "big5", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "big5" and not _big5(data):
            continue
        if encoding == "gb18030" and not _plausible_gb18030(text):
            break
        return LoadedText(text.replace("\r\n", "\n").replace("\r", "\n"), encoding)
    raise InputError(
        f"{name}: not UTF-8, GB18030 or Big5 text; convert it to UTF-8 (e.g. with iconv)"
    )


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b in _BINARY_CONTROL)
    return controls > max(2, len(head) // 100)


def _utf16(data: bytes) -> str | None:
    """The text of a UTF-16 file (with a byte-order mark, or ASCII-heavy without one)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    else:
        head = data[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) < len(head) // 4 or min(even, odd) > len(head) // 50:
            return None  # neither byte of the pairs mostly NUL: not UTF-16 text
        encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text.removeprefix("\ufeff")


def _big5(data: bytes) -> bool:
    """Traditional Chinese from Taiwan or Hong Kong is often Big5, which GB18030 would also
    decode (into nonsense). Bytes that are valid Big5 are asked of charset-normalizer, which
    knows which characters each encoding makes common; GBK text is almost never valid Big5."""
    if sum(1 for b in data[:4096] if b > 127) < _BIG5_MIN_BYTES:
        return False  # too little to tell: a few GBK characters are often valid Big5 too
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    return best is not None and best.encoding in ("big5", "cp950", "big5hkscs")


def _plausible_gb18030(text: str) -> bool:
    """GB18030 decodes almost any byte string; accept it when what is not ASCII is Chinese.

    Misread bytes come out as rare symbols and odd scripts; a real GB18030 file's non-ASCII
    characters are Han characters and CJK punctuation, however much Latin text is around them.
    """
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    cjk = len(_CJK.findall(text))
    return non_ascii > 0 and cjk >= 0.8 * non_ascii


def output_target(path: Path) -> Path:
    """The regular file an output named ``path`` lands in: a symlink is written through.

    Renaming over a link would replace the link and leave the file it names untouched; renaming
    over a directory, a device or a pipe fails or destroys it — refuse those with advice.
    """
    if str(path) in ("", "."):
        raise InputError("the output file name is empty; give one")
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.is_dir():
        raise InputError(f"{path}: is a directory; give a file name for the output")
    if target.exists() and not target.is_file():
        raise InputError(f"{path}: not a regular file (a device or pipe); give a file path")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():  # found now, not after minutes of drafting or encoding
        raise InputError(f"{path}: no directory {parent}; create it or write the output elsewhere")
    return target


def refuse_overwriting_inputs(outputs: dict[str, Path | None], inputs: list[Path | None]) -> None:
    """Stop before any work if an output would replace an input or another output.

    ``outputs`` maps each output option (e.g. ``-o``) to its path; unset ones are None.
    """
    seen: dict[Path, str] = {}
    sources = {_same_file_key(p) for p in inputs if p is not None}
    for option, path in outputs.items():
        if path is None:
            continue
        key = _same_file_key(path)
        if key in sources:
            raise InputError(f"{option} {path}: that is an input file; write the output elsewhere")
        if key in seen:
            raise InputError(
                f"{option} {path}: {seen[key]} writes there too; give each its own file"
            )
        seen[key] = option


def _same_file_key(path: Path) -> Path:
    return Path(os.path.realpath(path))


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success."""
    shown = Path(path)
    path = output_target(shown)
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
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(
                f"{shown}: cannot write it ({exc.strerror}); check its permissions or choose "
                "another output"
            ) from exc
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
