"""Reading the documents commands take: every format ``align.documents`` reads, and ``--format``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from align.documents import Document, read_document
from cli.common import info


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"
    docx = "docx"
    pdf = "pdf"


FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        help="Read the document(s) as this format instead of guessing from the name and bytes.",
    ),
]
DOCUMENT_HELP = "text or Markdown (UTF-8, GB18030, UTF-16), HTML, DOCX or PDF"


def load(path: Path, quiet: bool, fmt: Format | None = None) -> Document:
    """Read ``path`` and say on stderr what a user should know about how it was read."""
    document = read_document(path, fmt.value if fmt else None)
    if document.encoding in ("gb18030", "big5") and document.format != "html":
        info(f"{path}: read as {document.encoding.upper()} (not UTF-8)", quiet)
    if document.repaired and document.format in ("text", "markdown"):
        n = document.furniture
        removed = f" ({n} page-number or running header/footer line{'s' * (n != 1)} removed)"
        info(
            f"{path}: hard-wrapped; lines joined into {len(document.paragraphs)} paragraphs"
            + (removed if n else ""),
            quiet,
        )
    return document
