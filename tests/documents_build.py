"""The seed communiqué as the documents translators actually get, built at test time.

No binary fixture is checked in: each builder writes a real file with a well-kept library
(lxml-free HTML text, python-docx, reportlab) so the readers are tested on what those tools
produce, not on hand-edited bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "sco-foreign-ministers-2002-11-23.zh.md"
sys.path.insert(0, str(ROOT / "scripts"))

from bench_segment import hard_wrap, rewrap  # noqa: E402

__all__ = ["hard_wrap", "rewrap"]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def seed_paragraphs() -> tuple[str, list[str]]:
    """The seed's title and its 22 paragraphs, without Markdown."""
    blocks = [b.strip() for b in SEED.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    return blocks[0].removeprefix("## "), blocks[1:]


def seed_html(encoding: str = "gbk") -> bytes:
    """A ministry-style page: navigation, a script, a cookie banner, the article, a footer."""
    title, paragraphs = seed_paragraphs()
    body = "\n".join(
        f"<p>{p.replace('“', '&ldquo;').replace('”', '&rdquo;')}</p>" for p in paragraphs
    )
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">
<title>{title}_中华人民共和国外交部</title>
<script>var note = "<p>脚本里的文字不是正文。</p>"; document.write(note);</script>
<style>p {{ line-height: 2em; }}</style></head>
<body>
<nav><ul><li><a href="/">首页</a></li><li><a href="/news/">外交动态</a></li>
<li><a href="/about/">关于外交部</a></li></ul></nav>
<div id="cookie-banner">本网站使用Cookie以改善浏览体验。<button>同意</button></div>
<div class="main"><article><h1>{title}</h1>
<div class="content">
{body}
</div></article></div>
<footer><p>版权所有：中华人民共和国外交部</p><p>地址：北京市朝阳区朝阳门南大街2号</p></footer>
</body></html>"""
    return page.encode(encoding)


def seed_docx(path: Path) -> Path:
    """Heading 1 title, body text (one paragraph with tracked changes), a （一）-numbered list
    and a 2 x 2 table holding seed paragraphs."""
    import docx
    from docx.oxml import parse_xml

    title, paragraphs = seed_paragraphs()
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.language = "zh-CN"
    document.add_heading(title, level=1)
    num_id = _chinese_numbering(document)
    for i, text in enumerate(paragraphs[:8]):
        if i == 2:
            _tracked_paragraph(document, text)
        else:
            document.add_paragraph(text)
    for text in paragraphs[8:12]:
        p = document.add_paragraph(text)
        p._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="0"/>'
                f'<w:numId w:val="{num_id}"/></w:numPr>'
            )
        )
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(
        [c for row in table.rows for c in row.cells], paragraphs[12:16], strict=True
    ):
        cell.text = text
    for text in paragraphs[16:]:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def _chinese_numbering(document: object) -> str:
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="90"><w:lvl w:ilvl="0">'
            '<w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="（%1）"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(
        parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    return "90"


def _tracked_paragraph(document: object, text: str) -> None:
    """``text`` with its second half as a tracked insertion and a tracked deletion between."""
    from docx.oxml import parse_xml

    half = len(text) // 2
    p = document.add_paragraph(text[:half])  # type: ignore[attr-defined]
    p._p.append(
        parse_xml(
            f'<w:del xmlns:w="{W_NS}" w:id="1" w:author="审校" w:date="2002-11-24T00:00:00Z">'
            "<w:r><w:delText>删除的旧文字。</w:delText></w:r></w:del>"
        )
    )
    p._p.append(
        parse_xml(
            f'<w:ins xmlns:w="{W_NS}" w:id="2" w:author="审校" w:date="2002-11-24T00:00:00Z">'
            f"<w:r><w:t>{text[half:]}</w:t></w:r></w:ins>"
        )
    )


def seed_pdf(path: Path, chars_per_line: int = 36) -> Path:
    """Pages with a running header and a page number, a larger title, indented first lines."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title, paragraphs = seed_paragraphs()
    pdf = canvas.Canvas(str(path))
    state = {"page": 1, "y": 780.0}

    def furniture() -> None:
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(72, 810, "中华人民共和国外交部 公报")
        pdf.drawString(290, 40, f"- {state['page']} -")

    def new_page() -> None:
        pdf.showPage()
        state["page"] += 1
        state["y"] = 780.0
        furniture()

    furniture()
    for i, text in enumerate([title, *paragraphs]):
        size = 16 if i == 0 else 11
        lines = [text[k : k + chars_per_line] for k in range(0, len(text), chars_per_line)]
        for j, line in enumerate(lines):
            if state["y"] < 80:
                new_page()
            pdf.setFont("STSong-Light", size)
            pdf.drawString(72 + (22 if j == 0 and i > 0 else 0), state["y"], line)
            state["y"] -= size * 1.5
        state["y"] -= 8
    pdf.save()
    return path


def seed_wrapped(width: int = 30, every: int = 25, blank_lines: bool = True) -> str:
    """The seed hard-wrapped at ``width`` columns with a running header and page numbers;
    without ``blank_lines`` paragraphs open with an indented (\\u3000\\u3000) first line."""
    title, paragraphs = seed_paragraphs()
    if blank_lines:
        return rewrap("\n".join([title, *paragraphs]), "zh", width, every)
    lines = [title]
    for text in paragraphs:
        lines += hard_wrap("\u3000\u3000" + text, width, "zh")
    out = []
    for page, first in enumerate(range(0, len(lines), every), start=1):
        out += ["中华人民共和国外交部文件", *lines[first : first + every], f"第 {page} 页"]
    return "\n".join(out) + "\n"


def add_footnote(path: Path, note: str) -> Path:
    """Give the Word file at ``path`` a footnotes part holding ``note`` (python-docx cannot)."""
    import zipfile

    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
        f"<w:r><w:t>{note}</w:t></w:r></w:p></w:footnote></w:footnotes>"
    )
    rel = (
        '<Relationship Id="rIdNotes" Target="footnotes.xml" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/footnotes"/>'
    )
    override = (
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.footnotes+xml"/>'
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    rels = "word/_rels/document.xml.rels"
    parts[rels] = parts[rels].replace(b"</Relationships>", rel.encode() + b"</Relationships>")
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(b"</Types>", override.encode() + b"</Types>")
    parts["word/footnotes.xml"] = footnotes.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
