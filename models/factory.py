"""Choosing and building an engine from command-line settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from align.cachedir import cache_root
from align.errors import InputError
from align.model import DecodingSettings
from models import DEFAULT_MODEL, store
from models.base import Engine, Translator
from models.resolve import ResolvedModel, resolve_model


class EngineChoice(StrEnum):
    """What ``--engine`` accepts; the CLI's choices, so a typo is a usage error (exit 2)."""

    AUTO = "auto"
    HF = "hf"
    CT2 = "ct2"


class ComputeType(StrEnum):
    """What ``--compute-type`` accepts (float16 and int8_float16 only on a GPU)."""

    AUTO = "auto"
    INT8 = "int8"
    FLOAT32 = "float32"
    FLOAT16 = "float16"
    INT8_FLOAT16 = "int8_float16"


class Device(StrEnum):
    """What ``--device`` accepts."""

    AUTO = "auto"
    CPU = "cpu"
    CUDA = "cuda"


ENGINES = tuple(EngineChoice)
COMPUTE_TYPES = tuple(ComputeType)
DEVICES = tuple(Device)
GPU_ONLY = ("float16", "int8_float16")


@dataclass(frozen=True)
class EngineOptions:
    model: str = DEFAULT_MODEL
    engine: str = "auto"
    settings: DecodingSettings = field(default_factory=DecodingSettings)
    device: str = "auto"
    threads: int | None = None
    compute_type: str = "auto"
    cache: bool = True


def check_options(options: EngineOptions) -> None:
    for name, value, allowed in (
        ("--engine", options.engine, ENGINES),
        ("--compute-type", options.compute_type, COMPUTE_TYPES),
        ("--device", options.device, DEVICES),
    ):
        if value not in allowed:
            raise InputError(f"{name} {value}: choose one of {', '.join(allowed)}")


def pick_engine(engine: str, resolved: ResolvedModel) -> str:
    """``auto`` means CTranslate2 when a converted copy exists, transformers otherwise."""
    if engine != "auto":
        return engine
    return "ct2" if store.find_copy(resolved.fingerprint) else "hf"


def make_engine(options: EngineOptions, resolved: ResolvedModel) -> Engine:
    """Build (not load) the engine: loading waits until a draft is actually needed."""
    if pick_engine(options.engine, resolved) == "ct2":
        from models.ct2_engine import CT2Translator, ct2_device, resolve_compute_type

        compute = resolve_compute_type(options.compute_type, options.device, resolved.fingerprint)
        if compute in GPU_ONLY and ct2_device(options.device) == "cpu":
            raise InputError(f"--compute-type {compute} needs a GPU; on a CPU use int8 or float32")
        return CT2Translator(
            resolved, options.settings, options.device, options.threads, compute_type=compute
        )
    return _hf_engine(options, resolved)


def _hf_engine(options: EngineOptions, resolved: ResolvedModel) -> Engine:
    """transformers runs float32, or float16 on a GPU; int8 is CTranslate2's alone."""
    compute = options.compute_type
    if compute.startswith("int8"):
        raise InputError(f"--compute-type {compute} needs --engine ct2 (`bitext models convert`)")
    from models.hf_engine import HFTranslator, torch_device

    if compute == "float16" and torch_device(options.device) != "cuda":
        raise InputError("--compute-type float16 needs a GPU (--device cuda); use float32 on a CPU")
    dtype = "float16" if compute == "float16" else "float32"
    return HFTranslator(
        resolved, options.settings, device=options.device, threads=options.threads, dtype=dtype
    )


def make_translator(options: EngineOptions) -> Translator:
    """Resolve the model on disk (failing fast with advice) and wrap the engine for drafting."""
    check_options(options)
    resolved = resolve_model(options.model)
    from models.drafting import DraftingTranslator

    cache = cache_root() / "drafts.sqlite3" if options.cache else None
    return DraftingTranslator(make_engine(options, resolved), cache)
