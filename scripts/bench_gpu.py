"""GPU drafting speed: hf float32/float16 vs ct2 float16/int8_float16 on an opus-shaped model.

Self-contained: builds the random opus-mt-shaped model (d_model 512, 6+6 layers, 8 heads,
ffn 2048, vocab 8000), converts it, forces every output to the same length and prints one JSON
object (tokens/s per engine and beam, ratios to hf float32) on stdout.

    python scripts/bench_gpu.py                      # cuda, 100 sentences, beams 1 and 4
    python scripts/bench_gpu.py --device cpu --quick # smoke test anywhere
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

GPU_KINDS = ("hf-float32", "hf-float16", "ct2-float16", "ct2-int8_float16")
CPU_KINDS = ("hf-float32", "ct2-float32", "ct2-int8")


def build(workdir: Path, quick: bool) -> Path:
    from tests.tiny_marian import build_tiny_marian

    shape = {"d_model": 64, "layers": 2, "heads": 2, "ffn": 128, "vocab": 1000}
    if not quick:
        shape = {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048, "vocab": 8000}
    return build_tiny_marian(workdir / "opus-shaped", **shape, init_std=0.02, exact_vocab=True)


def engine(kind: str, model: Path, beam: int, args: argparse.Namespace) -> object:
    from align.model import DecodingSettings
    from models import store
    from models.ct2_engine import CT2Translator
    from models.hf_engine import HFTranslator
    from models.resolve import resolve_model

    resolved = resolve_model(str(model))
    settings = DecodingSettings(beam=beam, max_length=args.new_tokens + 1, batch_size=args.batch)
    name, dtype = kind.split("-", 1)
    if name == "hf":
        return HFTranslator(
            resolved,
            settings,
            args.device,
            args.threads,
            dtype=dtype,
            min_new_tokens=args.new_tokens,
        )
    weights = "float32" if dtype in ("float32", "float16") else "int8"
    return CT2Translator(
        resolved,
        settings,
        args.device,
        args.threads,
        compute_type=dtype,
        copy_path=store.convert(resolved, weights),
        min_new_tokens=args.new_tokens,
    )


def measure(eng: object, texts: list[str], device: str) -> float:
    eng.load()  # type: ignore[attr-defined]
    eng.generate(texts)  # type: ignore[attr-defined]  # warm-up: kernels, allocator, caches
    sync = lambda: None  # noqa: E731
    if device != "cpu" and eng.__class__.__name__ == "HFTranslator":
        import torch

        sync = torch.cuda.synchronize
    sync()
    started = time.perf_counter()
    eng.generate(texts)  # type: ignore[attr-defined]
    sync()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--quick", action="store_true", help="tiny model, 12 sentences")
    parser.add_argument("--sentences", type=int, default=100)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--beams", default="1,4")
    parser.add_argument("--kinds", default="", help="comma-separated, e.g. hf-float32,ct2-int8")
    args = parser.parse_args()
    if args.quick:
        args.sentences, args.new_tokens = 12, 16
    import os

    from align.segment import segment

    seed = REPO / "seeds" / "sco-foreign-ministers-2002-11-23.zh.md"
    sents = [s.text for s in segment(seed.read_text(encoding="utf-8"), "zh")]
    texts = [sents[i % len(sents)] for i in range(args.sentences)]
    kinds = CPU_KINDS if args.device == "cpu" else GPU_KINDS
    if args.kinds:
        kinds = tuple(args.kinds.split(","))
    results: dict[str, float] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BITEXT_CACHE_DIR"] = str(Path(tmp) / "cache")
        model = build(Path(tmp), args.quick)
        for beam in (int(b) for b in args.beams.split(",")):
            for kind in kinds:
                name = f"{kind} beam{beam}"
                try:
                    seconds = measure(engine(kind, model, beam, args), texts, args.device)
                except Exception as exc:  # one engine missing a runtime must not hide the others
                    failures[name] = f"{type(exc).__name__}: {exc}"[:300]
                    print(f"{name}: FAILED {failures[name]}", file=sys.stderr)
                    continue
                results[name] = round(len(texts) * args.new_tokens / seconds, 1)
                print(f"{name}: {results[name]} tok/s", file=sys.stderr)
    ratios = {
        name: round(value / results[f"{kinds[0]} {name.split()[-1]}"], 2)
        for name, value in results.items()
        if f"{kinds[0]} {name.split()[-1]}" in results
    }
    report = {
        "device": args.device,
        "sentences": len(texts),
        "new_tokens": args.new_tokens,
        "batch": args.batch,
        "tokens_per_s": results,
        "ratio_to_hf_float32": ratios,
        "failures": failures,
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
