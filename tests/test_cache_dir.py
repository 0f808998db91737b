"""Every cache honours BITEXT_CACHE_DIR: with it set, nothing lands in the user's cache dir.

The CC-CEDICT lexicon once went to ``~/.cache/bitext`` whatever BITEXT_CACHE_DIR said, so the
test suite wrote into the real user cache.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest

from align.lexicon import lexicon
from tests.test_bad_input_cli import EN, ZH, bitext


@pytest.fixture
def fresh_lexicon() -> Iterator[None]:
    """The lexicon is kept per process: start without it, and leave none behind for others."""
    lexicon.cache_clear()
    yield
    lexicon.cache_clear()


def test_suite_uses_a_private_cache(_private_bitext_cache: Path) -> None:
    assert os.environ["BITEXT_CACHE_DIR"] == str(_private_bitext_cache)
    assert Path(os.environ["HF_HOME"]).name.startswith("bitext-test-hf-")


def test_run_writes_only_into_bitext_cache_dir(
    tmp_path: Path,
    tiny_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_lexicon: None,
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    default = Path(platformdirs.user_cache_dir("bitext"))
    assert home in default.parents
    cache = tmp_path / "cache"
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(cache))
    # the real CC-CEDICT takes seconds to build; where it is kept is what is tested here
    monkeypatch.setattr("align.lexicon._build_lexicon", lambda: {"公园": frozenset({"park"})})
    monkeypatch.chdir(tmp_path)
    Path("zh.txt").write_text(ZH, encoding="utf-8")
    Path("en.txt").write_text(EN, encoding="utf-8")
    args = ["run", "zh.txt", "-r", "en.txt", "-o", "out", "--model", tiny_model]
    assert bitext([*args, "--beam", "1", "--max-length", "16", "-q"], monkeypatch) == 0
    assert not default.exists()
    assert sorted(p.name for p in home.rglob("*")) == []
    assert (cache / "drafts.sqlite3").is_file()
    assert len(list(cache.glob("cedict-lexicon-*.pickle"))) == 1
