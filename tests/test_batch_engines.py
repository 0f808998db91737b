"""``bitext batch`` drafting with the tiny model: one worker, two workers and Ray agree exactly.

The documents are drafted in batches that mix them, and the three runs must write the same
projects (but for the ``created`` time) and the same merged memories (but for the header
date). Each run drafts afresh (``--no-cache``): a shared draft cache would make them agree
whatever the engines did.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import models.factory
from cli.app import app
from tests.batch_corpus import write_corpus
from tests.test_formats_helpers import check_tmx

runner = CliRunner()
FAST = ["--max-length", "16", "--beam", "1", "--no-cache", "--docs-per-batch", "4", "--json"]


def run_batch(corpus: Path, out: Path, model: Path, *args: str) -> dict[str, Any]:
    argv = ["batch", str(corpus), "-o", str(out), "--model", str(model), *FAST, *args]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def projects(out: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(out.glob("*.bitext.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("created")
        found[path.name] = data
    return found


def merged(out: Path, name: str) -> str:
    return re.sub(r'creationdate="\w+"', "", (out / name).read_text(encoding="utf-8"))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Ray Data's own, about its settings
def test_one_worker_two_workers_and_ray_write_the_same_corpus(
    tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ray.data")
    corpus = write_corpus(tmp_path / "corpus", 22, zh_only=2, sentences=(2, 4))
    made = []
    real = models.factory.make_translator
    monkeypatch.setattr(models.factory, "make_translator", lambda o: made.append(o) or real(o))
    one = run_batch(corpus, tmp_path / "j1", tiny_model, "--jobs", "1")
    assert len(made) == 1  # one model for the six batches of this one worker
    assert (one["done"], one["failed"], one["problems"]) == (22, 0, [])
    run_batch(corpus, tmp_path / "j2", tiny_model, "--jobs", "2")
    import ray

    started: list[object] = []
    real_init = ray.init
    monkeypatch.setattr(ray, "init", lambda **kw: started.append(kw["num_cpus"]) or real_init(**kw))
    run_batch(corpus, tmp_path / "ray", tiny_model, "--engine", "ray", "--jobs", "2")
    assert started == [2]  # a local Ray of 2 CPUs: each holds a drafter and an aligner

    reference = projects(tmp_path / "j1")
    assert len(reference) == 22
    assert projects(tmp_path / "j2") == reference
    assert projects(tmp_path / "ray") == reference
    for name in ("corpus.tmx", "corpus.mt.tmx", "corpus.jsonl"):
        assert merged(tmp_path / "j2", name) == merged(tmp_path / "j1", name), name
        assert merged(tmp_path / "ray", name) == merged(tmp_path / "j1", name), name

    first = reference["doc000.bitext.json"]
    assert first["model"]["engine"] == "hf" and len(first["drafts"]) == len(
        first["source"]["segments"]
    )
    tree = check_tmx(tmp_path / "ray" / "corpus.tmx")
    assert {tu.findtext("prop[@type='x-origin']") for tu in tree.iter("tu")} == {"human"}
    drafts = check_tmx(tmp_path / "ray" / "corpus.mt.tmx")
    documents = {tu.findtext("prop[@type='x-document']") for tu in drafts.iter("tu")}
    assert documents == {"doc020", "doc021"}  # the two without a translation
    origins = {tu.findtext("prop[@type='x-origin']") for tu in drafts.iter("tu")}
    assert origins == {"mt"}  # the model that drafted them is x-mt-model's
    mt_models = {tu.findtext("prop[@type='x-mt-model']") for tu in drafts.iter("tu")}
    assert len(mt_models) == 1 and None not in mt_models


CRASH_HOOK = """
import os
if os.environ.get("BITEXT_TEST_CRASH"):  # loaded by every Ray worker this test starts
    import align.batch as batch
    real = batch._align
    def crash(job, tgt_lang):
        if job.pair.id == os.environ["BITEXT_TEST_CRASH"]:
            os._exit(3)  # a hard crash: no exception for the stage to catch
        return real(job, tgt_lang)
    batch._align = crash
"""


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_batch_that_kills_its_ray_actor_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ray Data would restart the actor and retry the batch for ever; bitext's local Ray
    restarts nothing: the batch fails, with the batches queued on the same actor, the run
    ends with them listed (no hang, no traceback), and a re-run does them. Ray's workers (not
    this process) import the crash: a ``sitecustomize`` on the PYTHONPATH they inherit."""
    pytest.importorskip("ray.data")
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(CRASH_HOOK, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(hook))
    monkeypatch.setenv("BITEXT_TEST_CRASH", "doc005")
    corpus = write_corpus(tmp_path / "corpus", 12, sentences=(2, 3))
    out = tmp_path / "out"
    argv = ["batch", str(corpus), "-o", str(out), "--no-draft", "--engine", "ray", "-j", "2"]
    argv += ["--docs-per-batch", "4", "--json", "-q"]
    result = runner.invoke(app, argv)
    assert result.exit_code == 1, result.stderr
    summary = json.loads(result.stdout)  # Ray's notice of the dead worker is not on stdout
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("bitext: not done: ")]
    failed = {line.split(":")[2].strip() for line in lines}
    assert {f"doc{k:03d}" for k in range(4, 8)} <= failed  # the crashing document's batch
    assert len(failed) == summary["failed"] and summary["done"] == 12 - len(failed)
    assert "its actor died" in result.stderr and "Traceback" not in result.stderr
    assert len(list(out.glob("*.bitext.json"))) == summary["done"]

    monkeypatch.delenv("BITEXT_TEST_CRASH")  # the re-run on local workers: a Ray start less
    local = [arg for arg in argv if arg not in ("--engine", "ray")]
    again = json.loads(runner.invoke(app, local).stdout)
    assert (again["done"], again["failed"]) == (len(failed), 0)
    assert again["unchanged"] == 12 - len(failed)
