"""XLIFF 1.2: drafts handed to a CAT tool for post-editing, and read back afterwards.

Review status travels as XLIFF's own ``state``/``approved`` attributes, so the post-editor's
tool shows machine drafts as needing review and signed-off pairs as done:

=========  ==========================  ==========
status     ``<target state>``           approved
=========  ==========================  ==========
pending    needs-review-translation    no
accepted   signed-off                  yes
edited     translated                  yes
rejected   needs-translation           no
=========  ==========================  ==========

A unit with an empty target is ``needs-translation``/not approved whatever its status (the
exact status still rides in the context group).

``state-qualifier`` says where a draft came from (``mt-suggestion``, ``exact-match`` for TM).
bitext's own metadata (exact status, origin, score, QA flags) rides in a ``<context-group>``,
which CAT tools keep and ignore. Every unit has ``xml:space="preserve"``: XLIFF's default lets
tools collapse whitespace, and matching is on exact text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from align import __version__
from align.errors import InputError
from align.formats.units import (
    ExportReport,
    Unit,
    export_langs,
    parse_origin,
    parse_score,
    parse_status,
    project_from_units,
    project_units,
    xml_safe,
)
from align.model import BeadOrigin, BeadStatus, Project
from align.textio import atomic_writer

NS = "urn:oasis:names:tc:xliff:document:1.2"
_N = f"{{{NS}}}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
STATES = {
    BeadStatus.PENDING: "needs-review-translation",
    BeadStatus.ACCEPTED: "signed-off",
    BeadStatus.EDITED: "translated",
    BeadStatus.REJECTED: "needs-translation",
}
_FROM_STATE = {
    "signed-off": BeadStatus.ACCEPTED,
    "final": BeadStatus.ACCEPTED,
    "translated": BeadStatus.EDITED,
}
_QUALIFIERS = {BeadOrigin.MT: "mt-suggestion", BeadOrigin.TM: "exact-match"}
_INLINE_CODES = frozenset({"x", "bx", "ex", "ph", "bpt", "ept", "it"})
_I = ("\n", "\n  ", "\n    ", "\n      ", "\n        ", "\n          ")


def write_xliff(
    path: Path,
    project: Project,
    selection: Iterable[int] | None = None,
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> ExportReport:
    src, tgt = export_langs(project, src_lang, tgt_lang)
    original = Path(project.source.path).name if project.source.path else "bitext"
    warnings: list[str] = []
    count = 0
    with atomic_writer(path, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        with (
            etree.xmlfile(fh, encoding="UTF-8") as xf,
            xf.element(f"{_N}xliff", {"version": "1.2"}, nsmap={None: NS}),
        ):
            file_attrs = {
                "original": original,
                "source-language": src,
                "target-language": tgt,
                "datatype": "plaintext",
                "tool-id": "bitext",
            }
            xf.write(_I[1])
            with xf.element(f"{_N}file", file_attrs):
                xf.write(_I[2], _header(), _I[2])
                with xf.element(f"{_N}body"):
                    for unit in project_units(
                        project, None if selection is None else list(selection)
                    ):
                        xf.write(_I[3], _trans_unit(unit, warnings))
                        count += 1
                    xf.write(_I[2])
                xf.write(_I[1])
            xf.write(_I[0])
        fh.write(b"\n")
    return ExportReport(count, tuple(warnings))


# The pieces below are built without a namespace on purpose: written inside <xliff xmlns=NS>
# they are in the XLIFF namespace when parsed, and lxml does not re-declare xmlns on each unit.


def _header() -> etree._Element:
    header = etree.Element("header")
    header.text, tool_tail = _I[3], _I[2]
    etree.SubElement(
        header,
        "tool",
        {"tool-id": "bitext", "tool-name": "bitext", "tool-version": __version__},
    ).tail = tool_tail
    return header


def _trans_unit(unit: Unit, warnings: list[str]) -> etree._Element:
    # an empty target (a sentence the reference leaves untranslated) is never "done", whatever
    # its bead's status: a CAT tool would take signed-off as an approved empty translation
    empty = not unit.target.strip()
    reviewed = unit.status in (BeadStatus.ACCEPTED, BeadStatus.EDITED) and not empty
    tu = etree.Element(
        "trans-unit",
        {"id": str(unit.id), "approved": "yes" if reviewed else "no", XML_SPACE: "preserve"},
    )
    children: list[etree._Element] = []
    source = etree.Element("source")
    source.text = _clean(unit.source, unit.id, "source", warnings)
    state = "needs-translation" if empty else STATES[unit.status]
    target = etree.Element("target", state=state)
    if unit.origin in _QUALIFIERS:
        target.set("state-qualifier", _QUALIFIERS[unit.origin])
    target.text = _clean(unit.target, unit.id, "target", warnings)
    children += [source, target]
    if unit.note:
        note = etree.Element("note", {"from": "reviewer"})
        note.text = _clean(unit.note, unit.id, "note", warnings)
        children.append(note)
    children.append(_context_group(unit, warnings))
    tu.text = _I[4]
    for child in children:
        child.tail = _I[4]
        tu.append(child)
    children[-1].tail = _I[3]
    return tu


def _context_group(unit: Unit, warnings: list[str]) -> etree._Element:
    group = etree.Element("context-group", name="bitext", purpose="information")
    values = [
        ("x-bitext-status", unit.status.value),
        ("x-bitext-origin", unit.origin_label),
        ("x-bitext-score", f"{unit.score:.4f}"),
    ]
    if unit.flags:
        values.append(("x-bitext-qa", ";".join(unit.flags)))
    group.text = _I[5]
    for kind, value in values:
        context = etree.SubElement(group, "context", {"context-type": kind})
        context.text = _clean(value, unit.id, kind, warnings)
        context.tail = _I[5]
    context.tail = _I[4]
    return group


def _clean(text: str, unit_id: int, where: str, warnings: list[str]) -> str:
    safe, removed = xml_safe(text)
    if removed:
        warnings.append(
            f"unit {unit_id}: removed {removed} from the {where} (XML 1.0 forbids them)"
        )
    return safe


_XLIFF2 = re.compile(rb"<(?:\w+:)?xliff\b[^>]*\bversion\s*=\s*[\"']2", re.S)


def read_xliff(path: Path, warnings: list[str] | None = None) -> Project:
    """Read trans-units back (first ``<file>``'s languages); bitext's context group, when a CAT
    tool kept it, restores the exact status, else ``state``/``approved`` decide it."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such XLIFF file; check the path")
    if _XLIFF2.search(path.read_bytes()[:4096]):
        raise InputError(f"{path}: XLIFF 2 is not supported; export XLIFF 1.2 from the CAT tool")
    units: list[Unit] = []
    langs: tuple[str, str] | None = None
    try:
        for _, elem in etree.iterparse(
            str(path),
            events=("end",),
            tag=("{*}file", "{*}trans-unit"),  # some tools omit the namespace
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
        ):
            if etree.QName(elem).localname == "trans-unit":
                units.append(_unit(elem, len(units) + 1))
                elem.clear(keep_tail=False)
            elif langs is None:
                langs = (elem.get("source-language", "zh-CN"), elem.get("target-language", "en"))
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not well-formed XML ({exc}); is it an XLIFF 1.2 file?") from exc
    if langs is None:
        raise InputError(f"{path}: no XLIFF 1.2 <file> element; is it an XLIFF 1.2 file?")
    return project_from_units(units, langs[0], langs[1], str(path))


def _unit(tu: etree._Element, n: int) -> Unit:
    source = tu.find("{*}source")
    target = tu.find("{*}target")
    meta = {
        c.get("context-type"): c.text or ""
        for c in tu.iterfind("{*}context-group[@name='bitext']/{*}context")
    }
    if "x-bitext-status" in meta:
        status = parse_status(meta["x-bitext-status"])
    else:
        state = target.get("state", "") if target is not None else ""
        status = _FROM_STATE.get(state, BeadStatus.PENDING)
        if tu.get("approved") == "yes" and status is BeadStatus.PENDING:
            status = BeadStatus.ACCEPTED
    origin, model = parse_origin(meta.get("x-bitext-origin", "human"))
    ident = tu.get("id", "")
    return Unit(
        id=int(ident) if ident.isdigit() else n,
        source=_text(source),
        target=_text(target),
        score=parse_score(meta.get("x-bitext-score")),
        status=status,
        origin=origin,
        model=model,
        flags=tuple(f for f in meta.get("x-bitext-qa", "").split(";") if f),
        note="\n".join(note.text or "" for note in tu.iterfind("{*}note")),
    )


def _text(elem: etree._Element | None) -> str:
    """Plain text: ``<g>``/``<mrk>`` content kept, codes (``<x/>``, ``<ph>``…) left out."""
    if elem is None:
        return ""
    parts = [elem.text or ""]
    for child in elem:
        if isinstance(child.tag, str) and etree.QName(child).localname not in _INLINE_CODES:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
