"""Documents in: the seed as a web page, a Word file, a PDF and hard-wrapped text segments
exactly like the plain seed, and every file bitext cannot read gets one line and exit 1."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from align.documents import ParagraphKind, read_bytes, read_document, segment_document
from align.documents.wrap import join_pair
from align.errors import InputError
from align.formats.tmx import read_tmx, write_tmx
from align.segment import segment
from tests.documents_build import (
    SEED,
    add_footnote,
    rewrap,
    seed_docx,
    seed_html,
    seed_pdf,
    seed_wrapped,
)
from tests.test_bad_input_cli import bitext, one_line_error
from tests.test_formats_helpers import hard_project


def _seed_file(kind: str, tmp_path: Path) -> Path:
    if kind == "html":
        path = tmp_path / "seed.html"
        path.write_bytes(seed_html("gbk"))
    elif kind == "docx":
        path = seed_docx(tmp_path / "seed.docx")
    elif kind == "pdf":
        path = seed_pdf(tmp_path / "seed.pdf")
    else:
        path = tmp_path / "seed.txt"
        path.write_text(seed_wrapped(30, blank_lines=kind == "wrapped"), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["html", "docx", "pdf", "wrapped", "wrapped-indented"])
def test_seed_in_every_format_segments_like_the_plain_seed(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bitext(["segment", SEED, "--quiet"], monkeypatch) == 0
    expected = capsys.readouterr().out.splitlines()
    assert len(expected) == 36
    path = _seed_file(kind, tmp_path)
    assert bitext(["segment", path, "--quiet"], monkeypatch) == 0
    assert capsys.readouterr().out.splitlines() == expected


def test_html_drops_page_furniture_and_reads_gbk() -> None:
    document = read_bytes(seed_html("gbk"), "seed.html")
    assert document.encoding == "gb18030" and document.lang == "zh-CN"
    assert document.title and document.title.startswith("上海合作组织")
    for noise in ("首页", "Cookie", "脚本", "版权所有", "&ldquo;", "<"):
        assert noise not in document.text
    assert document.paragraphs[0].kind is ParagraphKind.HEADING
    assert "“本组织”" in document.paragraphs[1].text
    # source lines broken inside a paragraph: no space between Chinese characters
    page = seed_html("utf-8").replace("会议于2002年".encode(), "会议于\n    2002年".encode())
    wrapped = read_bytes(page, "wrapped-source.html")
    assert wrapped.encoding == "utf-8" and wrapped.text == document.text


def test_docx_keeps_list_numbers_tables_and_accepted_changes(tmp_path: Path) -> None:
    document = read_document(seed_docx(tmp_path / "seed.docx"))
    kinds = [p.kind for p in document.paragraphs]
    assert kinds[0] is ParagraphKind.HEADING
    assert kinds.count(ParagraphKind.LIST_ITEM) == 4 and kinds.count(ParagraphKind.TABLE_CELL) == 4
    numbers = ["（一）", "（二）", "（三）", "（四）"]
    assert [p.markup for p in document.paragraphs if p.markup] == numbers
    assert "删除的旧文字" not in document.text
    assert document.paragraphs[9].origin == "paragraph 10"
    assert document.paragraphs[13].origin == "table 1 row 1 cell 1"
    segments = segment_document(document, "zh")
    numbered = [s for s in segments if s.markup]
    assert [s.markup for s in numbered] == numbers
    for s in segments:  # offsets point into the extracted text, number included
        assert document.text[s.start : s.end] == s.markup + s.text


def test_docx_footnotes_come_after_the_text(tmp_path: Path) -> None:
    path = add_footnote(seed_docx(tmp_path / "seed.docx"), "见《上海合作组织宪章》第一条。")
    document = read_document(path)
    last = document.paragraphs[-1]
    assert last.kind is ParagraphKind.FOOTNOTE and last.origin == "footnote 1"
    assert last.text == "见《上海合作组织宪章》第一条。"
    assert segment_document(document, "zh")[-1].text == last.text


def test_pdf_drops_running_header_and_page_numbers(tmp_path: Path) -> None:
    document = read_document(seed_pdf(tmp_path / "seed.pdf"))
    assert document.repaired
    assert document.paragraphs[0].origin == "page 1 line 2"  # line 1: the running header
    assert "公报\n" not in document.text.split("\n\n", 1)[1]
    assert "中华人民共和国外交部 公报" not in document.text and "- 1 -" not in document.text
    assert all("\n" not in s.text for s in segment_document(document, "zh"))


def test_english_hard_wrapped_text_is_rejoined() -> None:
    paragraph = (
        "The ministers welcomed the well-known principles of co-operation adopted in Shanghai. "
        "They agreed to meet again in 2003. The Secretariat will be established in Beijing, "
        "and the counter-terrorism structure in Bishkek. Mr. Ivanov chaired the meeting."
    )
    text = "\n".join(paragraph.replace("2003", str(2003 + i)) for i in range(8))
    wrapped = rewrap(text, "en", 40, every=12)
    document = read_bytes(wrapped.encode(), "en.txt")
    assert document.repaired
    assert "Benchmark texts" not in document.text and "- 1 -" not in document.text
    got = [s.text for s in segment(document.text, "en")]
    assert got == [s.text for s in segment(text, "en")]


@pytest.mark.parametrize(
    ("a", "b", "chinese", "joined"),
    [
        ("会议于20", "02年11月", True, "会议于2002年11月"),
        ("在Shang", "hai举行", True, "在Shanghai举行"),
        ("the principles of co-", "operation", False, "the principles of cooperation"),
        ("the well-", "known principles", False, "the well-known principles"),
        ("the Sino-", "Russian talks", False, "the Sino-Russian talks"),
        ("met again in", "2003.", False, "met again in 2003."),
        ("部长们", "指出", True, "部长们指出"),
    ],
)
def test_lines_join_like_the_text_they_came_from(
    a: str, b: str, chinese: bool, joined: str
) -> None:
    assert join_pair(a, b, chinese) == joined


def test_a_few_wrapped_lines_leave_no_line_break_in_a_segment() -> None:
    document = read_bytes(b"The ministers met in the city\nof Moscow. They agreed.\n", "en.txt")
    assert document.repaired
    assert [s.text for s in segment_document(document, "en")] == [
        "The ministers met in the city of Moscow.",
        "They agreed.",
    ]


def test_text_that_is_not_wrapped_is_read_as_written(tmp_path: Path) -> None:
    document = read_document(SEED)
    assert not document.repaired and document.format == "markdown"
    assert document.text == SEED.read_text(encoding="utf-8")
    en = tmp_path / "en.txt"
    en.write_text(
        "The meeting was held in Moscow.\nThe ministers met.\n\nIt was constructive.\n",
        encoding="utf-8",
    )
    assert read_document(en).text == en.read_text(encoding="utf-8")
    contents = "\n".join(
        ["第一章 总则和基本原则", "第二章 组织机构设置", "第三章 成员国的权利和义务"]
        + ["第四章 合作的主要方向", "第五章 秘书处的职能与组成", "第六章 预算与财务安排"]
    )
    assert not read_bytes(contents.encode(), "contents.txt").repaired  # short lines, not wrapped


def test_traditional_chinese_is_segmented_as_written() -> None:
    simplified = "上海合作组织外交部长会议于2002年11月23日在莫斯科举行。与会者认为，应加强合作。"
    traditional = "上海合作組織外交部長會議於2002年11月23日在莫斯科舉行。與會者認為，應加強合作。"
    got = segment(traditional, "zh-Hant")
    assert [s.text for s in got] == [
        "上海合作組織外交部長會議於2002年11月23日在莫斯科舉行。",
        "與會者認為，應加強合作。",
    ]
    assert [(s.start, s.end) for s in got] == [(s.start, s.end) for s in segment(simplified)]
    document = read_bytes(traditional.encode("utf-8"), "zh-hant.txt")
    assert document.text == traditional
    big5 = read_bytes(((traditional + "\n") * 5).encode("big5"), "zh-hant.txt")
    assert big5.encoding == "big5" and big5.text == (traditional + "\n") * 5
    gbk = read_bytes(SEED.read_text(encoding="utf-8").encode("gbk"), "seed.txt")
    assert gbk.encoding == "gb18030"


def test_tmx_writes_and_reads_the_source_paragraph(tmp_path: Path) -> None:
    project = hard_project()
    path = tmp_path / "p.tmx"
    write_tmx(path, project)
    assert 'type="x-paragraph"' in path.read_text(encoding="utf-8")
    back = read_tmx(path)
    by_text = {s.text: s.paragraph for s in project.source.segments}
    for seg in back.source.segments:
        if seg.text in by_text:
            assert seg.paragraph == by_text[seg.text]


def test_align_reads_documents_on_both_sides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import docx

    zh = tmp_path / "zh.docx"
    word = docx.Document()
    word.add_heading("联合公报", level=1)
    word.add_paragraph("会议在莫斯科举行。部长们讨论了合作问题。")
    word.add_paragraph("下次会议将在北京举行。")
    word.save(str(zh))
    en = tmp_path / "en.html"
    en.write_text(
        "<html><body><nav>Home | News</nav><article><h1>Joint Communique</h1>"
        "<p>The meeting was held in Moscow. The ministers discussed cooperation, which all of "
        "them considered important for the region and its peoples.</p>"
        "<p>The next meeting will be held in Beijing next year.</p></article>"
        "<footer>Copyright</footer></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "p.json"
    assert bitext(["align", zh, en, "-o", out, "--quiet"], monkeypatch) == 0
    project = json.loads(out.read_text(encoding="utf-8"))
    assert [s["text"] for s in project["target"]["segments"]][0] == "Joint Communique"
    assert {s["paragraph"] for s in project["source"]["segments"]} == {0, 1, 2}


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _pdf(tmp_path: Path, **kwargs: object) -> bytes:
    from reportlab.pdfgen import canvas

    path = tmp_path / "made.pdf"
    pdf = canvas.Canvas(str(path), **kwargs)  # type: ignore[arg-type]
    if kwargs:
        pdf.drawString(72, 720, "Secret communique text.")
    else:
        pdf.rect(72, 72, 300, 500, fill=1)  # an image-like page with no text layer
    pdf.save()
    return path.read_bytes()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        ("old.doc", lambda t: OLE + b"Word.Document.8" * 10, ("old Word .doc", "save it as .docx")),
        (
            "locked.docx",
            lambda t: OLE + "EncryptedPackage".encode("utf-16-le"),
            ("encrypted", "unprotected copy"),
        ),
        (
            "cut.docx",
            lambda t: _zip({"word/document.xml": b"<w:document/>" * 50})[:60],
            ("damaged",),
        ),
        ("photos.docx", lambda t: _zip({"a.jpg": b"\xff\xd8"}), ("a zip archive", "not a Word")),
        (
            "broken.docx",
            lambda t: _zip({"word/document.xml": b"<oops", "[Content_Types].xml": b"<x"}),
            ("damaged Word file",),
        ),
        ("locked.pdf", lambda t: _pdf(t, encrypt="secret"), ("encrypted", "unprotected copy")),
        ("broken.pdf", lambda t: b"%PDF-1.4\n" + b"\x00garbage" * 40, ("damaged PDF",)),
        ("scan.pdf", _pdf, ("no text layer", "OCR")),
        (
            "empty.html",
            lambda t: (
                b"<html><head><script>var a = 1;</script></head><body><nav><a href='/'>"
                b"Home</a></nav></body></html>"
            ),
            ("no text found",),
        ),
        (
            "sheet.ods",
            lambda t: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
            ("HTML, DOCX and PDF",),
        ),
    ],
)
def test_unreadable_documents_get_one_line_and_nothing_is_written(
    name: str,
    make: object,
    words: tuple[str, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / name
    path.write_bytes(make(tmp_path))  # type: ignore[operator]
    out = tmp_path / "out.json"
    assert bitext(["draft", path, "-o", out], monkeypatch) == 1
    line = one_line_error(capsys)
    for word in words:
        assert word in line, line
    assert not out.exists()
    with pytest.raises(InputError):
        read_document(path)


def test_format_option_forces_a_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(seed_html("utf-8"))
    assert bitext(["segment", page, "--format", "html", "--quiet"], monkeypatch) == 0
    assert len(capsys.readouterr().out.splitlines()) == 36
    assert bitext(["segment", page, "--format", "rtf"], monkeypatch) == 2


def test_run_on_a_word_file_keeps_paragraphs_into_the_project_and_tmx(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jsonschema
    from lxml import etree

    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path / "cache"))
    path = seed_docx(tmp_path / "communique.docx")
    out = tmp_path / "out"
    args = ["run", path, "--model", tiny_model, "-o", out, "--max-length", "16", "--beam", "1"]
    assert bitext([*args, "--quiet"], monkeypatch) == 0
    project = json.loads((out / "communique.bitext.json").read_text(encoding="utf-8"))
    schema = Path(__file__).parent.parent / "align" / "schema" / "bitext-project-1.schema.json"
    jsonschema.validate(project, json.loads(schema.read_text(encoding="utf-8")))
    segments = project["source"]["segments"]
    assert len(segments) == 36 and segments[0]["kind"] == "heading"
    assert [s["markup"] for s in segments if s["markup"]] == [
        "（一）",
        "（二）",
        "（三）",
        "（四）",
    ]
    # no reference: every unit is an unreviewed MT draft, so all of them go to NAME.mt.tmx
    tus = etree.parse(str(out / "communique.mt.tmx")).getroot().iter("tu")
    paragraphs = [int(tu.findtext("prop[@type='x-paragraph']")) for tu in tus]
    assert paragraphs == [s["paragraph"] for s in segments]
    assert paragraphs[-1] == 22


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCountingThousand", "十一"),
        (21, "chineseCounting", "二十一"),
        (105, "chineseCounting", "一百零五"),
        (3, "ideographTraditional", "丙"),
        (4, "upperRoman", "IV"),
        (2, "lowerLetter", "b"),
        (3, "decimalEnclosedCircle", "③"),
        (12, "decimal", "12"),
    ],
)
def test_list_numbers_as_word_shows_them(value: int, fmt: str, shown: str) -> None:
    from align.documents.docx import _format

    assert _format(value, fmt) == shown


def test_the_hard_wrap_note_counts_the_page_furniture_it_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The note said "(page numbers and running headers removed)" for any repaired text, even
    one with none (a one-sentence-per-line file whose first line is a title)."""
    wrapped = tmp_path / "wrapped.zh.txt"
    wrapped.write_text(seed_wrapped(30), encoding="utf-8")
    plain = tmp_path / "lines.en.txt"
    title = "Joint Communiqué of the Meeting of Foreign Ministers of the Organisation"
    plain.write_text(f"{title}\nThe ministers met in Moscow.\nThey agreed.\n", "utf-8")
    removed = read_document(wrapped).furniture
    assert removed > 0 and read_document(plain).furniture == 0
    assert bitext(["segment", wrapped], monkeypatch) == 0
    assert f"({removed} page-number or running header/footer lines removed)" in (
        capsys.readouterr().err
    )
    assert bitext(["segment", plain], monkeypatch) == 0
    notes = capsys.readouterr().err.strip().splitlines()
    assert len(notes) == 1 and notes[0].endswith("paragraphs") and "removed" not in notes[0]
