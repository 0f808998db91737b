"""Choosing and building an engine from command-line settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from align.errors import InputError
from align.model import DecodingSettings
from models import DEFAULT_MODEL
from models.base import Translator
from models.resolve import resolve_model

ENGINES = ("auto", "hf")


@dataclass(frozen=True)
class EngineOptions:
    model: str = DEFAULT_MODEL
    engine: str = "auto"
    settings: DecodingSettings = field(default_factory=DecodingSettings)
    device: str = "cpu"
    threads: int | None = None


def make_translator(options: EngineOptions) -> Translator:
    """Resolve the model on disk (failing fast with advice) and build the requested engine."""
    if options.engine not in ENGINES:
        raise InputError(f"--engine {options.engine}: choose one of {', '.join(ENGINES)}")
    resolved = resolve_model(options.model)
    from models.hf_engine import HFTranslator

    return HFTranslator(resolved, options.settings, device=options.device, threads=options.threads)
