"""Word files (.docx): paragraphs in order, headings by style, list numbers as Word shows them,
tables cell by cell, footnotes and endnotes after the text, tracked changes as accepted.

python-docx opens the package; the text is read from the XML directly because its
``paragraph.text`` skips inserted runs (``w:ins``) and knows nothing of list numbering. A list
number (``一、`` ``（二）`` ``1.``) becomes the paragraph's ``markup``: in the text, out of the
segment, as CAT tools treat automatic numbering.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from align.documents import Block, Document, ParagraphKind, layout
from align.errors import InputError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = frozenset({f"{W}del", f"{W}moveFrom", f"{W}txbxContent", _MC_FALLBACK, f"{W}pPr"})
_HEADING_NAMES = ("heading", "title", "subtitle", "标题", "標題")
_CN_DIGITS = "零一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def read_docx(data: bytes, name: str) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        styles = _styles(document.styles.element)
        numbering = _numbering(document)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError):
        raise InputError(
            f"{name}: damaged Word file (cannot read its parts); open and re-save it in Word or "
            "LibreOffice"
        ) from None
    reader = _Reader(styles, numbering)
    blocks = list(reader.body(document.element.body))
    for reltype, label in (("/footnotes", "footnote"), ("/endnotes", "endnote")):
        blocks += reader.notes(_part_xml(document, reltype), label)
    text, paragraphs = layout(blocks)
    if not paragraphs:
        raise InputError(f"{name}: this Word file has no text; check that it is the right file")
    props = document.core_properties
    return Document(
        text, paragraphs, "docx", name, title=props.title or None, lang=props.language or None
    )


def _part_xml(document: object, reltype: str) -> etree._Element | None:
    part = document.part  # type: ignore[attr-defined]
    for rel in part.rels.values():
        if rel.reltype.endswith(reltype) and not rel.is_external:
            return etree.fromstring(rel.target_part.blob)
    return None


# -- styles and numbering ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    num: tuple[str, int] | None  # numId, level
    outline: int | None


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int
    suffix: str


@dataclass
class _Numbering:
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId -> ilvl -> level
    counters: dict[str, list[int]] = field(default_factory=dict)

    def label(self, num_id: str, level: int) -> str:
        """Advance list ``num_id`` at ``level`` and return its number as Word shows it."""
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        lvl = levels[level]
        counts[level] = counts[level] + 1 if counts[level] else lvl.start
        for deeper in range(level + 1, 9):
            counts[deeper] = 0
        if lvl.fmt in ("bullet", "none"):
            return ""
        text = lvl.text
        for n in range(level + 1):
            shown = levels.get(n)
            value = counts[n] or (shown.start if shown else 1)
            text = text.replace(f"%{n + 1}", _format(value, shown.fmt if shown else "decimal"))
        if not text or lvl.suffix == "nothing":
            return text
        return text if _wide(text[-1]) else text + " "


def _wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in "WF"


def _attr(element: etree._Element | None, tag: str) -> str | None:
    child = element.find(f"{W}{tag}") if element is not None else None
    return child.get(f"{W}val") if child is not None else None


def _styles(root: etree._Element) -> dict[str, _Style]:
    styles = {}
    for style in root.iter(f"{W}style"):
        ppr = style.find(f"{W}pPr")
        outline = _attr(ppr, "outlineLvl")
        styles[style.get(f"{W}styleId", "")] = _Style(
            (_attr(style, "name") or "").lower(),
            _attr(style, "basedOn"),
            _num_pr(ppr),
            int(outline) if outline and outline.isdigit() else None,
        )
    return styles


def _num_pr(ppr: etree._Element | None) -> tuple[str, int] | None:
    numpr = ppr.find(f"{W}numPr") if ppr is not None else None
    if numpr is None:
        return None
    num_id = _attr(numpr, "numId")
    level = _attr(numpr, "ilvl")
    return (num_id, int(level) if level and level.isdigit() else 0) if num_id else None


def _numbering(document: object) -> _Numbering:
    try:
        root = document.part.numbering_part.element  # type: ignore[attr-defined]
    except (KeyError, NotImplementedError):
        return _Numbering()
    abstract: dict[str, dict[int, _Level]] = {}
    for node in root.iter(f"{W}abstractNum"):
        abstract[node.get(f"{W}abstractNumId", "")] = {
            int(lvl.get(f"{W}ilvl", "0")): _level(lvl) for lvl in node.iter(f"{W}lvl")
        }
    numbering = _Numbering()
    for num in root.iter(f"{W}num"):
        levels = dict(abstract.get(_attr(num, "abstractNumId") or "", {}))
        for override in num.iter(f"{W}lvlOverride"):
            start = _attr(override, "startOverride")
            level = int(override.get(f"{W}ilvl", "0"))
            if start and start.isdigit() and level in levels:
                old = levels[level]
                levels[level] = _Level(old.fmt, old.text, int(start), old.suffix)
        numbering.levels[num.get(f"{W}numId", "")] = levels
    return numbering


def _level(lvl: etree._Element) -> _Level:
    start = _attr(lvl, "start")
    return _Level(
        _attr(lvl, "numFmt") or "decimal",
        _attr(lvl, "lvlText") or "",
        int(start) if start and start.isdigit() else 1,
        _attr(lvl, "suff") or "tab",
    )


def _format(value: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting"):
        return _chinese(value)
    if fmt in ("ideographTraditional",) and 1 <= value <= 10:
        return _TIANGAN[value - 1]
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt == "decimalEnclosedCircle" and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(value))
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _chinese(value: int) -> str:
    """一 … 十, 十一, 二十一, 一百零五: how Word's chineseCounting shows 1 to 999."""
    if value <= 0 or value >= 1000:
        return str(value)
    hundreds, rest = divmod(value, 100)
    tens, ones = divmod(rest, 10)
    out = f"{_CN_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN_DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (_CN_DIGITS[ones] if ones else "")


def _roman(value: int) -> str:
    numerals = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = ""
    for number, letters in numerals:
        while value >= number:
            out, value = out + letters, value - number
    return out


# -- the text ---------------------------------------------------------------------------------


class _Reader:
    def __init__(self, styles: dict[str, _Style], numbering: _Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.tables = 0
        self.paragraphs = 0

    def body(self, root: etree._Element) -> Iterator[Block]:
        for child in root:
            if child.tag == f"{W}p":
                self.paragraphs += 1
                yield self.paragraph(child, f"paragraph {self.paragraphs}")
            elif child.tag == f"{W}tbl":
                yield from self.table(child)
            elif child.tag == f"{W}sdt":  # a content control: its content is body text
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    yield from self.body(content)

    def table(self, table: etree._Element) -> Iterator[Block]:
        self.tables += 1
        number = self.tables
        for r, row in enumerate(table.iter(f"{W}tr"), start=1):
            if row.getparent() is not table:
                continue  # a nested table's row: read with its own table
            for c, cell in enumerate(row.findall(f"{W}tc"), start=1):
                where = f"table {number} row {r} cell {c}"
                for child in cell:
                    if child.tag == f"{W}p":
                        block = self.paragraph(child, where)
                        if block.kind is ParagraphKind.BODY:
                            block = Block(block.text, ParagraphKind.TABLE_CELL, where, block.markup)
                        yield block
                    elif child.tag == f"{W}tbl":
                        yield from self.table(child)

    def notes(self, root: etree._Element | None, label: str) -> Iterator[Block]:
        if root is None:
            return
        for note in root:
            if note.get(f"{W}type") not in (None, "normal"):
                continue  # separators and continuation notices
            where = f"{label} {note.get(f'{W}id')}"
            for p in note.iter(f"{W}p"):
                block = self.paragraph(p, where)
                yield Block(block.text, ParagraphKind.FOOTNOTE, where, block.markup)

    def paragraph(self, p: etree._Element, where: str) -> Block:
        ppr = p.find(f"{W}pPr")
        style = self._style_chain(_attr(ppr, "pStyle"))
        heading = any(s.name.startswith(_HEADING_NAMES) for s in style) or _outline(ppr, style)
        num = _num_pr(ppr) or next((s.num for s in style if s.num), None)
        markup = self.numbering.label(*num) if num and num[0] != "0" else ""
        kind = ParagraphKind.HEADING if heading else ParagraphKind.BODY
        if markup and not heading:
            kind = ParagraphKind.LIST_ITEM
        return Block("".join(_runs(p)), kind, where, markup)

    def _style_chain(self, style_id: str | None) -> list[_Style]:
        chain: list[_Style] = []
        while style_id and style_id in self.styles and len(chain) < 20:
            style = self.styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain


def _outline(ppr: etree._Element | None, styles: list[_Style]) -> bool:
    level = _attr(ppr, "outlineLvl")
    if level is not None:
        return level.isdigit() and int(level) < 9
    return any(s.outline is not None and s.outline < 9 for s in styles)


def _runs(element: etree._Element) -> Iterator[str]:
    """The visible text in document order, tracked changes accepted."""
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == f"{W}t":
            yield child.text or ""
        elif tag == f"{W}tab":
            yield " "
        elif tag in (f"{W}br", f"{W}cr"):
            yield "\n"
        elif tag == f"{W}noBreakHyphen":
            yield "-"
        elif tag == f"{W}p":
            yield "\n"
            yield from _runs(child)
        else:
            yield from _runs(child)
