"""Option types shared by the commands that draft (``run``, ``draft``)."""

from __future__ import annotations

from typing import Annotated

import typer

from models import DEFAULT_MODEL

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
    str, typer.Option("--engine", help="MT engine: auto, hf (transformers) or ct2 (CTranslate2).")
]
BeamOpt = Annotated[int, typer.Option("--beam", min=1, max=16, help="Beam size (1 = greedy).")]
BatchOpt = Annotated[int, typer.Option("--batch-size", min=1, help="Sentences per model batch.")]
MaxLenOpt = Annotated[
    int, typer.Option("--max-length", min=8, max=1024, help="Longest draft, in tokens.")
]
ThreadsOpt = Annotated[
    int | None, typer.Option("--threads", min=1, help="CPU threads for the model (default: all).")
]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")]
