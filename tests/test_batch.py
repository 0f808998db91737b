"""``bitext batch`` without a model: pairing, the batch stages, resuming, failures, bad input."""

from __future__ import annotations

import csv
import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

import align.batch
from align.batch import BatchSettings, DocPair, Job, draft_batch, segment_batch
from align.batch_out import heaviest_first, make_batches
from align.corpus import find_documents
from align.errors import InputError
from align.formats.project_json import read_project, write_project
from align.model import BeadStatus, DecodingSettings, Draft
from cli.app import app
from models.base import ProgressCallback
from tests.batch_corpus import write_corpus
from tests.test_formats_helpers import check_tmx

runner = CliRunner()
ZH = "今天天气很好。我们去公园。\n"
EN = "The weather is fine today. We go to the park.\n"


def bitext(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def touch(folder: Path, *names: str, text: str = ZH) -> None:
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(EN if ".en." in name or name.startswith("en/") else text, "utf-8")


# --- pairing -----------------------------------------------------------------------------------


def test_pairs_by_language_tag_and_lists_what_it_cannot_pair(tmp_path: Path) -> None:
    touch(tmp_path, "a.zh.md", "a.en.md", "b.zh.txt", "c.en.md", "d.zh.md", "d.zh.txt")
    touch(tmp_path, "d.en.md", "README.md", "y/2002.zh-CN.md", "y/2002.en-GB.md", "e.fr.md")
    touch(tmp_path, "out/x.zh.md", ".hidden.zh.md")
    found = find_documents(tmp_path, exclude=tmp_path / "out")
    assert [(p.id, p.en is not None) for p in found.pairs] == [
        ("a", True),
        ("b", False),  # Chinese alone: drafted only
        ("y/2002", True),
    ]
    assert Path(found.pairs[0].zh) == (tmp_path / "a.zh.md").resolve()
    assert len(found.problems) == 2
    assert found.problems[0].startswith("c: ") and "no Chinese original" in found.problems[0]
    assert found.problems[1].startswith("d: ambiguous (d.zh.md, d.zh.txt, d.en.md)")


def test_pairs_zh_and_en_folders_by_name(tmp_path: Path) -> None:
    touch(tmp_path, "zh/a.md", "en/a.txt", "zh/b.md", "zh/sub/c.zh.md", "en/sub/c.en.md")
    touch(tmp_path, "en/z.md")
    found = find_documents(tmp_path)
    assert [(p.id, p.en is not None) for p in found.pairs] == [
        ("a", True),
        ("b", False),
        ("sub/c", True),
    ]
    assert found.problems == (
        f"z: {tmp_path / 'en/z.md'} has no Chinese original; add it or move the file away",
    )


def test_manifest_lists_missing_files_and_duplicate_ids(tmp_path: Path) -> None:
    touch(tmp_path, "docs/a.zh.md", "docs/a.en.md", "docs/b.zh.md")
    manifest = tmp_path / "list.tsv"
    manifest.write_text(
        "zh_path\ten_path\tid\n"
        "# a comment\n"
        "docs/a.zh.md\tdocs/a.en.md\n"
        "docs/b.zh.md\t\tbee\n"
        "docs/missing.zh.md\tdocs/a.en.md\n"
        "docs/b.zh.md\tdocs/nope.en.md\tother\n"
        "docs/b.zh.md\t\ta\n"
        "docs/b.zh.md\t\t../escape\n",
        encoding="utf-8",
    )
    found = find_documents(manifest)
    assert [(p.id, p.en is not None) for p in found.pairs] == [("a", True), ("bee", False)]
    assert [line.split(": ", 1)[0] for line in found.problems] == [
        f"{manifest}:5",
        f"{manifest}:6",
        f"{manifest}:7",
        f"{manifest}:8",
    ]
    assert "no such file docs/missing.zh.md" in found.problems[0]
    assert "no such file docs/nope.en.md" in found.problems[1]
    assert "on line 3 too" in found.problems[2]
    assert "not a relative name" in found.problems[3]


def test_empty_folder_is_an_error_with_advice(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no documents found; name them X.zh.md"):
        find_documents(tmp_path)
    code, _, err = bitext("batch", tmp_path, "-o", tmp_path / "out", "--no-draft")
    assert code == 1 and err.count("\n") == 1 and "no documents found" in err


# --- the stages --------------------------------------------------------------------------------


class CountingTranslator:
    """A stand-in engine for the stages' plumbing: marks each text, counts the calls."""

    model_id, fingerprint, engine = "stand-in", "0", "test"

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[int] = []
        self.fail_on = fail_on

    def translate(self, texts: list[str], progress: ProgressCallback | None = None) -> list[Draft]:
        self.calls.append(len(texts))
        if self.fail_on is not None and any(self.fail_on in t for t in texts):
            raise RuntimeError("the engine choked")
        return [Draft(f"<{t}>", "stand-in", "0", "test", DecodingSettings()) for t in texts]


def jobs_for(folder: Path, *texts: str) -> list[Job]:
    jobs = []
    for k, text in enumerate(texts):
        path = folder / f"d{k}.zh.md"
        path.write_text(text, encoding="utf-8")
        jobs.append(Job(DocPair(f"d{k}", str(path))))
    return jobs


def test_one_model_call_drafts_the_sentences_of_every_document(tmp_path: Path) -> None:
    jobs = segment_batch(jobs_for(tmp_path, ZH, "一。二。三。\n", ZH), BatchSettings())
    translator = CountingTranslator()
    drafted = draft_batch(jobs, translator)
    assert translator.calls == [7]
    assert [len(j.drafts) for j in drafted] == [2, 3, 2]
    assert drafted[1].drafts[2].text == "<三。>"


def test_a_document_that_breaks_the_engine_fails_alone(tmp_path: Path) -> None:
    jobs = segment_batch(jobs_for(tmp_path, ZH, "坏的句子。\n", ZH), BatchSettings())
    drafted = draft_batch(jobs, CountingTranslator(fail_on="坏"))
    assert [bool(j.error) for j in drafted] == [False, True, False]
    assert drafted[1].error == "drafting: unexpected RuntimeError: the engine choked"
    assert len(drafted[0].drafts) == 2 and len(drafted[2].drafts) == 2


def test_unreadable_and_english_only_documents_fail_in_the_reading_stage(tmp_path: Path) -> None:
    jobs = jobs_for(tmp_path, ZH, "Only English here.\n", ZH)
    (tmp_path / "d2.zh.md").write_bytes(b"\x00\x01binary\x00")
    out = segment_batch(jobs, BatchSettings())
    assert not out[0].error and len(out[0].src_segments) == 2
    assert out[1].error.startswith("reading: ") and "no Chinese characters" in out[1].error
    assert out[2].error.startswith("reading: ") and "binary" in out[2].error


def test_batches_are_fixed_by_id_whatever_the_order(tmp_path: Path) -> None:
    jobs = [Job(DocPair(f"d{k:02d}", "x")) for k in range(10)]
    batches = make_batches(jobs[::-1], 4)
    assert [[j.pair.id for j in b] for b in batches] == [
        ["d00", "d01", "d02", "d03"],
        ["d04", "d05", "d06", "d07"],
        ["d08", "d09"],
    ]


def test_workers_take_the_biggest_batches_first_and_no_batch_changes(tmp_path: Path) -> None:
    sizes = {"d0": 10, "d1": 300, "d2": 40, "d3": 5, "d4": 200}
    jobs = []
    for doc, size in sizes.items():
        (tmp_path / f"{doc}.zh.md").write_text("中" * size, encoding="utf-8")
        jobs.append(Job(DocPair(doc, str(tmp_path / f"{doc}.zh.md"))))
    jobs.append(Job(DocPair("d5", str(tmp_path / "gone.zh.md"))))  # unreadable counts as empty
    batches = make_batches(jobs, 2)
    ordered = heaviest_first(batches)
    assert [[j.pair.id for j in b] for b in ordered] == [["d0", "d1"], ["d4", "d5"], ["d2", "d3"]]
    assert sorted(ordered, key=lambda b: b[0].pair.id) == batches


# --- the command, aligning without drafts ------------------------------------------------------


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", 6, sentences=(2, 4))


def test_align_only_writes_projects_merged_memory_and_summary(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = bitext("batch", corpus, "-o", out, "--no-draft", "-j", "1", "--json")
    assert code == 0, err
    summary = json.loads(stdout)
    assert (summary["documents"], summary["done"], summary["failed"]) == (6, 6, 0)
    project = read_project(out / "doc003.bitext.json")
    assert project.input_hash and project.model is None and project.drafts == ()
    assert project.target.path == str((corpus / "doc003.en.md").resolve())
    tree = check_tmx(out / "corpus.tmx")
    check_tmx(out / "corpus.mt.tmx")
    tus = tree.findall("body/tu")
    assert len(tus) == summary["units"] > 6
    docs = [tu.findtext("prop[@type='x-document']") for tu in tus]
    assert sorted(set(docs)) == [f"doc{k:03d}" for k in range(6)]
    assert {tu.findtext("prop[@type='x-origin']") for tu in tus} == {"human"}
    lines = (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["document"] for line in lines} == set(docs)
    with (out / "summary.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["status"] for r in rows] == ["done"] * 6
    assert int(rows[3]["beads"]) == len(project.beads)
    assert "doc003" in err and "6 done, 0 unchanged, 0 failed" in err


def test_rerun_skips_unchanged_documents_and_redoes_changed_ones(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert bitext("batch", corpus, "-o", out, "--no-draft", "-j", "1", "-q")[0] == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.bitext.json")}
    tmx = (out / "corpus.tmx").read_bytes()
    start = time.perf_counter()
    code, stdout, _ = bitext("batch", corpus, "-o", out, "--no-draft", "-j", "1", "--json", "-q")
    assert code == 0 and time.perf_counter() - start < 10  # the benchmark times it properly
    assert (json.loads(stdout)["done"], json.loads(stdout)["unchanged"]) == (0, 6)
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.bitext.json")} == before
    strip = lambda data: etree.tostring(etree.fromstring(data).find("body"))  # noqa: E731
    assert strip((out / "corpus.tmx").read_bytes()) == strip(tmx)
    (corpus / "doc002.en.md").write_text("A different translation.\n", encoding="utf-8")
    code, stdout, _ = bitext("batch", corpus, "-o", out, "--no-draft", "--json", "-q")
    assert (json.loads(stdout)["done"], json.loads(stdout)["unchanged"]) == (1, 5)
    assert read_project(out / "doc002.bitext.json").target.segments[0].text.startswith("A diff")


def test_reviewed_project_is_not_replaced_when_its_input_changes(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert bitext("batch", corpus, "-o", out, "--no-draft", "-q")[0] == 0
    path = out / "doc001.bitext.json"
    project = read_project(path)
    reviewed = replace(project.beads[0], status=BeadStatus.ACCEPTED)
    write_project(path, replace(project, beads=(reviewed, *project.beads[1:])))
    (corpus / "doc001.zh.md").write_text(ZH, encoding="utf-8")
    code, _, err = bitext("batch", corpus, "-o", out, "--no-draft", "-q")
    assert code == 1
    assert "not done: doc001: keeping the review: " in err and "--overwrite" in err
    assert read_project(path).beads[0].status is BeadStatus.ACCEPTED
    assert bitext("batch", corpus, "-o", out, "--no-draft", "-q", "--overwrite")[0] == 0
    assert read_project(path).beads[0].status is BeadStatus.PENDING


def test_a_crashing_document_is_reported_and_the_others_finish(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_align = align.batch.align_covered
    target = (corpus / "doc004.zh.md").read_text(encoding="utf-8")

    def crashing(src, tgt, **kwargs):  # type: ignore[no-untyped-def]
        if src and src[0].text in target:
            raise ZeroDivisionError("boom")
        return real_align(src, tgt, **kwargs)

    monkeypatch.setattr(align.batch, "align_covered", crashing)
    out = tmp_path / "out"
    code, _, err = bitext("batch", corpus, "-o", out, "--no-draft", "-j", "1")
    assert code == 1 and "Traceback" not in err
    assert "not done: doc004: aligning: unexpected ZeroDivisionError: boom" in err
    assert err.strip().splitlines()[-1].startswith("bitext: error: 1 document(s) not done")
    assert sorted(p.name for p in out.glob("*.bitext.json")) == [
        f"doc{k:03d}.bitext.json" for k in (0, 1, 2, 3, 5)
    ]
    tree = check_tmx(out / "corpus.tmx")
    assert "doc004" not in {tu.findtext("prop[@type='x-document']") for tu in tree.iter("tu")}
    rows = {r["document"]: r for r in csv.DictReader((out / "summary.csv").open())}
    assert rows["doc004"]["status"] == "failed" and "boom" in rows["doc004"]["error"]
    # fixed: the re-run does just that one
    monkeypatch.setattr(align.batch, "align_covered", real_align)
    code, stdout, _ = bitext("batch", corpus, "-o", out, "--no-draft", "--json", "-q")
    assert code == 0 and (json.loads(stdout)["done"], json.loads(stdout)["unchanged"]) == (1, 5)


def test_bad_pairs_are_listed_and_the_good_ones_finish(corpus: Path, tmp_path: Path) -> None:
    (corpus / "doc000.zh.txt").write_text(ZH, encoding="utf-8")  # two Chinese for one English
    manifest = tmp_path / "m.tsv"
    manifest.write_text(
        f"{corpus}/doc001.zh.md\t{corpus}/doc001.en.md\nnowhere.zh.md\tnowhere.en.md\n", "utf-8"
    )
    out = tmp_path / "out"
    code, _, err = bitext("batch", corpus, "-o", out, "--no-draft", "-q")
    assert code == 1 and "not done: doc000: ambiguous (doc000.zh.md, doc000.zh.txt" in err
    assert len(list(out.glob("*.bitext.json"))) == 5
    code, _, err = bitext("batch", manifest, "-o", tmp_path / "m", "--no-draft", "-q")
    assert code == 1 and f"not done: {manifest}:2: no such file nowhere.zh.md" in err
    assert [p.name for p in (tmp_path / "m").glob("*.bitext.json")] == ["doc001.bitext.json"]


def test_no_draft_lists_chinese_documents_without_translation(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", 3, zh_only=1, sentences=(2, 3))
    code, _, err = bitext("batch", corpus, "-o", tmp_path / "out", "--no-draft", "-q")
    assert code == 1 and "doc002: no English document, and --no-draft makes no drafts" in err
    assert len(list((tmp_path / "out").glob("*.bitext.json"))) == 2


def test_unknown_engine_is_a_usage_error(corpus: Path, tmp_path: Path) -> None:
    code, _, err = bitext("batch", corpus, "-o", tmp_path / "o", "--engine", "spark")
    assert code == 2 and "--engine" in err and "'local', 'ray'" in err


def test_an_unreachable_ray_cluster_is_one_line(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray.data")
    args = ["--no-draft", "--engine", "ray", "--ray-address", "127.0.0.1:1", "-q"]
    code, _, err = bitext("batch", corpus, "-o", tmp_path / "o", *args)
    assert code == 1 and err.count("\n") == 1 and "--ray-address 127.0.0.1:1: cannot reach" in err
