"""Web pages: the main text by trafilatura, with its headings, paragraphs, lists and tables.

Navigation, scripts, styles, footers and cookie banners are dropped by trafilatura's content
extraction (never by regexes); entities are decoded by the HTML parser. The encoding comes from
a byte-order mark, then ``<meta charset>`` (GB2312/GBK pages are common on official sites:
both are read as GB18030, their superset), then UTF-8, then GB18030.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from align.documents import Block, Document, ParagraphKind, layout
from align.documents.wrap import join_lines, mostly_chinese
from align.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FAST_ABOVE = 1_000_000  # bytes: bigger pages skip trafilatura's second-opinion extractors
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """The page as text and the encoding used; a wrong declaration falls back, never garbles."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff"), encoding
    declared = _META_CHARSET.search(data[:4096])
    candidates = []
    if declared:
        label = declared.group(1).decode("ascii").lower()
        try:
            candidates.append(codecs.lookup(_SUPERSETS.get(label, label)).name)
        except LookupError:
            pass
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: cannot tell the page's encoding; save it as UTF-8 and try again")


def read_html(data: bytes, name: str) -> Document:
    import trafilatura

    text, encoding = decode_html(data, name)
    if not text.strip():
        raise InputError(f"{name}: the file is empty; give a web page with text in it")
    try:
        tree = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name}: not a readable web page ({exc}); save it again") from exc
    title = " ".join((tree.findtext(".//title") or "").split()) or None
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or None
    result = trafilatura.bare_extraction(
        tree,
        fast=len(data) > _FAST_ABOVE,
        favor_recall=True,
        include_comments=False,
        include_tables=True,
        include_formatting=False,
        deduplicate=False,
    )
    root = getattr(result, "body", None)
    chinese = mostly_chinese(text)
    blocks = list(_blocks(root, chinese)) if root is not None else []
    body, paragraphs = layout(blocks)
    if not paragraphs:
        raise InputError(
            f"{name}: no text found in this web page (only navigation or scripts?); save the "
            "article's text and give that"
        )
    return Document(body, paragraphs, "html", name, title=title, lang=lang, encoding=encoding)


def _blocks(root: etree._Element, chinese: bool) -> Iterator[Block]:
    """trafilatura's tree (``head``, ``p``, ``list/item``, ``table/row/cell``) as blocks."""
    counts = {"p": 0, "table": 0}
    for element in root:
        tag = element.tag
        if tag == "head":
            yield Block(
                _text(element, chinese), ParagraphKind.HEADING, element.get("rend") or "heading"
            )
        elif tag == "list":
            for n, item in enumerate(element.iter("item"), start=1):
                yield Block(_text(item, chinese), ParagraphKind.LIST_ITEM, f"list item {n}")
        elif tag == "table":
            counts["table"] += 1
            yield from _cells(element, counts["table"], chinese)
        elif tag in ("p", "quote", "code"):
            counts["p"] += 1
            yield Block(_text(element, chinese), ParagraphKind.BODY, f"paragraph {counts['p']}")


def _cells(table: etree._Element, number: int, chinese: bool) -> Iterator[Block]:
    for r, row in enumerate(table.iter("row"), start=1):
        for c, cell in enumerate(row.iter("cell"), start=1):
            where = f"table {number} row {r} cell {c}"
            yield Block(_text(cell, chinese), ParagraphKind.TABLE_CELL, where)


def _text(element: etree._Element, chinese: bool) -> str:
    """The element's text, a ``<lb/>`` joined like a wrapped line."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag not in ("list", "table"):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    text = "".join(parts)
    if "\n" not in text:
        return text.strip() if chinese else " ".join(text.split())
    return join_lines([line.strip() for line in text.split("\n") if line.strip()], chinese)
