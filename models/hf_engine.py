"""MarianMT through transformers: the reference engine every other engine must agree with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from align.errors import ModelNotAvailable
from align.model import DecodingSettings, Draft
from models.base import ProgressCallback
from models.resolve import ResolvedModel


@dataclass
class HFTranslator:
    """Greedy or beam decoding with batches sorted by length (less padding, same output)."""

    resolved: ResolvedModel
    settings: DecodingSettings = field(default_factory=DecodingSettings)
    device: str = "cpu"
    threads: int | None = None
    engine: str = "hf"
    _model: Any = field(default=None, init=False, repr=False)
    _tokenizer: Any = field(default=None, init=False, repr=False)

    @property
    def model_id(self) -> str:
        return self.resolved.model_id

    @property
    def fingerprint(self) -> str:
        return self.resolved.fingerprint

    def load(self) -> None:
        import torch
        from transformers import MarianMTModel, MarianTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        if self.threads:
            torch.set_num_threads(self.threads)
        ref = str(self.resolved.path) if self.resolved.revision == "local" else self.model_id
        local_only = self.resolved.revision != "local"
        try:
            self._tokenizer = MarianTokenizer.from_pretrained(ref, local_files_only=local_only)
            model: Any = MarianMTModel.from_pretrained(ref, local_files_only=local_only)
        except (OSError, ValueError) as exc:
            raise ModelNotAvailable(f"cannot load model {self.model_id}: {exc}") from exc
        self._model = model.to(torch.device(_torch_device(self.device))).eval()

    def translate(self, texts: list[str], progress: ProgressCallback | None = None) -> list[Draft]:
        if self._model is None:
            self.load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        out: list[str] = [""] * len(texts)
        size = max(1, self.settings.batch_size)
        for start in range(0, len(order), size):
            batch_ids = order[start : start + size]
            for i, text in zip(
                batch_ids, self._generate([texts[i] for i in batch_ids]), strict=True
            ):
                out[i] = text
            if progress:
                progress(len(batch_ids))
        return [self._draft(text) for text in out]

    def _generate(self, batch: list[str]) -> list[str]:
        import torch

        enc = self._tokenizer(batch, return_tensors="pt", padding=True, truncation=False)
        enc = {k: v.to(self._model.device) for k, v in enc.items()}
        with torch.inference_mode():
            ids = self._model.generate(
                **enc,
                num_beams=self.settings.beam,
                max_length=self.settings.max_length,
                do_sample=False,
            )
        return list(self._tokenizer.batch_decode(ids, skip_special_tokens=True))

    def _draft(self, text: str) -> Draft:
        return Draft(
            text=text,
            model=self.model_id,
            fingerprint=self.fingerprint,
            engine=self.engine,
            settings=self.settings,
        )


def _torch_device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
