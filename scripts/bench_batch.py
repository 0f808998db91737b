"""``bitext batch`` throughput: the issue's speed targets as ratios measured in one run.

    python scripts/bench_batch.py [--docs 200] [--draft-docs 50] [--run-sample N] [--no-ray]
                                  [--model DIR] [--work DIR] [--json]

On synthetic documents made from the seed communiqué (``tests/batch_corpus.py``):

1. align-only (``--no-draft``), ``--jobs 1`` against ``--jobs 2``: documents/s of the
   processing phase (worker start-up included, planning and the merge not) and of the whole
   command;
2. ``--engine ray --jobs 2`` against ``--jobs 2``, whole-command wall time (Ray's start
   included);
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from align.batch import BatchSettings  # noqa: E402
from align.batch_out import make_batches, plan_corpus  # noqa: E402
from align.corpus import find_documents  # noqa: E402
from align.lexicon import lexicon  # noqa: E402
from models.batch_local import run_local  # noqa: E402
from tests.batch_corpus import write_corpus  # noqa: E402

# One thread each: on a shared machine a multi-threaded torch waits on descheduled threads.
DRAFT = ["--max-length", "16", "--beam", "1", "--threads", "1", "--no-cache", "-q"]


@dataclass(frozen=True)
class Measure:
    name: str
    seconds: float
    docs: int
    load: float  # 1-minute load average when it finished
    cpu: float | None = None  # CPU seconds, this process and its workers (processing only)

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0


def load_average() -> float:
    return os.getloadavg()[0]


def bitext(*args: str | Path) -> float:
    """Wall seconds of one ``python -m cli`` command (from the repo root, this checkout)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)], cwd=REPO, capture_output=True, text=True
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"bitext {' '.join(map(str, args))} failed:\n{done.stderr}")
    return time.perf_counter() - start


def processing(corpus: Path, out: Path, workers: int) -> tuple[float, float]:
    """The engine phase alone (spawning workers included), as the progress bar sees it:
    wall seconds and CPU seconds (this process and its workers, which the pool reaps)."""
    found = find_documents(corpus)
    plan = plan_corpus(found.pairs, out, "bench")
    batches = make_batches(plan.todo, 8)
    lexicon()  # both sides pay it once in the command; here, outside the timing, for both
    before = _cpu()
    start = time.perf_counter()
    run_local(batches, BatchSettings(draft=False), None, workers, lambda jobs: None)
    return time.perf_counter() - start, _cpu() - before


def _cpu() -> float:
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def align_only(work: Path, docs: int, ray: bool) -> list[Measure]:
    corpus = write_corpus(work / "pairs", docs, sentences=(15, 30))
    found = []
    for workers in (1, 2):
        seconds, cpu = processing(corpus, work / "none", workers)
        name = f"align-only processing, --jobs {workers}"
        found.append(Measure(name, seconds, docs, load_average(), cpu))
    for workers in (1, 2):
        seconds = bitext(
            "batch", corpus, "-o", work / f"out{workers}", "--no-draft", "-j", workers, "-q"
        )
        found.append(
            Measure(f"align-only command, --jobs {workers}", seconds, docs, load_average())
        )
    if ray:
        seconds = bitext(
            "batch", corpus, "-o", work / "ray", "--no-draft", "--engine", "ray", "-j", 2, "-q"
        )
        found.append(
            Measure("align-only command, --engine ray --jobs 2", seconds, docs, load_average())
        )
    seconds = bitext("batch", corpus, "-o", work / "out2", "--no-draft", "-j", 2, "-q")
    found.append(Measure("re-run, nothing changed", seconds, docs, load_average()))
    return found


def drafting(work: Path, docs: int, model: Path, sample: int | None) -> list[Measure]:
    corpus = write_corpus(work / "drafts", docs, zh_only=docs, sentences=(3, 6))
    model_args = ["--model", model, *DRAFT]
    seconds = bitext("batch", corpus, "-o", work / "batch-drafts", "-j", 1, *model_args)
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


def ratios(found: list[Measure]) -> dict[str, float]:
    by = {m.name: m for m in found}

    def ratio(a: str, b: str) -> float:
        return round(by[a].seconds / by[b].seconds, 2) if a in by and b in by else float("nan")

    return {
        "align-only processing --jobs 2 / --jobs 1 docs/s (target >= 1.7)": ratio(
            "align-only processing, --jobs 1", "align-only processing, --jobs 2"
        ),
        "align-only --jobs 2 / --jobs 1 on idle cores, from CPU time (estimate)": round(
            2
            * by["align-only processing, --jobs 1"].cpu
            / by["align-only processing, --jobs 2"].cpu,
            2,
        )
        if "align-only processing, --jobs 1" in by
        else float("nan"),
        "align-only command --jobs 2 / --jobs 1 docs/s": ratio(
            "align-only command, --jobs 1", "align-only command, --jobs 2"
        ),
        "ray / local wall time (target <= 1.5)": ratio(
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
    parser.add_argument("--no-ray", action="store_true", help="leave out the Ray measurement")
    parser.add_argument("--no-drafting", action="store_true", help="leave out drafting (4)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    work = args.work or Path(tempfile.mkdtemp(prefix="bitext-bench-batch-"))
    os.environ.setdefault("BITEXT_CACHE_DIR", str(work / "cache"))
    model = args.model
    if model is None:
        from tests.tiny_marian import build_tiny_marian

        model = build_tiny_marian(work / "tiny-marian")
    found = align_only(work, args.docs, not args.no_ray)
    if not args.no_drafting:
        found += drafting(work, args.draft_docs, model, args.run_sample)
    result = {"measures": [asdict(m) | {"docs_per_s": round(m.docs_per_s, 2)} for m in found]}
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
