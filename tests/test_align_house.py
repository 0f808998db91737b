"""How the aligner's house is kept: one-way imports, and a collector pause that ends."""

from __future__ import annotations

import ast
import gc
import threading
from pathlib import Path

import pytest

from align.aligner import align

ALIGN = Path(__file__).resolve().parent.parent / "align"
ZH = ["他走了。", "她哭了。", "天黑了。"]
EN = ["He left.", "She cried.", "It got dark."]


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_module_in_align_imports_models() -> None:
    """``models`` may import ``align``, never the reverse (lazy imports inside functions too)."""
    offenders = {
        str(path.relative_to(ALIGN)): sorted(
            n for n in _imported(path) if n == "models" or n.startswith("models.")
        )
        for path in ALIGN.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) > 20  # the walk found the package


def test_models_base_still_offers_the_translator_protocol() -> None:
    import align.translator
    import models.base

    assert models.base.Translator is align.translator.Translator
    assert models.base.ProgressCallback is align.translator.ProgressCallback


def test_the_collector_is_paused_only_while_aligning(monkeypatch: pytest.MonkeyPatch) -> None:
    import align.passes as passes

    seen: list[bool] = []
    original = passes.search_with_band
    monkeypatch.setattr(
        passes, "search_with_band", lambda *a: seen.append(gc.isenabled()) or original(*a)
    )
    assert gc.isenabled()
    align(ZH, EN)
    assert seen == [False] and gc.isenabled()  # off in the hot loop, back on after it
    gc.disable()
    try:
        align(ZH, EN)
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_the_collector_comes_back_after_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import align.passes as passes

    def broken(*args: object) -> None:
        raise RuntimeError("search failed")

    monkeypatch.setattr(passes, "search_with_band", broken)
    with pytest.raises(RuntimeError):
        align(ZH, EN)
    assert gc.isenabled()


def test_threads_aligning_at_once_leave_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first thread out must not switch the collector on under another one's hot loop,
    and the last one out restores it."""
    import align.passes as passes

    inside = threading.Barrier(2)
    states: list[bool] = []
    original = passes.search_with_band

    def slow(*args: object) -> object:
        inside.wait(timeout=30)  # both threads are in their hot loops now
        states.append(gc.isenabled())
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(passes, "search_with_band", slow)
    threads = [threading.Thread(target=align, args=(ZH, EN)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert states == [False, False] and gc.isenabled()
