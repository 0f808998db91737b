"""TMX 1.4b: the translation memory that leaves the toolkit for OmegaT, Trados, memoQ and others."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from align import __version__
from align.model import Bead, Project
from align.textio import atomic_writer

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tmx_date(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def _header(src_lang: str) -> etree._Element:
    return etree.Element(
        "header",
        creationtool="bitext",
        creationtoolversion=__version__,
        segtype="sentence",
        adminlang="en",
        srclang=src_lang,
        datatype="plaintext",
        creationdate=tmx_date(),
        **{"o-tmf": "bitext-project/1"},
    )


def _tu(project: Project, bead: Bead, index: int, src_lang: str, tgt_lang: str) -> etree._Element:
    tu = etree.Element("tu", tuid=str(index + 1))
    props = {
        "x-origin": _origin(project, bead),
        "x-score": f"{bead.score:.4f}",
        "x-status": bead.status.value,
        "x-source-ids": ",".join(map(str, bead.source)),
        "x-target-ids": ",".join(map(str, bead.target)),
    }
    if bead.flags:
        props["x-qa"] = ";".join(bead.flags)
    if project.source.path:
        props["x-document"] = Path(project.source.path).name
    for key, value in props.items():
        etree.SubElement(tu, "prop", type=key).text = value
    if bead.note:
        etree.SubElement(tu, "note").text = bead.note
    for lang, text in (
        (src_lang, project.source_text(bead)),
        (tgt_lang, project.target_text(bead)),
    ):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
        etree.SubElement(tuv, "seg").text = text
    return tu


def _origin(project: Project, bead: Bead) -> str:
    if bead.origin.value == "mt" and project.model is not None:
        return f"mt:{project.model.id}@{project.model.fingerprint}"
    return bead.origin.value


def write_tmx(
    path: Path,
    project: Project,
    beads: Iterable[Bead] | None = None,
    src_lang: str = "zh-CN",
    tgt_lang: str = "en",
) -> int:
    """Write one ``<tu>`` per bead, streaming, and return how many were written."""
    count = 0
    with atomic_writer(path, "wb") as fh, etree.xmlfile(fh, encoding="UTF-8") as xf:
        xf.write_declaration()
        xf.write(etree.Comment(" bitext translation memory "), pretty_print=True)
        with xf.element("tmx", version="1.4"):
            xf.write("\n")
            xf.write(_header(src_lang), pretty_print=True)
            with xf.element("body"):
                xf.write("\n")
                for bead in project.beads if beads is None else beads:
                    xf.write(_tu(project, bead, count, src_lang, tgt_lang), pretty_print=True)
                    count += 1
            xf.write("\n")
    return count
