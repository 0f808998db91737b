"""MarianMT through transformers: the reference engine every other engine must agree with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from align.errors import InputError, ModelNotAvailable
from align.model import DecodingSettings, Draft
from models.base import (
    NO_CUDA,
    Penalty,
    ProgressCallback,
    bare_translate,
    plan_batches,
    split_sizes,
)
from models.pieces import MarianPieces, damaged_model
from models.resolve import ResolvedModel


@dataclass
class HFTranslator:
    """Greedy or beam decoding with batches sorted by length (less padding, same output).

    Decoding follows Marian's own rules, which CTranslate2 implements too: beam search stops once
    ``beam`` hypotheses have ended, and no end token is forced at ``max_length`` (transformers'
    default would count that forced token when ranking beams, so the engines would disagree).
    """

    resolved: ResolvedModel
    settings: DecodingSettings = field(default_factory=DecodingSettings)
    device: str = "auto"
    threads: int | None = None
    dtype: str = "float32"
    min_new_tokens: int = 0  # benchmarks force every output to the same length with this
    _model: Any = field(default=None, init=False, repr=False)
    _tokenizer: Any = field(default=None, init=False, repr=False)
    _pieces: MarianPieces | None = field(default=None, init=False, repr=False)

    @property
    def engine(self) -> str:
        """Part of the draft cache key: float16 drafts may differ from float32 ones."""
        return "hf" if self.dtype == "float32" else f"hf-{self.dtype}"

    @property
    def model_id(self) -> str:
        return self.resolved.model_id

    @property
    def fingerprint(self) -> str:
        return self.resolved.fingerprint

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def parallel_batches(self) -> int:
        return 1  # one batch at a time; torch spreads each one over the threads

    def load(self) -> None:
        import torch
        from transformers import MarianMTModel, MarianTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        if torch_device(self.device) == "cuda" and not torch.cuda.is_available():
            raise InputError(NO_CUDA.format(what="torch"))
        if self.threads:
            torch.set_num_threads(self.threads)
        path = str(self.resolved.path)
        try:
            self._tokenizer = MarianTokenizer.from_pretrained(path, local_files_only=True)
            model: Any = MarianMTModel.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError, RuntimeError) as exc:  # torch and sentencepiece: Runtime
            raise ModelNotAvailable(damaged_model(self.resolved.path, exc)) from exc
        model.generation_config.forced_eos_token_id = None
        dtype = getattr(torch, self.dtype)
        self._model = model.to(device=torch.device(torch_device(self.device)), dtype=dtype).eval()

    def count_tokens(self, text: str) -> int:
        if self._pieces is None:
            self._pieces = MarianPieces(self.resolved.path)
        return self._pieces.count(text)

    def translate(self, texts: list[str], progress: ProgressCallback | None = None) -> list[Draft]:
        return bare_translate(self, texts, progress)

    def generate(self, texts: list[str], penalty: Penalty | None = None) -> list[str]:
        """Translate ``texts`` in even batches of at most ``batch_size``, sorted by length.

        Same batch plan as CTranslate2 gets (``plan_batches``), so speed comparisons are fair;
        even batches also pad less than full ones plus a short tail.
        """
        if not texts:
            return []
        if self._model is None:
            self.load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        out: list[str] = [""] * len(texts)
        for batch_ids in split_sizes(order, plan_batches(len(order), self.settings.batch_size)):
            for i, text in zip(
                batch_ids, self._generate([texts[i] for i in batch_ids], penalty), strict=True
            ):
                out[i] = text
        return out

    def _generate(self, batch: list[str], penalty: Penalty | None) -> list[str]:
        import torch

        enc = self._tokenizer(batch, return_tensors="pt", padding=True, truncation=False)
        enc = {k: v.to(self._model.device) for k, v in enc.items()}
        extra: dict[str, Any] = {}
        if penalty is not None:
            extra = {
                "repetition_penalty": penalty.repetition_penalty,
                "no_repeat_ngram_size": penalty.no_repeat_ngram_size,
            }
        if self.min_new_tokens:
            extra["min_new_tokens"] = self.min_new_tokens
        with torch.inference_mode():
            ids = self._model.generate(
                **enc,
                num_beams=self.settings.beam,
                max_length=self.settings.max_length,
                early_stopping=True,
                do_sample=False,
                **extra,
            )
        return list(self._tokenizer.batch_decode(ids, skip_special_tokens=True))


def torch_device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
