"""Translation-memory leverage: exact matches replace MT and never reach the model.

Fuzzy matches, repair, the index, concordance and terms: tests/test_tm_fuzzy.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from align.formats.project_json import read_project
from align.formats.tmx import write_tmx
from align.model import BeadOrigin, Draft
from align.pipeline import Document, build_project
from align.tm import TM_ENGINE, TmTranslator, tm_lookup, with_memory
from align.tm_index import index_units
from cli.app import app
from models.base import ProgressCallback
from tests.test_formats_helpers import (
    every_tmx_checked,  # noqa: F401 (a fixture: validates every TMX written)
    hard_project,
)

pytestmark = pytest.mark.usefixtures("every_tmx_checked")


def test_tm_lookup_exact_matches_only() -> None:
    pairs = [
        ("会议在北京举行。", "The meeting was held in Beijing."),
        ("会议在北京举行。", "A second, later translation."),  # first one wins
        ("双方交换了意见", "The two sides exchanged views"),
        ("空目标", ""),  # an empty translation is no match
        ("", "Empty source"),
    ]
    segments = [
        "会议在北京举行。",
        " 会议在北京举行。\n",  # outer whitespace is forgiven
        "双方交换了意见。",  # one more character: not exact
        "空目标",
        "",
        "e\u0301",  # NFC: é
    ]
    found = tm_lookup(segments, [*pairs, ("\u00e9", "e-acute")])
    assert found == {
        0: "The meeting was held in Beijing.",
        1: "The meeting was held in Beijing.",
        5: "e-acute",
    }
    assert tm_lookup(["anything"], []) == {}


@dataclass
class FakeEngine:
    """Records what reaches the "model" and answers with a visible marker."""

    seen: list[str] = field(default_factory=list)
    model_id: str = "fake-mt"
    fingerprint: str = "fp1"
    engine: str = "fake"

    def translate(self, texts: list[str], progress: ProgressCallback | None = None) -> list[Draft]:
        self.seen.extend(texts)
        if progress:
            progress(len(texts))
        return [Draft(f"MT({t})", self.model_id, self.fingerprint, self.engine) for t in texts]


def test_tm_translator_sends_only_unmatched_sentences() -> None:
    engine = FakeEngine()
    ticks: list[int] = []
    translator = TmTranslator(engine, (index_units("m.tmx", ["乙"], ["B from TM"]),))
    drafts = translator.translate(["甲", "乙", "丙"], ticks.append)
    assert engine.seen == ["甲", "丙"]
    assert [d.text for d in drafts] == ["MT(甲)", "B from TM", "MT(丙)"]
    assert drafts[1].engine == TM_ENGINE and drafts[1].model == "tm:m.tmx"
    assert drafts[1].matches[0].percent == 100  # its neighbours 甲, 丙 are not the memory's
    assert sum(ticks) == 3
    assert translator.model_id == "fake-mt" and translator.fingerprint == "fp1"
    assert TmTranslator(engine, ()).translate([]) == []


def test_pipeline_marks_tm_beads_and_skips_the_model(tmp_path: Path) -> None:
    project = hard_project()
    tmx = tmp_path / "memory.tmx"
    write_tmx(tmx, project, [0])  # pair: 中华人民共和国外交部长会议。 → its English
    engine = FakeEngine()
    translator = with_memory(engine, tmx, "zh", "en")
    text = "中华人民共和国外交部长会议。\n\n双方就地区问题交换了意见。\n"
    built = build_project(Document(text, None, "zh"), translator)
    assert engine.seen == ["双方就地区问题交换了意见。"]
    assert [b.origin for b in built.beads] == [BeadOrigin.TM, BeadOrigin.MT]
    assert built.target.segments[0].text == project.target.segments[0].text
    assert built.model is not None and built.model.id == "fake-mt"


@pytest.mark.slow
def test_run_with_tm_option(tiny_model: Path, seed_path: Path, tmp_path: Path) -> None:
    """The real command: the seed's title comes from the memory, the rest from the model."""
    from align.segment import segment

    title = segment(seed_path.read_text(encoding="utf-8"), "zh")[0].text
    memory = tmp_path / "memory.tmx"
    memory.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
        '<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t"'
        ' adminlang="en" srclang="zh-CN" datatype="plaintext"/>\n<body>\n<tu>\n'
        f'<tuv xml:lang="zh-CN"><seg>{title}</seg></tuv>\n'
        '<tuv xml:lang="en-US"><seg>Title from the memory</seg></tuv>\n</tu>\n</body>\n</tmx>\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["run", str(seed_path), "--model", str(tiny_model), "--tm", str(memory)]
    args += ["--beam", "1", "--max-length", "8"]  # a random model never stops by itself
    result = CliRunner().invoke(app, [*args, "-o", str(out), "-q", "--json"])
    assert result.exit_code == 0, result.output
    project = read_project(Path(json.loads(result.stdout)["project"]))
    assert project.beads[0].origin is BeadOrigin.TM
    assert project.drafts[0] is not None and project.drafts[0].engine == TM_ENGINE
    assert project.target.segments[0].text == "Title from the memory"
    assert {b.origin for b in project.beads[1:]} == {BeadOrigin.MT}
