"""One entry point per direction over every format, so commands need not know the modules."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from align.errors import InputError
from align.formats.filters import (
    BeadFilter,
    Selection,
    empty_in,
    for_format,
    keeps_pair,
    select,
)
from align.formats.units import ExportReport, export_langs, normalise_lang, project_units
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
    flt = for_format(flt, fmt)
    chosen = select(project.beads, flt, empty_in(project))
    if fmt == "tmx":
        return _export_tmx(path, project, flt, chosen, src_lang, tgt_lang)
    report = _write(fmt, path, project, list(chosen.indexes), src_lang, tgt_lang)
    return replace(report, left_out=chosen.left_out)


def _export_tmx(
    path: Path,
    project: Project,
    flt: BeadFilter,
    chosen: Selection,
    src_lang: str | None,
    tgt_lang: str | None,
) -> ExportReport:
    """The selected beads, plus — as ``bitext run`` writes them — the drafts of the source
    sentences a partial reference leaves untranslated, where the filter keeps such a pair
    (``--include-mt`` for MT drafts): a 1:0 bead is no unit, but its draft can be."""
    from align.formats.memories import drafted_gaps
    from align.formats.tmx import write_tmx_units

    gaps = [u for u in drafted_gaps(project) if keeps_pair(flt, u.status, u.origin, u.score)]
    units = sorted([*project_units(project, chosen.indexes), *gaps], key=lambda u: u.id)
    src, tgt = export_langs(project, src_lang, tgt_lang)
    report = write_tmx_units(path, units, src, tgt)
    left_out = replace(chosen.left_out, empty_side=chosen.left_out.empty_side - len(gaps))
    return replace(report, left_out=left_out)


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
    if fmt == "json":  # a bitext project, as its reviewer last left it (journal replayed)
        from align.review.journal import load_current

        return load_current(path)
    raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
