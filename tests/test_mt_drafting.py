"""The engine-independent drafting layer: pass-through, splitting, retries, cache, resume."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from align.model import DecodingSettings
from models.base import Penalty, bare_translate, plan_batches, plan_calls
from models.draft_cache import DraftCache
from models.drafting import DraftingTranslator, find_problems, passthrough_kind, split_long

REPO = Path(__file__).resolve().parent.parent


@dataclass
class FakeEngine:
    """Deterministic 'translation' (the text reversed, Han → x) that records what it was asked."""

    settings: DecodingSettings = field(default_factory=lambda: DecodingSettings(batch_size=2))
    model_id: str = "fake"
    fingerprint: str = "f00d"
    engine: str = "fake"
    parallel_batches: int = 1
    bad: set[str] = field(default_factory=set)  # sources whose first draft loops
    calls: list[tuple[list[str], Penalty | None]] = field(default_factory=list)
    fail_on_call: int | None = None

    def generate(self, texts: list[str], penalty: Penalty | None = None) -> list[str]:
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise KeyboardInterrupt
        self.calls.append((list(texts), penalty))
        if penalty is None:
            return ["la la la la la" if t in self.bad else f"<{len(t)}>" for t in texts]
        return [f"fixed {len(t)}" for t in texts]

    def count_tokens(self, text: str) -> int:
        return len(text) + 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty"),
        (" \n\t", "whitespace"),
        ("……——。", "punctuation"),
        ("2002", "numbers"),
        ("（1）3.5%", "numbers"),
        ("SCO Summit 2002", "latin"),
        ("上海合作组织", None),
        ("SCO 上合组织", None),
    ],
)
def test_passthrough_kind(text: str, kind: str | None) -> None:
    assert passthrough_kind(text) == kind


def test_split_long_keeps_every_character() -> None:
    text = "，".join(f"第{i}条款内容" for i in range(40)) + "。"
    pieces = split_long(text, len, 30)
    assert "".join(pieces) == text
    assert len(pieces) > 1 and all(len(p) <= 30 for p in pieces)
    assert all(p.endswith(("，", "。")) for p in pieces)
    no_punct = "长" * 100
    assert "".join(split_long(no_punct, len, 30)) == no_punct
    assert split_long("短句。", len, 30) == ["短句。"]


def test_find_problems() -> None:
    assert find_problems("会议", "The meeting.") == ()
    assert find_problems("会议", "  ") == ("degenerate:empty",)
    assert "degenerate:repetition" in find_problems("会议", "of the of the of the of the")
    assert "degenerate:repetition" in find_problems("会议", "问题问题问题问题问题")
    assert find_problems("会议", "The 会议 met.") == ("degenerate:untranslated",)
    assert find_problems("会议", "Wait... really?!!!!!!!!") == ()


def test_passthrough_never_reaches_the_engine() -> None:
    engine = FakeEngine()
    drafts = DraftingTranslator(engine).translate(["", "2002", "SCO", "会议"])
    assert [d.text for d in drafts] == ["", "2002", "SCO", "<2>"]
    assert drafts[1].flags == ("passthrough:numbers",)
    assert drafts[3].flags == ()
    assert [texts for texts, _ in engine.calls] == [["会议"]]


def test_long_input_is_split_and_rejoined() -> None:
    engine = FakeEngine()
    text = "，".join("各方同意加强合作" for _ in range(10))
    [draft] = DraftingTranslator(engine, limit=40).translate([text])
    sent = [t for texts, _ in engine.calls for t in texts]
    assert "".join(sorted(sent, key=text.index)) == text
    assert len(sent) > 1 and "split" in draft.flags
    assert draft.text == " ".join(f"<{len(t)}>" for t in sorted(sent, key=text.index))


def test_degenerate_draft_is_retried_once_with_a_penalty() -> None:
    engine = FakeEngine(bad={"坏句子"})
    drafts = DraftingTranslator(engine).translate(["坏句子", "好句子"])
    assert drafts[0].text == "fixed 3" and drafts[0].flags == ("retried",)
    assert drafts[1].flags == ()
    assert [(t, p is not None) for t, p in engine.calls] == [
        (["坏句子", "好句子"], False),
        (["坏句子"], True),
    ]


def test_cache_serves_reruns_without_the_engine(tmp_path: Path) -> None:
    texts = [f"第{i}句" for i in range(5)]
    first = DraftingTranslator(FakeEngine(), tmp_path / "d.sqlite3").translate(texts)
    engine = FakeEngine(fail_on_call=0)  # any engine call would raise
    ticks: list[int] = []
    again = DraftingTranslator(engine, tmp_path / "d.sqlite3").translate(texts, ticks.append)
    assert again == first and engine.calls == [] and sum(ticks) == 5
    other = FakeEngine(settings=DecodingSettings(beam=1, batch_size=2))
    DraftingTranslator(other, tmp_path / "d.sqlite3").translate(texts)
    assert len(other.calls) == 3  # other decoding settings: another key


def test_interrupted_run_resumes_from_committed_batches(tmp_path: Path) -> None:
    texts = [f"第{i}句话" for i in range(6)]
    cache = tmp_path / "d.sqlite3"
    with pytest.raises(KeyboardInterrupt):
        DraftingTranslator(FakeEngine(fail_on_call=2), cache).translate(texts)
    with DraftCache(cache) as db:
        assert len(db) == 4  # two batches of two were committed before the interrupt
    engine = FakeEngine()
    DraftingTranslator(engine, cache).translate(texts)
    assert sum(len(t) for t, _ in engine.calls) == 2


def test_kill_9_keeps_committed_batches(tmp_path: Path) -> None:
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(REPO)!r})
from tests.test_mt_drafting import FakeEngine
from models.drafting import DraftingTranslator
class Killer(FakeEngine):
    def generate(self, texts, penalty=None):
        if len(self.calls) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().generate(texts, penalty)
DraftingTranslator(Killer(), {str(tmp_path / "d.sqlite3")!r}).translate(
    [f"第{{i}}句话" for i in range(6)])
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, timeout=60)
    assert proc.returncode == -9
    rows = sqlite3.connect(tmp_path / "d.sqlite3").execute("SELECT COUNT(*) FROM drafts")
    assert rows.fetchone()[0] == 4


@pytest.mark.parametrize(
    ("count", "limit", "workers", "sizes"),
    [
        (100, 32, 2, [25, 25, 25, 25]),  # not 32+32+32+4: no worker decodes a tail alone
        (100, 32, 1, [25, 25, 25, 25]),
        (70, 32, 2, [18, 18, 17, 17]),
        (70, 32, 1, [24, 23, 23]),
        (10, 32, 2, [5, 5]),  # one batch would leave a worker idle
        (1, 32, 2, [1]),
        (64, 32, 1, [32, 32]),
        (0, 32, 2, []),
    ],
)
def test_plan_batches(count: int, limit: int, workers: int, sizes: list[int]) -> None:
    assert plan_batches(count, limit, workers) == sizes


def test_plan_batches_never_exceeds_the_limit_and_keeps_every_sentence() -> None:
    for count in range(1, 200):
        for limit in (1, 3, 16, 32):
            for workers in (1, 2, 4):
                sizes = plan_batches(count, limit, workers)
                assert sum(sizes) == count and max(sizes) <= limit and min(sizes) >= 1
                assert max(sizes) - min(sizes) <= 1
                assert sum(plan_calls(count, limit, workers)) == count


def test_each_call_gives_every_parallel_worker_a_batch() -> None:
    engine = FakeEngine(settings=DecodingSettings(batch_size=3), parallel_batches=2)
    texts = [f"第{i}句话" + "长" * i for i in range(10)]
    drafts = DraftingTranslator(engine).translate(texts)
    assert [d.text for d in drafts] == [f"<{len(t)}>" for t in texts]
    assert [len(t) for t, _ in engine.calls] == [6, 4]  # batches 3+3, then 2+2
    bare = FakeEngine(settings=DecodingSettings(batch_size=3), parallel_batches=2)
    assert [d.text for d in bare_translate(bare, texts)] == [d.text for d in drafts]
    assert [len(t) for t, _ in bare.calls] == [6, 4]
