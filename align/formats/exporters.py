"""One entry point per direction over every format, so commands need not know the modules."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from align.errors import InputError
from align.formats.filters import (
    BeadFilter,
    LeftOut,
    empty_in,
    for_format,
    is_unreviewed_mt,
    select,
)
from align.formats.units import ExportReport, normalise_lang
from align.model import Project

FORMATS = ("tmx", "json", "jsonl", "tsv", "xliff")


def export_project(
    fmt: str,
    path: Path,
    project: Project,
    flt: BeadFilter | None = None,
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> ExportReport:
    """Write the beads ``flt`` selects in format ``fmt``; formats are imported only when used.

    The format's own rules apply on top of ``flt`` (``align.formats.filters.for_format``), and
    the report counts what was left out.
    """
    chosen = select(project.beads, for_format(flt, fmt), empty_in(project))
    report = _write(fmt, path, project, list(chosen.indexes), src_lang, tgt_lang)
    return replace(report, left_out=chosen.left_out)


def _write(
    fmt: str,
    path: Path,
    project: Project,
    selection: list[int],
    src_lang: str | None,
    tgt_lang: str | None,
) -> ExportReport:
    if fmt == "tmx":
        from align.formats.tmx import write_tmx

        return write_tmx(path, project, selection, src_lang=src_lang, tgt_lang=tgt_lang)
    if fmt == "jsonl":
        from align.formats.jsonl import write_jsonl

        return write_jsonl(path, project, selection, src_lang=src_lang, tgt_lang=tgt_lang)
    if fmt == "tsv":
        from align.formats.tsv import write_tsv

        return write_tsv(path, project, selection, src_lang=src_lang, tgt_lang=tgt_lang)
    if fmt == "xliff":
        from align.formats.xliff import write_xliff

        return write_xliff(path, project, selection, src_lang=src_lang, tgt_lang=tgt_lang)
    if fmt == "json":
        from align.formats.project_json import write_project

        subset = replace(project, beads=tuple(project.beads[i] for i in selection))
        if src_lang:
            subset = replace(subset, source=replace(subset.source, lang=normalise_lang(src_lang)))
        if tgt_lang:
            subset = replace(subset, target=replace(subset.target, lang=normalise_lang(tgt_lang)))
        write_project(path, subset)
        return ExportReport(len(selection))
    raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


@dataclass(frozen=True)
class MemoryReport:
    """Where :func:`write_memories` put the units; a path is None when it had none to write."""

    tmx: Path | None
    units: int
    mt_tmx: Path | None
    mt_units: int
    left_out: LeftOut  # rejected beads and beads with an empty side, in neither file
    warnings: tuple[str, ...] = ()


def write_memories(
    project: Project, tmx: Path, mt_tmx: Path, *, tgt_lang: str | None = None
) -> MemoryReport:
    """The safe default of ``bitext run``: human work and unreviewed MT in separate memories.

    ``tmx`` gets what a human wrote or approved: reference pairs, TM matches, edits, accepted
    beads. ``mt_tmx`` gets the unreviewed machine drafts, for a CAT tool's MT folder (OmegaT's
    ``tm/mt/``, whose matches carry a penalty). Every unit says its origin and status
    (``x-origin``, ``x-status``); no unit has an empty side. A file is written only when it has
    units; one left by an earlier run at that path is removed, so it cannot pass for this one.
    """
    from align.formats.tmx import write_tmx

    empty = empty_in(project)
    human = select(project.beads, BeadFilter(include_mt=False, skip_empty=True), empty)
    drafts = [i for i, b in enumerate(project.beads) if is_unreviewed_mt(b) and not empty(b)]
    written: list[Path | None] = []
    warnings: list[str] = []
    for path, selection in ((tmx, human.indexes), (mt_tmx, drafts)):
        if selection:
            report = write_tmx(path, project, selection, tgt_lang=tgt_lang)
            warnings.extend(report.warnings)
            written.append(path)
        else:
            path.unlink(missing_ok=True)
            written.append(None)
    left_out = replace(human.left_out, unreviewed_mt=0)  # those went to ``mt_tmx``
    return MemoryReport(
        written[0], len(human.indexes), written[1], len(drafts), left_out, tuple(warnings)
    )


def import_file(
    fmt: str,
    path: Path,
    warnings: list[str] | None = None,
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> Project:
    """Read any exchange format into a project (languages apply to TMX, which may hold many)."""
    if fmt == "tmx":
        from align.formats.tmx import read_tmx

        return read_tmx(path, src_lang, tgt_lang, warnings)
    if fmt == "jsonl":
        from align.formats.jsonl import read_jsonl

        return read_jsonl(path, warnings)
    if fmt == "tsv":
        from align.formats.tsv import read_tsv

        return read_tsv(path, warnings)
    if fmt == "xliff":
        from align.formats.xliff import read_xliff

        return read_xliff(path, warnings)
    if fmt == "json":
        from align.formats.project_json import read_project

        return read_project(path)
    raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
