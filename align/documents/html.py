"""Web pages: the main text by trafilatura, with its headings, paragraphs, lists and tables.

Navigation, scripts, styles, footers and cookie banners are dropped by trafilatura's content
extraction (never by regexes); entities are decoded by the HTML parser. The encoding comes from
a byte-order mark, then UTF-8 if the bytes are valid UTF-8 (pages saved from a browser often
keep a stale ``<meta charset>``), then ``<meta charset>`` (GB2312/GBK pages are common on
official sites: both are read as GB18030, their superset), then GB18030.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from align.documents import Block, Document, ParagraphKind, layout
from align.documents.wrap import is_wide, join_lines, mostly_chinese
from align.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SOURCE_BREAK = re.compile(r"(\S)[^\S\n]*\n\s*(\S)")
_LB = "\u2028"  # stands for trafilatura's <lb/> until the lines are joined
_FAST_ABOVE = 1_000_000  # bytes: bigger pages skip trafilatura's second-opinion extractors
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """The page as text and the encoding used; a wrong declaration falls back, never garbles."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff"), encoding
    declared = _META_CHARSET.search(data[:4096])
    candidates = ["utf-8"]  # bytes that are valid UTF-8 are UTF-8, whatever the page claims
    if declared:
        label = declared.group(1).decode("ascii").lower()
        try:
            candidates.append(codecs.lookup(_SUPERSETS.get(label, label)).name)
        except LookupError:
            pass
    candidates.append("gb18030")
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
    _unwrap_source_lines(tree)
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
            where = element.get("rend") or "heading"
            heading = join_lines(_pieces(element, chinese), chinese)
            yield Block(heading, ParagraphKind.HEADING, where)
        elif tag == "list":
            for n, item in enumerate(element.iter("item"), start=1):
                text = join_lines(_pieces(item, chinese), chinese)
                yield Block(text, ParagraphKind.LIST_ITEM, f"list item {n}")
        elif tag == "table":
            counts["table"] += 1
            yield from _cells(element, counts["table"], chinese)
        elif tag in ("p", "quote", "code"):
            for piece in _pieces(element, chinese):
                counts["p"] += 1
                yield Block(piece, ParagraphKind.BODY, f"paragraph {counts['p']}")


def _cells(table: etree._Element, number: int, chinese: bool) -> Iterator[Block]:
    for r, row in enumerate(table.iter("row"), start=1):
        for c, cell in enumerate(row.iter("cell"), start=1):
            where = f"table {number} row {r} cell {c}"
            for piece in _pieces(cell, chinese):
                yield Block(piece, ParagraphKind.TABLE_CELL, where)


def _pieces(element: etree._Element, chinese: bool) -> list[str]:
    """The element's paragraphs: a line break left in trafilatura's text separates two (its
    fallback extractor puts a whole short page in one ``<p>``); a ``<lb/>`` is joined like a
    wrapped line."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append(_LB)
        elif child.tag not in ("list", "table"):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    pieces = []
    for paragraph in "".join(parts).split("\n"):
        lines = [line.strip() for line in paragraph.split(_LB) if line.strip()]
        text = join_lines(lines, chinese)
        if text:
            pieces.append(text if chinese else " ".join(text.split()))
    return pieces


def _unwrap_source_lines(tree: etree._Element) -> None:
    """Line breaks in the HTML source between Chinese characters are no spaces.

    A browser shows a source line break as a space, and trafilatura keeps it: ``会议于`` /
    ``2002年`` became ``会议于 2002年``. Breaks next to a wide character are dropped (as CSS
    Text 3 does between two of them), the others become one space; ``<pre>`` is left alone.
    """
    for element in tree.iter():
        if element.tag in ("pre", "textarea", "script", "style") or not isinstance(
            element.tag, str
        ):
            continue
        if element.text and "\n" in element.text:
            element.text = _unwrap(element.text)
        if element.tail and "\n" in element.tail:
            element.tail = _unwrap(element.tail)


def _unwrap(text: str) -> str:
    return _SOURCE_BREAK.sub(_join_break, text)


def _join_break(match: re.Match[str]) -> str:
    before, after = match.group(1), match.group(2)
    return before + ("" if is_wide(before) or is_wide(after) else " ") + after
