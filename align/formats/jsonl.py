"""JSON Lines: one pair per line with its metadata, for scripts, data sets and training jobs.

Each line is a self-contained object (languages included), so the file can be split, shuffled,
concatenated or streamed without a header. JSON escapes every control character, so texts
round-trip exactly, XML-forbidden characters included.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

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


def write_jsonl(
    path: Path,
    project: Project,
    selection: Iterable[int] | None = None,
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> ExportReport:
    src, tgt = export_langs(project, src_lang, tgt_lang)
    units = project_units(project, None if selection is None else list(selection))
    return write_jsonl_units(path, units, src, tgt)


def write_jsonl_units(
    path: Path, units: Iterable[Unit], src_lang: str, tgt_lang: str
) -> ExportReport:
    """Stream ``units`` into a JSONL file at ``path``, atomically (a merged corpus, say)."""
    count = 0
    with atomic_writer(path) as fh:
        for unit in units:
            fh.write(json.dumps(_record(unit, src_lang, tgt_lang), ensure_ascii=False))
            fh.write("\n")
            count += 1
    return ExportReport(count)


def _record(unit: Unit, src: str, tgt: str) -> dict[str, Any]:
    return {
        "id": unit.id,
        "src_lang": src,
        "tgt_lang": tgt,
        "source": unit.source,
        "target": unit.target,
        "score": round(unit.score, 4),
        "status": unit.status.value,
        "origin": unit.origin_label,
        "flags": list(unit.flags),
        "note": unit.note,
        "source_ids": list(unit.source_ids),
        "target_ids": list(unit.target_ids),
        "document": unit.document,
    }


def read_jsonl(path: Path, warnings: list[str] | None = None) -> Project:
    """Read pairs back; languages come from the first line (they are the same on every line)."""
    path = Path(path)
    records = list(_records(path))
    if not records:
        raise InputError(f"{path}: no pairs in this JSONL file; export one with bitext export")
    src, tgt = records[0][1].get("src_lang", "zh-CN"), records[0][1].get("tgt_lang", "en")
    units = (_unit(path, line, rec, warnings) for line, rec in records)
    return project_from_units(units, src, tgt, str(path))


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with path.open(encoding="utf-8-sig") as fh:
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError as exc:
                    raise InputError(f"{path}:{line_no}: not a JSON object ({exc})") from exc
                if not isinstance(record, dict):
                    raise InputError(f"{path}:{line_no}: expected a JSON object per line")
                yield line_no, record
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such JSONL file; check the path") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8; JSONL files are UTF-8") from exc


def _unit(path: Path, line_no: int, rec: dict[str, Any], warnings: list[str] | None) -> Unit:
    source, target = rec.get("source"), rec.get("target")
    if not isinstance(source, str) or not isinstance(target, str):
        raise InputError(f"{path}:{line_no}: needs string fields 'source' and 'target'")
    origin, model = parse_origin(str(rec.get("origin", "human")))
    where = f"{path}:{line_no}"
    score, status = checked_meta(rec.get("score"), rec.get("status"), where, warnings)
    return Unit(
        id=rec["id"] if isinstance(rec.get("id"), int) else line_no,
        source=source,
        target=target,
        score=score,
        status=status,
        origin=origin,
        model=model,
        flags=tuple(str(f) for f in rec.get("flags", ())),
        note=str(rec.get("note", "")),
        document=str(rec.get("document", "")),
    )
