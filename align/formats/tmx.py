"""TMX 1.4b: the translation memory that leaves the toolkit for OmegaT, Trados, memoQ and others.

What the writer guarantees, because real readers depend on it:

- ``header@srclang`` is exactly the source ``tuv``'s ``xml:lang`` (some readers take the source
  side from it); tags use hyphens (``zh-CN``; ``zh_CN`` would match nothing, silently).
- One element per line — at least one common reader finds no units in a single-line TMX — but
  never a byte of added whitespace inside ``<seg>``: matching is on exact text.
- ``<prop type="x-…">`` metadata and ``<note>`` come before the ``<tuv>``s, as the DTD requires.
  Every unit says where its target came from and whether a human reviewed it, as plain values a
  CAT tool's custom field or a script can filter on: ``x-origin`` is ``human`` (a reference),
  ``edited``, ``tm`` or ``mt`` (the model, ``id@revision``, in ``x-mt-model``), and ``x-status``
  is ``pending``, ``accepted`` or ``edited``. Which units a TMX gets at all (no raw MT, no
  empty side, unless asked) is ``align.formats.filters``' business.
  ``x-paragraph`` is the source paragraph (0-based, as in the project) the unit opens in.
- Characters XML 1.0 forbids (most C0 controls, U+FFFE/U+FFFF) are removed with a warning;
  everything else, including tab, CR, LF and astral characters, round-trips exactly.
- A side longer than 2,000 characters (UTF-16 code units, as Trados counts) is kept whole,
  flagged with ``<prop type="x-too-long">`` and reported: truncating or splitting it would put
  a wrong translation into the memory, and memoQ and OmegaT take long units; filter them out
  (or split the source) if the memory is bound for Trados.
- No DOCTYPE: the DTD is a LISA file most tools do not ship, a validating reader that cannot find
  ``tmx14.dtd`` fails, and the 1.4b spec does not require one. The tests validate every file
  against the copy in ``align/formats/data/tmx14.dtd``.

The writer streams through ``etree.xmlfile`` (one ``<tu>`` in memory at a time); the reader
uses ``iterparse`` and clears each ``<tu>`` after use, so both stay flat on huge memories.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from align import __version__
from align.errors import InputError
from align.formats.units import (
    TRADOS_MAX_CHARS,
    ExportReport,
    Unit,
    export_langs,
    lang_matches,
    normalise_lang,
    parse_origin,
    parse_score,
    parse_status,
    project_from_units,
    project_units,
    same_language,
    utf16_length,
    xml_safe,
)
from align.model import BeadOrigin, BeadStatus, Project
from align.textio import atomic_writer

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DTD_PATH = Path(__file__).with_name("data") / "tmx14.dtd"
# Inline codes carry the original document's markup, not translatable text.
_CODE_TAGS = frozenset({"bpt", "ept", "it", "ph", "ut", "sub"})
_I1, _I2, _I3, _I4 = "\n    ", "\n      ", "\n        ", "\n  "


def tmx_date(moment: datetime | None = None) -> str:
    """TMX dates are UTC in ISO 8601 basic format: ``YYYYMMDDThhmmssZ``."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _tmx_date_from_iso(value: str) -> str:
    """An ISO 8601 review timestamp as a TMX date; "" when it cannot be read (never guessed)."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return tmx_date(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def write_tmx(
    path: Path,
    project: Project,
    selection: Iterable[int] | None = None,
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    created: datetime | None = None,
) -> ExportReport:
    """Write one ``<tu>`` per selected bead (all by default); languages default to the project's."""
    src, tgt = export_langs(project, src_lang, tgt_lang)
    units = project_units(project, None if selection is None else list(selection))
    return write_tmx_units(path, units, src, tgt, created)


def write_tmx_units(
    path: Path, units: Iterable[Unit], src_lang: str, tgt_lang: str, created: datetime | None = None
) -> ExportReport:
    """Stream ``units`` into a TMX at ``path`` (atomically); the core of :func:`write_tmx`."""
    src_lang, tgt_lang = normalise_lang(src_lang), normalise_lang(tgt_lang)
    if same_language(src_lang, tgt_lang):
        raise InputError(
            f"source and target language are both {src_lang}/{tgt_lang}; "
            "give different tags with --src-lang/--tgt-lang"
        )
    warnings: list[str] = []
    count = 0
    with atomic_writer(path, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')  # double quotes: picky readers
        with etree.xmlfile(fh, encoding="UTF-8") as xf, xf.element("tmx", version="1.4"):
            xf.write(_I4, _header(src_lang, created), _I4)
            template = _tu_template(src_lang, tgt_lang)
            with xf.element("body"):
                for unit in units:
                    xf.write(_I1, _tu(template, unit, warnings))
                    count += 1
                xf.write(_I4)
            xf.write("\n")
        fh.write(b"\n")
    return ExportReport(count, tuple(warnings))


def _header(src_lang: str, created: datetime | None) -> etree._Element:
    return etree.Element(
        "header",
        {
            "creationtool": "bitext",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "bitext",
            "adminlang": "en",
            "srclang": src_lang,
            "datatype": "plaintext",
            "creationdate": tmx_date(created),
        },
    )


_FIXED_PROPS = ("x-origin", "x-score", "x-status", "x-source-ids", "x-target-ids")


def _tu_template(src_lang: str, tgt_lang: str) -> etree._Element:
    """An indented ``<tu>`` skeleton; copying it (in C) is twice as fast as building each one."""
    tu = etree.Element("tu")
    tu.text = _I2
    for kind in _FIXED_PROPS:
        etree.SubElement(tu, "prop", type=kind).tail = _I2
    for lang in (src_lang, tgt_lang):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
        tuv.text, tuv.tail = _I3, _I2
        etree.SubElement(tuv, "seg").tail = _I2
    tuv.tail = _I1
    return tu


def _tu(template: etree._Element, unit: Unit, warnings: list[str]) -> etree._Element:
    tu = template.__copy__()  # lxml copies the whole subtree, in C
    tu.set("tuid", str(unit.id))
    if unit.changed_at:  # CAT tools show who last touched a unit, and when
        changed = _tmx_date_from_iso(unit.changed_at)
        if changed:
            tu.set("changedate", changed)
    if unit.changed_by:
        tu.set("changeid", _clean(unit.changed_by, unit.id, "changeid", warnings))
    origin, score, status, src_ids, tgt_ids, src_tuv, tgt_tuv = tu
    origin.text = unit.origin.value
    score.text = f"{unit.score:.4f}"
    status.text = unit.status.value
    src_ids.text = ",".join(map(str, unit.source_ids))
    tgt_ids.text = ",".join(map(str, unit.target_ids))
    src_tuv[0].text = _clean(unit.source, unit.id, "source", warnings)
    tgt_tuv[0].text = _clean(unit.target, unit.id, "target", warnings)
    extras: list[tuple[str, dict[str, str], str]] = []
    if unit.origin is BeadOrigin.MT and unit.model:
        extras.append(("prop", {"type": "x-mt-model"}, unit.model))
    if unit.flags:
        extras.append(("prop", {"type": "x-qa"}, ";".join(unit.flags)))
    if unit.document:
        extras.append(("prop", {"type": "x-document"}, unit.document))
    if unit.paragraph is not None:  # the source paragraph: review in context, rebuild layout
        extras.append(("prop", {"type": "x-paragraph"}, str(unit.paragraph)))
    too_long = [
        side
        for side, text in (("source", unit.source), ("target", unit.target))
        if utf16_length(text) > TRADOS_MAX_CHARS
    ]
    if too_long:
        extras.append(("prop", {"type": "x-too-long"}, ",".join(too_long)))
        warnings.append(
            f"tu {unit.id}: {' and '.join(too_long)} over {TRADOS_MAX_CHARS} characters; "
            "kept whole and flagged x-too-long (Trados rejects such units)"
        )
    if unit.note:
        extras.append(("note", {}, unit.note))
    for tag, attrib, text in extras:
        extra = etree.Element(tag, attrib)
        extra.text = _clean(text, unit.id, attrib.get("type", tag), warnings)
        extra.tail = _I2
        src_tuv.addprevious(extra)
    return tu


def _clean(text: str, tuid: int, where: str, warnings: list[str]) -> str:
    safe, removed = xml_safe(text)
    if removed:
        warnings.append(f"tu {tuid}: removed {removed} from the {where} (XML 1.0 forbids them)")
    return safe


def read_tmx(
    path: Path,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    warnings: list[str] | None = None,
) -> Project:
    """Read a TMX into a project with one 1:1 bead per ``<tu>`` that has both languages.

    The source language is ``src_lang`` or the header's ``srclang``; the target is ``tgt_lang``
    or the first other language found, so a multilingual memory needs ``tgt_lang``. A bare tag
    (``zh``) matches any region (``zh-CN``, ``zh-TW``). Units lacking either language are
    skipped and reported in ``warnings``.
    """
    path = Path(path)
    units, src, tgt = _read_units(path, src_lang, tgt_lang, warnings)
    return project_from_units(units, src, tgt, str(path))


def read_tm_pairs(path: Path, src_lang: str, tgt_lang: str) -> list[tuple[str, str]]:
    """(source, target) texts of every usable unit, for exact-match lookup while drafting."""
    units, _, _ = _read_units(Path(path), src_lang, tgt_lang, None)
    usable = [u for u in units if u.status is not BeadStatus.REJECTED and u.target]
    pairs = [(u.source, u.target) for u in usable]
    if not pairs:  # asked for a memory that cannot help: say so rather than draft all by MT
        raise InputError(
            f"{path}: no {src_lang} → {tgt_lang} translation units in this TMX; check its "
            "languages (--tgt-lang) or leave this memory out"
        )
    return pairs


def _read_units(
    path: Path, src_lang: str | None, tgt_lang: str | None, warnings: list[str] | None
) -> tuple[list[Unit], str, str]:
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give a TMX file")
    if not path.is_file():
        raise InputError(f"{path}: no such TMX file; check the path")
    units: list[Unit] = []
    skipped: list[str] = []
    src, tgt = src_lang, tgt_lang
    try:
        for _, elem in etree.iterparse(
            str(path),
            events=("end",),
            tag=("header", "tu"),
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
        ):
            if elem.tag == "header":
                src = src or _header_srclang(elem, path)
                continue
            tuvs = _tuvs(elem)
            src = src or (tuvs[0][0] if tuvs else None)
            found_tgt = next((lang for lang, _ in tuvs if not lang_matches(src or "", lang)), None)
            tgt = tgt or found_tgt
            unit = _unit(elem, tuvs, src or "", tgt or "", len(units) + len(skipped) + 1)
            if unit is None:
                skipped.append(elem.get("tuid") or str(len(units) + len(skipped) + 1))
            else:
                units.append(unit)
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not well-formed XML ({exc}); is it really a TMX file?") from exc
    if src is None or tgt is None:
        raise InputError(f"{path}: no translation units with two languages; is it a TMX file?")
    if skipped and warnings is not None:
        warnings.append(
            f"{path}: skipped {len(skipped)} units without both {src} and {tgt} "
            f"(tuid {', '.join(skipped[:10])}{', …' if len(skipped) > 10 else ''})"
        )
    return units, src, tgt


def _header_srclang(header: etree._Element, path: Path) -> str | None:
    lang = header.get("srclang")
    if lang is None or lang.lower() == "*all*":
        return None
    try:
        return normalise_lang(lang)
    except InputError as exc:
        raise InputError(f"{path}: header srclang {lang!r} is not a language tag") from exc


def _tuvs(tu: etree._Element) -> list[tuple[str, str]]:
    """(language, text) of each ``<tuv>``; TMX 1.1 writers use ``lang`` instead of ``xml:lang``."""
    found = []
    for tuv in tu.iterchildren("tuv"):
        lang = tuv.get(XML_LANG) or tuv.get("lang")
        seg = tuv.find("seg")
        if lang and seg is not None:
            found.append((lang, _seg_text(seg)))
    return found


def _seg_text(seg: etree._Element) -> str:
    """Plain ``<seg>`` text: ``<hi>`` content kept, inline codes (``<bpt>``, ``<ph>``…) left out."""
    parts = [seg.text or ""]
    for child in seg:
        if isinstance(child.tag, str) and child.tag not in _CODE_TAGS:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _unit(
    tu: etree._Element, tuvs: list[tuple[str, str]], src: str, tgt: str, n: int
) -> Unit | None:
    source = next((text for lang, text in tuvs if lang_matches(src, lang)), None)
    target = next((text for lang, text in tuvs if lang_matches(tgt, lang)), None)
    if source is None or target is None:
        return None
    props = {p.get("type"): p.text or "" for p in tu.iterchildren("prop")}
    notes = [note.text or "" for note in tu.iterchildren("note")]
    origin, model = parse_origin(props.get("x-origin", "human"))  # older files: mt:MODEL
    if origin is BeadOrigin.MT and not model:
        model = props.get("x-mt-model", "")
    flags = props.get("x-qa", "")
    try:
        ident = int(tu.get("tuid") or n)
    except ValueError:
        ident = n
    return Unit(
        id=ident,
        source=source,
        target=target,
        score=parse_score(props.get("x-score")),
        status=parse_status(props.get("x-status")),
        origin=origin,
        model=model,
        flags=tuple(f for f in flags.split(";") if f),
        note="\n".join(notes),
        document=props.get("x-document", ""),
        changed_by=tu.get("changeid", ""),
        changed_at=_iso_from_tmx_date(tu.get("changedate", "")),
        paragraph=_paragraph(props.get("x-paragraph")),
    )


def _paragraph(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _iso_from_tmx_date(value: str) -> str:
    try:
        moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return ""
    return moment.isoformat(timespec="seconds")
