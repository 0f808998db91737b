"""TBX-Basic glossaries (TBX 2 ``martif``/``termEntry`` and TBX 3 ``tbx``/``conceptEntry``).

Per entry: every non-deprecated Chinese term is a source form; English terms whose
``administrativeStatus`` is deprecated or superseded become forbidden variants, the others
accepted forms (preferred first).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from align.errors import InputError
from align.qa.glossary import Glossary, Term
from align.textio import atomic_writer

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_BANNED = ("deprecated", "superseded", "notRecommended")


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(node: etree._Element, *names: str) -> list[etree._Element]:
    return [c for c in node if _local(c.tag) in names]


def parse_tbx(data: bytes, name: str = "glossary") -> Glossary:
    try:
        root = etree.fromstring(
            data, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: not valid TBX/XML ({exc}); check the file") from exc
    terms: list[Term] = []
    for entry in root.iter("{*}termEntry", "{*}conceptEntry", "termEntry", "conceptEntry"):
        zh: list[str] = []
        en: list[tuple[int, str]] = []
        forbidden: list[str] = []
        notes = [n.text or "" for n in entry.iter() if _local(n.tag) in {"note", "descrip"}]
        for lang_set in _children(entry, "langSet", "langSec"):
            lang = (lang_set.get(XML_LANG) or lang_set.get("lang") or "").lower()
            for tig in _children(lang_set, "tig", "ntig", "termSec"):
                term_node = next(tig.iter("{*}term", "term"), None)
                text = (term_node.text or "").strip() if term_node is not None else ""
                status = " ".join(
                    n.text or "" for n in tig.iter() if n.get("type") == "administrativeStatus"
                )
                if not text:
                    continue
                banned = any(b in status for b in _BANNED)
                if lang.startswith("zh") and not banned:
                    zh.append(text)
                elif lang.startswith("en"):
                    if banned:
                        forbidden.append(text)
                    else:
                        en.append((0 if "preferred" in status else 1, text))
        english = tuple(t for _, t in sorted(en, key=lambda p: p[0]))
        note = " ".join(n.strip() for n in notes if n.strip())
        terms.extend(Term(z, english, tuple(forbidden), note) for z in zh if english)
    if not terms:
        raise InputError(f"{name}: no entries with both a zh and an en term; check the TBX file")
    return Glossary(tuple(terms))


def read_tbx(path: Path) -> Glossary:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}); check the path") from exc
    return parse_tbx(data, str(path))


def tbx_tree(glossary: Glossary) -> etree._ElementTree:
    """TBX-Basic (TBX 2 dialect): one termEntry per term, statuses for preferred/deprecated."""
    root = etree.Element("martif", type="TBX-Basic", **{XML_LANG: "en"})
    header = etree.SubElement(root, "martifHeader")
    source = etree.SubElement(etree.SubElement(header, "fileDesc"), "sourceDesc")
    etree.SubElement(source, "p").text = "Written by bitext"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for i, term in enumerate(glossary.terms, 1):
        entry = etree.SubElement(body, "termEntry", id=f"t{i}")
        if term.note:
            etree.SubElement(entry, "note").text = term.note
        _add_terms(entry, "zh", [(term.zh, "preferredTerm-admn-sts")])
        statuses = ["preferredTerm-admn-sts"] + ["admittedTerm-admn-sts"] * (len(term.en) - 1)
        english = list(zip(term.en, statuses, strict=True))
        english += [(f, "deprecatedTerm-admn-sts") for f in term.forbidden]
        _add_terms(entry, "en", english)
    return etree.ElementTree(root)


def _add_terms(entry: etree._Element, lang: str, terms: list[tuple[str, str]]) -> None:
    lang_set = etree.SubElement(entry, "langSet", **{XML_LANG: lang})
    for text, status in terms:
        tig = etree.SubElement(lang_set, "tig")
        etree.SubElement(tig, "term").text = text
        etree.SubElement(tig, "termNote", type="administrativeStatus").text = status


def write_tbx(path: Path, glossary: Glossary) -> None:
    with atomic_writer(Path(path), "wb") as fh:
        tbx_tree(glossary).write(fh, encoding="UTF-8", xml_declaration=True, pretty_print=True)
