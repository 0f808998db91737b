"""``bitext draft``, ``run``'s engine options and ``bitext models`` through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from cli.app import app
from models import store
from models.resolve import resolve_model

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "align" / "schema" / "bitext-project-1.schema.json"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.getbasetemp() / "bitext-cache"
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(path))
    return path


def draft_args(seed: Path, model: Path, out: Path, *extra: str) -> list[str]:
    return ["draft", str(seed), "-o", str(out), "--model", str(model), "--max-length", "24",
            "--beam", "2", "--threads", "2", "--quiet", *extra]  # fmt: skip


def test_draft_writes_a_valid_project(seed_path: Path, tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    args = draft_args(seed_path, tiny_model, out, "--engine", "ct2", "--compute-type", "float32")
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    project = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(project, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert len(project["drafts"]) == len(project["source"]["segments"]) == 36
    assert project["model"]["engine"] == "ct2-float32"
    summary = json.loads(result.stdout)
    assert list(summary)[:6] == ["segments", "drafts", "flagged", "engine", "seconds", "project"]
    assert (summary["tm_exact"], summary["tm_fuzzy"]) == (0, 0)  # no --tm
    assert summary["segments"] == summary["drafts"] == 36 and summary["engine"] == "ct2-float32"
    assert 0 <= summary["flagged"] <= 36 and summary["seconds"] >= 0
    assert summary["project"] == str(out)


def test_warm_cache_never_loads_the_model(
    seed_path: Path, tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = draft_args(seed_path, tiny_model, tmp_path / "a.json", "--engine", "ct2")
    assert runner.invoke(app, args).exit_code == 0

    def no_load(self: object) -> None:
        raise AssertionError("model loaded although every draft was cached")

    monkeypatch.setattr("models.ct2_engine.CT2Translator.load", no_load)
    monkeypatch.setenv("BITEXT_DEBUG", "1")  # let the planted AssertionError through
    args = draft_args(seed_path, tiny_model, tmp_path / "b.json", "--engine", "ct2")
    assert runner.invoke(app, args).exit_code == 0
    first, second = (json.loads((tmp_path / n).read_text())["drafts"] for n in ("a.json", "b.json"))
    assert first == second
    result = runner.invoke(app, [*args, "--no-cache"])
    assert isinstance(result.exception, AssertionError)  # --no-cache must go to the model


def test_no_cache_writes_no_database(
    seed_path: Path, tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path / "cache"))
    args = draft_args(seed_path, tiny_model, tmp_path / "p.json", "--engine", "hf", "--no-cache")
    args += ["--beam", "1", "--max-length", "12"]
    assert runner.invoke(app, args).exit_code == 0
    assert not (tmp_path / "cache" / "drafts.sqlite3").exists()


@pytest.mark.parametrize(
    "extra", [["--engine", "marian"], ["--compute-type", "int4"], ["--device", "tpu"]]
)
def test_bad_engine_options(
    seed_path: Path, tiny_model: Path, tmp_path: Path, extra: list[str]
) -> None:
    """A usage error (exit 2) since the choices are typer enums; tests/test_usage_cli.py has
    every option's case."""
    result = runner.invoke(app, draft_args(seed_path, tiny_model, tmp_path / "p.json", *extra))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"bitext: usage error: Invalid value for '{extra[0]}'")


def test_run_takes_engine_options(seed_path: Path, tiny_model: Path, tmp_path: Path) -> None:
    args = ["run", str(seed_path), "-o", str(tmp_path), "--model", str(tiny_model)]
    args += ["--engine", "ct2", "--compute-type", "int8", "--max-length", "24", "--beam", "1", "-q"]
    assert runner.invoke(app, args).exit_code == 0
    project = json.loads(next(tmp_path.glob("*.bitext.json")).read_text(encoding="utf-8"))
    assert project["model"]["engine"] == "ct2-int8"


def test_models_convert_list_info(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path))
    result = runner.invoke(app, ["models", "convert", str(tiny_model), "--quantization", "int8"])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["models", "list", "--json"]).stdout)
    [copy] = listed["converted"]
    assert copy["quantization"] == "int8" and copy["size"] > 0
    info = json.loads(runner.invoke(app, ["models", "info", str(tiny_model), "--json"]).stdout)
    assert info["fingerprint"] == copy["fingerprint"] and info["converted"] == [copy]
    assert "int8" in runner.invoke(app, ["models", "list"]).stdout


def test_models_pull_offline_is_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "models", "pull", "Helsinki-NLP/opus-mt-zh-en"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
        env={**__import__("os").environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert proc.returncode == 1
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("bitext: error")]
    assert len(errors) == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--engine", "hf", "--compute-type", "int8_float16"], "needs --engine ct2"),
        (["--engine", "hf", "--compute-type", "float16", "--device", "cpu"], "needs a GPU"),
    ],
)
def test_precision_the_engine_cannot_run(
    seed_path: Path, tiny_model: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    result = runner.invoke(app, draft_args(seed_path, tiny_model, tmp_path / "p.json", *extra))
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_auto_precision_per_device(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CPU: the copy's own quantization; GPU: float16, int8_float16 only over an int8 copy."""
    from models import ct2_engine
    from models.ct2_engine import resolve_compute_type

    monkeypatch.setenv("BITEXT_CACHE_DIR", str(tmp_path))
    fingerprint = resolve_model(str(tiny_model)).fingerprint
    monkeypatch.setattr(ct2_engine, "ct2_device", lambda device: device)
    assert resolve_compute_type("auto", "cpu", fingerprint) == "int8"
    assert resolve_compute_type("auto", "cuda", fingerprint) == "float16"
    assert resolve_compute_type("float32", "cuda", fingerprint) == "float32"
    store.convert(resolve_model(str(tiny_model)), "int8")
    assert resolve_compute_type("auto", "cuda", fingerprint) == "int8_float16"
    assert resolve_compute_type("auto", "cpu", fingerprint) == "int8"


@pytest.mark.parametrize("engine", ["hf", "ct2"])
def test_cuda_asked_for_without_a_gpu(
    seed_path: Path, tiny_model: Path, tmp_path: Path, engine: str
) -> None:
    import ctranslate2
    import torch

    if torch.cuda.is_available() or ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("this machine has a GPU")
    extra = ["--engine", engine, "--device", "cuda", "--no-cache"]
    result = runner.invoke(app, draft_args(seed_path, tiny_model, tmp_path / "p.json", *extra))
    assert result.exit_code == 1
    assert result.stderr.startswith("bitext: error: --device cuda:")
    assert len(result.stderr.strip().splitlines()) == 1
