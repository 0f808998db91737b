"""The static HTML review report: structure, escaping, and a real render in headless Chromium."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from align.review import ops
from align.review.report import render_report
from cli.app import app
from tests.review_projects import mt_project, reference_project, write

NASTY = '<script>alert("x")</script> & <b>bold</b>'


def test_report_has_table_path_and_summary() -> None:
    p = ops.accept(ops.edit(reference_project(), 1, "Views were exchanged."), 0)
    doc = lxml_html.fromstring(render_report(p))
    rows = doc.xpath("//tbody/tr")
    assert len(rows) == len(p.beads)
    assert rows[3].get("class") == "low flagged"  # score 0.31, flag length-ratio
    assert rows[0].get("class") == "high"
    assert doc.xpath("//tr[@id='bead-4']//span[@class='flag']/text()") == ["length-ratio"]
    assert "Views were exchanged." in rows[1].text_content()
    assert "The parties exchanged views." in rows[1].xpath(".//span[@class='was']")[0].text
    marks = doc.xpath("//*[local-name()='svg']/*[local-name()='rect']/*[local-name()='title']")
    assert len(marks) == len(p.beads)
    assert "score 0.31 (low)" in marks[3].text
    summary = doc.xpath("//p[@class='summary']")[0].text_content()
    assert "33.3% reviewed" in summary and "mean post-edit distance 0." in summary
    heads = [th.text for th in doc.xpath("//th")]
    assert "MT draft" in heads and "reference (en)" in heads


def test_report_without_reference_has_no_draft_column() -> None:
    doc = lxml_html.fromstring(render_report(mt_project()))
    assert [th.text for th in doc.xpath("//th")].count("MT draft (en)") == 1


def test_report_escapes_every_text() -> None:
    p = ops.comment(ops.edit(reference_project(), 0, NASTY), 2, NASTY)
    page = render_report(p, title=NASTY)
    assert "<script>" not in page and "<b>bold</b>" not in page
    doc = lxml_html.fromstring(page)
    assert not doc.xpath("//script")
    assert doc.xpath("//title")[0].text == NASTY
    assert NASTY in doc.xpath("//tr[@id='bead-3']//span[@class='note']")[0].text


def test_report_command_writes_the_file(tmp_path: Path) -> None:
    path = write(tmp_path)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = CliRunner().invoke(app, ["report", str(path), "-q"])
    assert (tmp_path / "doc.bitext.report.html").exists()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_report(ops.edit(reference_project(), 1, NASTY)), encoding="utf-8")
    shot = tmp_path / "report.png"
    proc = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1280,900",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 900)
    assert len(data) > 20_000  # a blank page compresses to a few kB; ours has a chart and a table
