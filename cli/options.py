"""Option types shared by several commands: drafting (``run``, ``draft``) and language tags."""

from __future__ import annotations

from typing import Annotated

import typer

from align.errors import InputError
from align.model import DecodingSettings
from models import DEFAULT_MODEL
from models.factory import ComputeType, Device, EngineChoice, EngineOptions

ModelOpt = Annotated[
    str,
    typer.Option(
        "--model",
        "-m",
        help="Hub id (from the local Hugging Face cache) or a local MarianMT folder.",
    ),
]
DEFAULT_MODEL_ID = DEFAULT_MODEL

EngineOpt = Annotated[
    EngineChoice,
    typer.Option(
        "--engine",
        help="MT engine: auto (ct2 if a converted copy exists, else hf), hf or ct2.",
    ),
]
ComputeTypeOpt = Annotated[
    ComputeType,
    typer.Option(
        "--compute-type",
        help="Precision: auto (CPU: the ct2 copy's own; GPU: float16), int8, float32, "
        "or on a GPU float16 or int8_float16.",
    ),
]
BeamOpt = Annotated[int, typer.Option("--beam", min=1, max=16, help="Beam size (1 = greedy).")]
BatchOpt = Annotated[
    int,
    typer.Option(
        "--batch-size", min=1, help="Most sentences per model batch (batches are made even)."
    ),
]
MaxLenOpt = Annotated[
    int, typer.Option("--max-length", min=8, max=1024, help="Longest draft, in tokens.")
]
ThreadsOpt = Annotated[
    int | None, typer.Option("--threads", min=1, help="CPU threads for the model (default: all).")
]
DeviceOpt = Annotated[Device, typer.Option("--device", help="auto, cpu or cuda.")]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Neither read nor write the draft cache (always re-draft) or --semantic's vectors.",
    ),
]


def engine_options(
    model: str,
    engine: EngineChoice,
    compute_type: ComputeType,
    beam: int,
    batch_size: int,
    max_length: int,
    threads: int | None,
    device: Device,
    no_cache: bool,
) -> EngineOptions:
    """The drafting options of ``run`` and ``draft`` as one value for models.factory."""
    settings = DecodingSettings(beam=beam, max_length=max_length, batch_size=batch_size)
    return EngineOptions(
        model,
        engine.value,
        settings,
        device.value,
        threads,
        compute_type=compute_type.value,
        cache=not no_cache,
    )


def lang_tag(value: str | None) -> str | None:
    """Typer callback: a malformed language tag is a usage error (exit 2), found before any work."""
    if value is None:
        return None
    from align.formats.units import normalise_lang

    try:
        normalise_lang(value)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


def target_lang(tgt_lang: str) -> str:
    """Typer callback, so a bad tag is a usage error found before drafting, not at the TMX write."""
    from align.formats.units import lang_matches, normalise_lang

    lang_tag(tgt_lang)
    if lang_matches("zh", normalise_lang(tgt_lang)):
        raise typer.BadParameter("the source is Chinese; give the target's tag, e.g. en")
    return tgt_lang


TgtLangOpt = Annotated[
    str, typer.Option("--tgt-lang", callback=target_lang, help="Target language tag.")
]
SummaryJsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
]
