"""Which reader a file needs: its first bytes first, then its extension.

Signatures beat extensions (a PDF named ``.txt`` is still a PDF), and the files we cannot read
are named with what to do instead: an old Word ``.doc``, an RTF, an encrypted Office file, a
zip that holds no Word document.
"""

from __future__ import annotations

import io
import zipfile

from align.errors import InputError

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")
READS = "text, Markdown, HTML, DOCX and PDF"


def guess_format(data: bytes, name: str) -> str:
    """``text``, ``markdown``, ``html``, ``docx`` or ``pdf``; refuse anything else in one line."""
    suffix = _suffix(name)
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF-") or head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_OLE):
        raise InputError(_ole_message(data, name))
    if head.startswith(b"{\\rtf"):
        raise InputError(f"{name}: an RTF file; save it as .docx (or text) and give that")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_format(data, name)
    by_extension = _EXTENSIONS.get(suffix)
    if by_extension in ("html", "markdown"):
        return by_extension
    if _looks_html(head):
        return "html"
    if by_extension == "text" or suffix == "":
        return "text"
    if by_extension is not None:  # .docx or .pdf whose bytes are neither: a damaged file
        raise InputError(
            f"{name}: not a {by_extension.upper()} file inside (damaged or misnamed); "
            f"bitext reads {READS}"
        )
    from align.textio import decode_bytes

    try:
        decode_bytes(data, name)
    except InputError:
        raise InputError(
            f"{name}: {suffix or 'this'} files are not a format bitext reads; "
            f"give {READS} (or force one with --format)"
        ) from None
    return "text"  # an unknown extension with text inside (.tex, .csv, ...): read it as text


def _suffix(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _looks_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<?xml"):
        return b"<html" in head.lower()
    return start.startswith(_HTML_STARTS)


def _ole_message(data: bytes, name: str) -> str:
    """Compound files: an encrypted .docx/.xlsx (Office stores those in OLE) or an old .doc."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return f"{name}: encrypted (password-protected); save an unprotected copy and give that"
    return (
        f"{name}: an old Word .doc (or another Office 97-2003 file); save it as .docx in Word or "
        "LibreOffice and give that"
    )


def _zip_format(data: bytes, name: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(
            f"{name}: damaged (not a readable zip/DOCX); open and re-save it, or export to PDF"
        ) from None
    if "word/document.xml" in names:
        return "docx"
    kind = "an OpenDocument file" if "mimetype" in names else "a zip archive"
    if "xl/workbook.xml" in names:
        kind = "an Excel workbook"
    elif "ppt/presentation.xml" in names:
        kind = "a PowerPoint file"
    return _refuse(f"{name}: {kind}, not a Word document; bitext reads {READS}")


def _refuse(message: str) -> str:
    raise InputError(message)
