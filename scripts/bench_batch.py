"""``bitext batch`` throughput: the issue's speed targets as ratios measured in one run.

    python scripts/bench_batch.py [--docs 200] [--draft-docs 50] [--run-sample N] [--no-ray]
                                  [--ray-docs 2000] [--ray-model DIR] [--model DIR]
                                  [--work DIR] [--json]

On synthetic documents made from the seed communiqué (``tests/batch_corpus.py``; the seed, a
real communiqué, has 36 sentences, and the documents are runs of 15–30 of them):

1. align-only (``--no-draft``), ``--jobs 1`` against ``--jobs 2``: documents/s of the
   processing phase (worker start-up and writing the projects included, planning and the
   merge not), each in a fresh process that forks its workers as the command does, with the
   CPU seconds it and its workers used; and of the whole command;
2. ``--engine ray --jobs 2`` against ``--jobs 2``, whole-command wall time (Ray's start
   included): align-only on ``--docs`` and on ``--ray-docs`` documents, and the default job
   (drafting and aligning ``--docs`` short documents, drafts cut at 40 tokens) with a model of
   opus-mt-zh-en's size and random weights (``--ray-model`` for another), since with the tiny
   test model drafting costs almost nothing and the comparison would be of start-up alone;
3. a re-run with nothing changed: the whole command's wall time;
4. drafting ``--draft-docs`` short Chinese documents with the model loaded once (``batch
   --jobs 1``) against one ``bitext run`` per document (``--run-sample N`` times N of them and
   scales the mean up, when the full loop would take too long).

Without ``--model`` it builds the tiny random MarianMT of the tests (``tests/tiny_marian.py``):
its drafts are meaningless, but loading and calling it exercises the same code, and the real
model's far longer load only widens the gap in (4). Every line carries the load average: on a
shared machine, parallel speed-ups shrink with it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from align.batch import BatchSettings, Job  # noqa: E402
from align.batch_out import make_batches, plan_corpus, project_path  # noqa: E402
from align.corpus import find_documents  # noqa: E402
from align.lexicon import lexicon  # noqa: E402
from models.batch_local import run_local  # noqa: E402
from tests.batch_corpus import write_corpus  # noqa: E402

# One thread each: on a shared machine a multi-threaded torch waits on descheduled threads.
DRAFT = ["--beam", "1", "--threads", "1", "--no-cache", "-q"]


@dataclass(frozen=True)
class Measure:
    name: str
    seconds: float
    docs: int
    load: float  # 1-minute load average when it finished
    cpu: float | None = None  # CPU seconds of the measured process and its workers

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0


def load_average() -> float:
    return os.getloadavg()[0]


def bitext(*args: object) -> tuple[float, float]:
    """Wall and CPU seconds of one ``python -m cli`` command (from the repo root, this
    checkout); the CPU is the command's and its worker processes' (not Ray's own daemons)."""
    before = _cpu(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)], cwd=REPO, capture_output=True, text=True
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"bitext {' '.join(map(str, args))} failed:\n{done.stderr}")
    return time.perf_counter() - start, _cpu(resource.RUSAGE_CHILDREN) - before


def processing(corpus: Path, out: Path, workers: int) -> tuple[float, float]:
    """The engine phase alone, as the progress bar sees it, in a fresh process: wall and CPU
    seconds (that process and its workers). A fresh process, because this one has imported
    torch (the tiny model), which makes the engine spawn its workers rather than fork them, as
    the align-only command does, and because caches warmed by one measurement would favour
    the next."""
    child = [sys.executable, __file__, "--processing", str(workers), str(corpus), str(out)]
    done = subprocess.run(child, cwd=REPO, capture_output=True, text=True, check=True)
    measured = json.loads(done.stdout.splitlines()[-1])
    return measured["seconds"], measured["cpu"]


def processing_child(workers: int, corpus: Path, out: Path) -> None:
    """``--processing``: what the command does between planning and the merge, timed."""
    from align.formats.project_json import write_project

    plan = plan_corpus(find_documents(corpus).pairs, out, "bench")
    batches = make_batches(plan.todo, 8)
    out.mkdir(parents=True, exist_ok=True)

    def write(jobs: list[Job]) -> None:
        for job in jobs:
            if job.project is not None:
                write_project(project_path(out, job.pair.id), job.project)

    lexicon()  # both sides pay it once in the command; here, outside the timing, for both
    before = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run_local(batches, BatchSettings(draft=False), None, workers, write)
    seconds = time.perf_counter() - start
    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - before
    print(json.dumps({"seconds": seconds, "cpu": cpu}))


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def align_only(work: Path, docs: int, ray: bool) -> list[Measure]:
    corpus = write_corpus(work / "pairs", docs, sentences=(15, 30))
    found = []
    for workers in (1, 2):
        fresh = Path(tempfile.mkdtemp(prefix=f"processing{workers}-", dir=work))  # all to do
        seconds, cpu = processing(corpus, fresh, workers)
        name = f"align-only processing, --jobs {workers}"
        found.append(Measure(name, seconds, docs, load_average(), cpu))
    runs = [("--jobs 1", "out1", ["-j", 1]), ("--jobs 2", "out2", ["-j", 2])]
    if ray:
        runs.append(("--engine ray --jobs 2", "ray", ["--engine", "ray", "-j", 2]))
    for label, out, args in runs:
        seconds, cpu = bitext("batch", corpus, "-o", work / out, "--no-draft", *args, "-q")
        cpu_seen = None if "ray" in label else cpu
        found.append(
            Measure(f"align-only command, {label}", seconds, docs, load_average(), cpu_seen)
        )
    seconds, cpu = bitext("batch", corpus, "-o", work / "out2", "--no-draft", "-j", 2, "-q")
    found.append(Measure("re-run, nothing changed", seconds, docs, load_average(), cpu))
    return found


def default_job(work: Path, docs: int, model: Path) -> list[Measure]:
    """``bitext batch`` as it runs by default (drafting every Chinese sentence, then aligning
    with the drafts), local ``--jobs 2`` against ``--engine ray --jobs 2``, on ``docs`` short
    document pairs (2-4 sentences). Each draft is cut at 40 tokens, about an English sentence
    of an official text: the random weights never end one sooner, so a sentence costs what a
    real one would (≈0.2 CPU-s with a model of opus-mt-zh-en's size on one thread)."""
    corpus = write_corpus(work / "short-pairs", docs, sentences=(2, 4))
    model_args = ["--model", model, "--max-length", "40", *DRAFT]
    found = []
    for label, out, args in (
        ("--jobs 2", "default2", ["-j", 2]),
        ("--engine ray --jobs 2", "default-ray", ["--engine", "ray", "-j", 2]),
    ):
        seconds, cpu = bitext("batch", corpus, "-o", work / out, *args, *model_args)
        name = f"default job (draft + align) command, {label}"
        found.append(Measure(name, seconds, docs, load_average(), None if "ray" in label else cpu))
    return found


def ray_at_scale(work: Path, docs: int) -> list[Measure]:
    """Align-only, local ``--jobs 2`` against ``--engine ray --jobs 2`` on ``docs`` pairs:
    Ray's start (~8-10 s on 2 cores) is fixed, so its share shrinks as the corpus grows."""
    corpus = write_corpus(work / f"pairs-{docs}", docs, sentences=(15, 30))
    found = []
    for label, out, args in (
        ("--jobs 2", f"scale{docs}", ["-j", 2]),
        ("--engine ray --jobs 2", f"scale{docs}-ray", ["--engine", "ray", "-j", 2]),
    ):
        seconds, cpu = bitext("batch", corpus, "-o", work / out, "--no-draft", *args, "-q")
        name = f"align-only command, {docs} documents, {label}"
        found.append(Measure(name, seconds, docs, load_average(), None if "ray" in label else cpu))
    return found


def opus_shaped(work: Path) -> Path:
    """A MarianMT of opus-mt-zh-en's shape (512 wide, 6+6 layers, 8 heads, 2,048 FFN) with
    random weights and an 8,000-entry vocabulary (the MT benchmark's): the real model's cost
    per token, within the output layer's size, for the drafting comparisons."""
    from tests.tiny_marian import build_tiny_marian

    shape = {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048, "vocab": 8000}
    return build_tiny_marian(work / "opus-shaped", **shape, init_std=0.02, exact_vocab=True)


def drafting(work: Path, docs: int, model: Path, sample: int | None) -> list[Measure]:
    corpus = write_corpus(work / "drafts", docs, zh_only=docs, sentences=(3, 6))
    model_args = ["--model", model, "--max-length", "16", *DRAFT]
    seconds, _ = bitext("batch", corpus, "-o", work / "batch-drafts", "-j", 1, *model_args)
    found = [Measure("drafting, batch --jobs 1 (model loaded once)", seconds, docs, load_average())]
    files = sorted(corpus.glob("*.zh.md"))[: sample or docs]
    start = time.perf_counter()
    for path in files:
        bitext("run", path, "-o", work / "run-drafts", *model_args)
    per_doc = (time.perf_counter() - start) / len(files)
    label = "drafting, one bitext run per document"
    if len(files) < docs:
        label += f" ({len(files)} timed, scaled to {docs})"
    found.append(Measure(label, per_doc * docs, docs, load_average()))
    return found


def cpu_ratio(one: Measure | None, two: Measure | None) -> float:
    """What two workers would gain on two idle cores: twice one worker's CPU seconds over
    the two workers' (and their driver's) together."""
    if one is None or two is None or not one.cpu or not two.cpu:
        return float("nan")
    return round(2 * one.cpu / two.cpu, 2)


def ratios(found: list[Measure]) -> dict[str, float]:
    by = {m.name: m for m in found}

    def ratio(a: str, b: str) -> float:
        return round(by[a].seconds / by[b].seconds, 2) if a in by and b in by else float("nan")

    return {
        "align-only processing --jobs 2 / --jobs 1 docs/s (target >= 1.7)": ratio(
            "align-only processing, --jobs 1", "align-only processing, --jobs 2"
        ),
        "align-only --jobs 2 / --jobs 1 on idle cores, from CPU time (estimate)": cpu_ratio(
            by.get("align-only processing, --jobs 1"), by.get("align-only processing, --jobs 2")
        ),
        "align-only command --jobs 2 / --jobs 1 docs/s": ratio(
            "align-only command, --jobs 1", "align-only command, --jobs 2"
        ),
        "ray / local wall time, default job: draft + align, opus-mt-sized model "
        "(target <= 1.5)": ratio(
            "default job (draft + align) command, --engine ray --jobs 2",
            "default job (draft + align) command, --jobs 2",
        ),
        **{
            f"ray / local wall time, align-only, {m.docs} documents (target <= 1.5)": ratio(
                m.name, m.name.replace("--engine ray --jobs 2", "--jobs 2")
            )
            for m in found
            if m.name.startswith("align-only command, ")
            and m.name.endswith("documents, --engine ray --jobs 2")
        },
        "ray / local wall time, align-only, --docs documents": ratio(
            "align-only command, --engine ray --jobs 2", "align-only command, --jobs 2"
        ),
        "drafting: run per document / batch (target >= 5)": round(
            next(m.seconds for m in found if m.name.startswith("drafting, one"))
            / by["drafting, batch --jobs 1 (model loaded once)"].seconds,
            2,
        )
        if "drafting, batch --jobs 1 (model loaded once)" in by
        else float("nan"),
        "re-run, nothing changed, seconds (target < 2)": round(
            by["re-run, nothing changed"].seconds, 2
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200, help="document pairs (align-only)")
    parser.add_argument("--draft-docs", type=int, default=50, help="short documents to draft")
    parser.add_argument("--run-sample", type=int, default=None, help="bitext runs to time")
    parser.add_argument("--model", type=Path, default=None, help="MarianMT folder (default: tiny)")
    parser.add_argument("--no-ray", action="store_true", help="leave out the Ray measurements")
    parser.add_argument(
        "--ray-docs", type=int, default=2000, help="document pairs of the align-only Ray run"
    )
    parser.add_argument(
        "--ray-model",
        type=Path,
        default=None,
        help="MarianMT folder of the default-job Ray run (default: opus-mt-sized, random)",
    )
    parser.add_argument("--no-drafting", action="store_true", help="leave out drafting (4)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--processing", nargs=3, help=argparse.SUPPRESS)  # the child of (1)
    args = parser.parse_args()
    if args.processing:
        workers, corpus, out = args.processing
        processing_child(int(workers), Path(corpus), Path(out))
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    work = args.work or Path(tempfile.mkdtemp(prefix="bitext-bench-batch-"))
    os.environ.setdefault("BITEXT_CACHE_DIR", str(work / "cache"))
    model = args.model
    if model is None:
        from tests.tiny_marian import build_tiny_marian

        model = build_tiny_marian(work / "tiny-marian")
    found = align_only(work, args.docs, not args.no_ray)
    if not args.no_ray:
        found += ray_at_scale(work, args.ray_docs)
    if not args.no_ray and not args.no_drafting:
        found += default_job(work, args.docs, args.ray_model or opus_shaped(work))
    if not args.no_drafting:
        found += drafting(work, args.draft_docs, model, args.run_sample)
    result: dict[str, Any] = {
        "measures": [asdict(m) | {"docs_per_s": round(m.docs_per_s, 2)} for m in found]
    }
    result["ratios"] = ratios(found)
    result["cores"] = os.cpu_count()
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for m in found:
        cpu = "" if m.cpu is None else f"  cpu {m.cpu:.1f} s"
        print(f"{m.name:58} {m.seconds:8.2f} s {m.docs_per_s:7.2f} docs/s  load {m.load:.1f}{cpu}")
    for name, value in result["ratios"].items():
        print(f"{name:66} {value}")


if __name__ == "__main__":
    main()
