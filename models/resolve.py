"""Finding a model on disk: a local directory or a hub id in the normal Hugging Face cache.

We never download implicitly during a run: ``bitext models pull`` does that, on a machine with
network access. A run only uses what is already on disk, so it behaves the same offline.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from align.errors import ModelNotAvailable

MARIAN_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


@dataclass(frozen=True)
class ResolvedModel:
    """A model directory on disk plus the name and fingerprint that provenance records."""

    model_id: str
    path: Path
    revision: str
    fingerprint: str


def resolve_model(model: str, option: str = "--model") -> ResolvedModel:
    """Map ``--model`` (a directory or a hub id) to a verified local Marian model directory.

    ``option`` names where the user gave it, for messages ("" for a positional argument).
    """
    path = Path(model).expanduser()
    if path.exists() or model.startswith((".", "/", "~")) or model.count("/") > 1:
        return _resolve_dir(f"{option} {model}".strip(), path)
    return _resolve_hub_id(model)


def _resolve_dir(label: str, path: Path) -> ResolvedModel:
    if path.is_file():
        raise ModelNotAvailable(f"{label}: is a file; give the MarianMT model's folder")
    if not path.is_dir():
        raise ModelNotAvailable(f"{label}: no such directory; give a MarianMT model folder")
    check_marian_dir(path, label=label)
    return ResolvedModel(str(path.resolve()), path, "local", fingerprint_dir(path))


def check_marian_dir(path: Path, label: str) -> None:
    missing = [name for name in MARIAN_FILES if not (path / name).is_file()]
    if not any((path / w).is_file() for w in WEIGHT_FILES):
        missing.append("model.safetensors or pytorch_model.bin")
    if missing:
        raise ModelNotAvailable(
            f"{label}: not a MarianMT model folder (missing {', '.join(missing)})"
        )
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelNotAvailable(f"{label}: config.json is not valid JSON ({exc})") from exc
    if config.get("model_type") != "marian":
        raise ModelNotAvailable(
            f"{label}: config.json says model_type={config.get('model_type')!r}, not 'marian'"
        )


def _resolve_hub_id(model: str) -> ResolvedModel:
    snapshot = _cached_snapshot(model) or _download_snapshot(model)
    check_marian_dir(snapshot, label=f"cached model {model}")
    return ResolvedModel(model, snapshot, snapshot.name, fingerprint_dir(snapshot))


# The files a MarianMT checkpoint needs; skips the TF/Flax/Rust copies some hub repos carry.
HUB_PATTERNS = ["*.json", "*.spm", "pytorch_model.bin", "model.safetensors"]


def _cached_snapshot(model: str) -> Path | None:
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(model, local_files_only=True, allow_patterns=HUB_PATTERNS))
    except Exception:  # not cached, or a partial cache: both mean "not usable offline"
        return None


def _download_snapshot(model: str) -> Path:
    """Fetch into the normal HF cache when the hub is reachable; advise when it is not."""
    from huggingface_hub import snapshot_download

    advice = (
        f"model {model} is not in the local Hugging Face cache and cannot be downloaded here; "
        f"run `bitext models pull {model}` on a connected machine (or copy its HF cache), "
        "or pass --model DIR"
    )
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}:
        raise ModelNotAvailable(
            advice.replace("cannot be downloaded here", "HF_HUB_OFFLINE is set")
        )
    try:
        return Path(snapshot_download(model, allow_patterns=HUB_PATTERNS))
    except Exception as exc:  # network, auth or missing repo: all mean "get it another way"
        raise ModelNotAvailable(advice) from exc


def fingerprint_dir(path: Path) -> str:
    """A short content hash of a model folder, so a draft can be traced to exact weights.

    Small files are hashed whole; weight files by size plus their first and last MiB, which
    tells apart any two real checkpoints while costing milliseconds instead of seconds.
    """
    digest = hashlib.sha256()
    for file in sorted(p for p in path.iterdir() if p.is_file()):
        if file.name.startswith("."):
            continue
        digest.update(file.name.encode())
        size = file.stat().st_size
        digest.update(str(size).encode())
        with file.open("rb") as fh:
            if size <= 4 << 20:
                digest.update(fh.read())
            else:
                digest.update(fh.read(1 << 20))
                fh.seek(-(1 << 20), 2)
                digest.update(fh.read())
    return digest.hexdigest()[:16]
