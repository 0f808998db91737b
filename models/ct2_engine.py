"""MarianMT through CTranslate2: the fast engine, run from a converted copy in bitext's cache.

Its float32 output equals the transformers engine's on the same model (tests check greedy and
beam); int8 trades a little agreement for several times the speed on a CPU.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align.errors import InputError, ModelNotAvailable
from align.model import DecodingSettings, Draft
from models import store
from models.base import (
    NO_CUDA,
    Penalty,
    ProgressCallback,
    bare_translate,
    plan_batches,
    split_sizes,
)
from models.cpu_tuning import prefer_avx512, reuse_freed_buffers
from models.pieces import MarianPieces
from models.resolve import ResolvedModel


def ct2_device(device: str) -> str:
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def resolve_compute_type(compute_type: str, device: str, fingerprint: str) -> str:
    """``auto`` is the fast type for the device, given the converted copy there is.

    On a CPU that is the copy's own quantization (int8 unless float32 was asked for). On a GPU
    it is float16: on an H200, opus-mt-shaped, 1024 sentences in batches of 64, float16 drafted
    1.3x (greedy) to 1.5x (beam 4) faster than int8_float16, which stays the choice only where the
    sole copy is int8. Decided without loading the model, because the draft cache key depends
    on it.
    """
    if compute_type != "auto":
        return compute_type
    copy = store.find_copy(fingerprint)
    if ct2_device(device) == "cuda":
        return "int8_float16" if copy is not None and copy.quantization == "int8" else "float16"
    return copy.quantization if copy is not None else "int8"


@dataclass
class CT2Translator:
    """Beam or greedy search in CTranslate2 over MarianTokenizer-identical pieces."""

    resolved: ResolvedModel
    settings: DecodingSettings = field(default_factory=DecodingSettings)
    device: str = "auto"
    threads: int | None = None
    compute_type: str = "int8"
    copy_path: Path | None = None  # a converted folder; None: find or make one in the cache
    min_new_tokens: int = 0  # benchmarks force every output to the same length with this
    _translator: Any = field(default=None, init=False, repr=False)
    _pieces: MarianPieces | None = field(default=None, init=False, repr=False)

    @property
    def engine(self) -> str:
        return f"ct2-{self.compute_type}"

    @property
    def model_id(self) -> str:
        return self.resolved.model_id

    @property
    def fingerprint(self) -> str:
        return self.resolved.fingerprint

    @property
    def loaded(self) -> bool:
        return self._translator is not None

    @property
    def parallel_batches(self) -> int:
        return thread_split(self.threads)["inter_threads"]

    def _folder(self) -> Path:
        if self.copy_path is None:
            copy = store.find_copy(self.fingerprint, self.compute_type)
            quantization = "float32" if self.compute_type == "float32" else "int8"
            self.copy_path = copy.path if copy else store.convert(self.resolved, quantization)
        return self.copy_path

    def load(self) -> None:
        import ctranslate2

        if ct2_device(self.device) == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise InputError(NO_CUDA.format(what="CTranslate2"))
        if ct2_device(self.device) == "cpu":
            prefer_avx512()  # before the first conversion or load picks the kernels
            reuse_freed_buffers()  # beam search reallocates its caches every step
        folder = self._folder()
        try:
            self._translator = ctranslate2.Translator(
                str(folder),
                device=ct2_device(self.device),
                compute_type=self.compute_type,
                **thread_split(self.threads),
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelNotAvailable(_load_advice(folder, exc)) from exc

    def pieces(self) -> MarianPieces:
        if self._pieces is None:
            self._pieces = MarianPieces(self.resolved.path)
        return self._pieces

    def count_tokens(self, text: str) -> int:
        return self.pieces().count(text)

    def translate(self, texts: list[str], progress: ProgressCallback | None = None) -> list[Draft]:
        return bare_translate(self, texts, progress)

    def generate(self, texts: list[str], penalty: Penalty | None = None) -> list[str]:
        """Translate ``texts`` in even batches sorted by token count, all submitted at once.

        Every batch is queued before any result is awaited, so the parallel workers each take
        one and neither waits for the other (``plan_batches`` makes the batches even).
        """
        if not texts:
            return []
        if self._translator is None:
            self.load()
        pieces = self.pieces()
        tokens = [pieces.encode(t) for t in texts]
        extra: dict[str, Any] = {}
        if penalty is not None:
            extra = {
                "repetition_penalty": penalty.repetition_penalty,
                "no_repeat_ngram_size": penalty.no_repeat_ngram_size,
            }
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]), reverse=True)
        plan = plan_batches(len(order), self.settings.batch_size, self.parallel_batches)
        batches = list(split_sizes(order, plan))
        out = [""] * len(texts)
        try:
            pending = [self._submit([tokens[i] for i in ids], extra) for ids in batches]
            for ids, results in zip(batches, pending, strict=True):
                for i, result in zip(ids, results, strict=True):
                    out[i] = pieces.decode(result.result().hypotheses[0])
        except RuntimeError as exc:  # e.g. a CUDA runtime the wheel was not built for
            raise ModelNotAvailable(
                f"CTranslate2 failed on {self.device} ({exc}); use --device cpu or --engine hf"
            ) from exc
        return out

    def _submit(self, batch: list[list[str]], extra: dict[str, Any]) -> Any:
        """Queue one batch on the next free worker; returns its async results."""
        assert self._translator is not None
        return self._translator.translate_batch(
            batch,
            beam_size=self.settings.beam,
            # Marian's max_length counts the decoder's start token; CTranslate2's does not.
            max_decoding_length=self.settings.max_length - 1,
            min_decoding_length=self.min_new_tokens,
            max_input_length=0,  # never truncate: long inputs are split before they get here
            max_batch_size=0,  # already planned: one job per batch
            return_scores=False,  # only the best hypothesis' text is used; scoring costs ~15%
            asynchronous=True,
            **extra,
        )


def thread_split(threads: int | None) -> dict[str, int]:
    """Spend threads on parallel batches first: two batches on one core each beat one batch on
    two cores by 15-35% on a 2-core CPU (beam 4, batch 32), since per-step work is small."""
    threads = threads or os.cpu_count() or 1
    if threads < 2:
        return {"inter_threads": 1, "intra_threads": 1}
    return {"inter_threads": 2, "intra_threads": max(1, threads // 2)}


def _load_advice(folder: Path, exc: Exception) -> str:
    reason = str(exc).splitlines()[0]
    return (
        f"cannot load CTranslate2 copy {folder} ({reason}); make it again with "
        "bitext models convert MODEL --force, or use --engine hf"
    )
