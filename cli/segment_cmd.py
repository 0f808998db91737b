"""``bitext segment``: show how a document is cut into sentences, as text or JSON with offsets."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import regex
import typer

from align.documents import segment_document
from align.formats.project_json import side_to_dict
from align.model import Segment, Side
from cli.common import Quiet, looks_chinese
from cli.inputs import DOCUMENT_HELP, FormatOpt, load

_LINE_BREAK = regex.compile(r"\s*\n\s*")


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def segments_json(segments: list[Segment], lang: str, path: str) -> str:
    """The same shape as a project side (``lang``, ``path``, ``segments``) so scripts share code."""
    side = side_to_dict(Side(lang=lang, path=path, segments=tuple(segments)))
    return json.dumps(side, ensure_ascii=False, indent=1)


def one_line(seg: Segment, lang: str) -> str:
    """A sentence with a line break (hard-wrapped Markdown) on one line: CJK joins its lines,
    English with a space."""
    return _LINE_BREAK.sub("" if lang == "zh" else " ", seg.text)


def segment(
    file: Annotated[Path, typer.Argument(help=f"The document: {DOCUMENT_HELP}.", metavar="FILE")],
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            "-l",
            help="Language of the text (default: zh if Han characters are over 30% of its "
            "letters, else en).",
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print JSON: each segment with offsets and paragraph id."),
    ] = False,
    split_semicolons: Annotated[
        bool,
        typer.Option("--split-semicolons", help="Also end a segment at ；/; (long enumerations)."),
    ] = False,
    quiet: Quiet = False,
    fmt: FormatOpt = None,
) -> None:
    """Split FILE into sentences and print one per line (headings included, without their #)."""
    document = load(file, quiet, fmt)
    code = (lang or (Lang.zh if looks_chinese(document.text) else Lang.en)).value
    segments = segment_document(document, code, split_semicolons=split_semicolons)
    if as_json:
        typer.echo(segments_json(segments, code, str(file)))
    elif segments:
        typer.echo("\n".join(one_line(s, code) for s in segments))
