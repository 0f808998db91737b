"""``bitext run``'s translation memories: human work and unreviewed MT, never mixed.

A memory that mixes raw MT with human work serves MT back as if a translator had written it.
So a run writes two TMX files (each only when it has units):

- ``NAME.tmx``: what a human wrote or approved — reference pairs, TM matches, edits, accepted
  beads;
- ``NAME.mt.tmx``: the unreviewed machine drafts, for a CAT tool's MT folder (OmegaT's
  ``tm/mt/``, whose matches carry a penalty) — including, when a reference translates only part
  of the source, the drafts of the sentences it leaves untranslated.

Every unit says its origin and status (``x-origin``, ``x-status``); no unit has an empty side.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from align.formats.filters import BeadFilter, LeftOut, empty_in, is_unreviewed_mt, select
from align.formats.units import Unit, export_langs, project_units
from align.model import BeadOrigin, BeadStatus, Project, join_texts

_TM_ENGINE = "tm"  # align.tm.TM_ENGINE (not imported: it pulls in the MT engines' protocol)


@dataclass(frozen=True)
class MemoryReport:
    """Where :func:`write_memories` put the units; a path is None when it had none to write."""

    tmx: Path | None
    units: int
    mt_tmx: Path | None
    mt_units: int
    untranslated: int  # of the MT units: drafts of source sentences the reference leaves out
    left_out: LeftOut  # rejected beads and beads with an empty side, in neither file
    warnings: tuple[str, ...] = ()


def write_memories(
    project: Project, tmx: Path, mt_tmx: Path, *, tgt_lang: str | None = None
) -> MemoryReport:
    """Write ``tmx`` (human work) and ``mt_tmx`` (unreviewed MT); see the module docstring.

    A file with no units is not written, and one left at that path by an earlier run is
    removed, so that it cannot pass for this run's.
    """
    from align.formats.tmx import write_tmx_units

    empty = empty_in(project)
    human = select(project.beads, BeadFilter(include_mt=False, skip_empty=True), empty)
    drafts = [i for i, b in enumerate(project.beads) if is_unreviewed_mt(b) and not empty(b)]
    filled = list(drafted_gaps(project))
    human_units = list(project_units(project, human.indexes))
    human_units += [u for u in filled if u.origin is BeadOrigin.TM]
    mt_units = list(project_units(project, drafts))
    mt_units += [u for u in filled if u.origin is BeadOrigin.MT]
    src, tgt = export_langs(project, None, tgt_lang)
    written: list[Path | None] = []
    warnings: list[str] = []
    for path, units in ((tmx, human_units), (mt_tmx, mt_units)):
        if units:
            units.sort(key=lambda u: u.id)
            warnings.extend(write_tmx_units(path, units, src, tgt).warnings)
            written.append(path)
        else:
            path.unlink(missing_ok=True)
            written.append(None)
    left_out = replace(
        human.left_out, unreviewed_mt=0, empty_side=human.left_out.empty_side - len(filled)
    )
    return MemoryReport(
        written[0],
        len(human_units),
        written[1],
        len(mt_units),
        sum(u.origin is BeadOrigin.MT for u in filled),
        left_out,
        tuple(warnings),
    )


def drafted_gaps(project: Project) -> Iterator[Unit]:
    """Source sentences the reference leaves untranslated (1:0 beads), with their drafts.

    Each becomes a unit of origin mt (tm when the memory drafted every sentence of it). An MT
    unit is pending whatever the bead's status: accepting a 1:0 bead says the sentence has no
    translation, not that its draft is right.
    """
    for index, bead in enumerate(project.beads):
        if bead.target or not bead.source or bead.status is BeadStatus.REJECTED:
            continue
        drafts = [project.drafts[i] if i < len(project.drafts) else None for i in bead.source]
        if any(d is None or not d.text.strip() for d in drafts):
            continue
        found = [d for d in drafts if d is not None]
        (unit,) = project_units(project, [index])
        if not unit.source.strip():
            continue  # a blank source segment: a unit would have an empty side
        tm = all(d.engine == _TM_ENGINE for d in found)
        yield replace(
            unit,
            target=join_texts([d.text for d in found], project.target.lang),
            origin=BeadOrigin.TM if tm else BeadOrigin.MT,
            status=unit.status if tm else BeadStatus.PENDING,
            model="" if tm else f"{found[0].model}@{found[0].fingerprint}",
        )
