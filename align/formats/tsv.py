"""TSV for spreadsheets: one pair per row, with a header row naming the languages.

Tabs and line breaks inside a text would break the row structure, so they are written as the
escapes ``\\t``, ``\\n`` and ``\\r``, and a backslash as ``\\\\`` (the "linear TSV" convention);
reading undoes exactly that, so every text round-trips. The file starts with a UTF-8 byte order
mark because Excel otherwise opens UTF-8 Chinese as mojibake; the reader skips it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from align.errors import InputError
from align.formats.units import (
    ExportReport,
    Unit,
    checked_meta,
    export_langs,
    parse_origin,
    project_from_units,
    project_units,
)
from align.model import Project
from align.textio import atomic_writer

META = ("score", "status", "origin", "flags", "note")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {v[1]: k for k, v in _ESCAPES.items()}
_TO_ESCAPE = re.compile(r"[\\\t\n\r]")
_ESCAPED = re.compile(r"\\(.)", re.S)


def escape(text: str) -> str:
    return _TO_ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)


def unescape(text: str) -> str:
    """Undo :func:`escape`; an unknown escape (``\\x``) is kept as it is."""
    return _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group()), text)


def write_tsv(
    path: Path,
    project: Project,
    selection: Iterable[int] | None = None,
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> ExportReport:
    src, tgt = export_langs(project, src_lang, tgt_lang)
    count = 0
    with atomic_writer(path) as fh:
        fh.write("\ufeff" + "\t".join(("id", src, tgt, *META)) + "\n")
        for unit in project_units(project, None if selection is None else list(selection)):
            cells = (
                str(unit.id),
                unit.source,
                unit.target,
                f"{unit.score:.4f}",
                unit.status.value,
                unit.origin_label,
                ";".join(unit.flags),
                unit.note,
            )
            fh.write("\t".join(map(escape, cells)) + "\n")
            count += 1
    return ExportReport(count)


def read_tsv(path: Path, warnings: list[str] | None = None) -> Project:
    """Read rows back: columns are found by the header, so a spreadsheet may reorder or drop
    the metadata columns; the first two other columns are the source and target language."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such TSV file; check the path") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8; save the sheet as UTF-8 tab-separated text") from exc
    # Split on LF only: real line breaks inside texts are escaped, while str.splitlines would
    # also split on U+2028, U+0085 and friends that texts may legitimately contain.
    lines = [line.removesuffix("\r") for line in raw.split("\n")]
    if not lines or not lines[0].strip():
        raise InputError(f"{path}: empty TSV; export one with bitext export --to tsv")
    header = lines[0].split("\t")
    langs = [i for i, name in enumerate(header) if name not in ("id", *META)]
    if len(langs) < 2:
        raise InputError(f"{path}: the header row needs two language columns (e.g. zh-CN and en)")
    src_col, tgt_col = langs[:2]
    col = {name: i for i, name in enumerate(header)}
    units = []
    for row_no, line in enumerate(lines[1:], 2):
        if not line:
            continue
        cells = [unescape(c) for c in line.split("\t")]
        cells += [""] * (len(header) - len(cells))

        def get(name: str, cells: list[str] = cells) -> str:
            return cells[col[name]] if name in col else ""

        origin, model = parse_origin(get("origin") or "human")
        score, status = checked_meta(get("score"), get("status"), f"{path}:{row_no}", warnings)
        units.append(
            Unit(
                id=int(get("id")) if get("id").isdigit() else row_no - 1,
                source=cells[src_col],
                target=cells[tgt_col],
                score=score,
                status=status,
                origin=origin,
                model=model,
                flags=tuple(f for f in get("flags").split(";") if f),
                note=get("note"),
            )
        )
    return project_from_units(units, header[src_col], header[tgt_col], str(path))
