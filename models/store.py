"""Model management: where models and their CTranslate2 copies live, and how they get there.

Hub models live in the normal Hugging Face cache (``bitext models pull``); converted copies live
under bitext's own cache dir (``BITEXT_CACHE_DIR`` or the platform's user cache dir), one folder
per model fingerprint and quantization, so a copy can never be used with other weights.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from align.cachedir import cache_root
from align.errors import InputError, ModelNotAvailable
from models.resolve import ResolvedModel, check_marian_dir, fingerprint_dir


class Quantization(StrEnum):
    """What ``bitext models convert --quantization`` accepts (CTranslate2's weight types)."""

    INT8 = "int8"
    FLOAT32 = "float32"
    INT8_FLOAT32 = "int8_float32"
    FLOAT16 = "float16"
    INT8_FLOAT16 = "int8_float16"
    BFLOAT16 = "bfloat16"


QUANTIZATIONS = tuple(Quantization)
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")
COPY_INFO = "bitext-convert.json"
HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?")  # "owner/name" or "name"


def ct2_root() -> Path:
    return cache_root() / "ct2"


@dataclass(frozen=True)
class ConvertedCopy:
    """A CTranslate2 copy of one model, as recorded next to it when it was converted."""

    model_id: str
    fingerprint: str
    quantization: str
    path: Path
    size: int
    created: str


def copy_dir(fingerprint: str, quantization: str) -> Path:
    return ct2_root() / f"{fingerprint}-{quantization}"


def converted_copies(fingerprint: str | None = None) -> list[ConvertedCopy]:
    """Every finished copy (optionally of one model); half-written ones have no info file yet."""
    root = ct2_root()
    if not root.is_dir():
        return []
    copies = []
    for info in sorted(root.glob(f"*/{COPY_INFO}")):
        try:
            data = json.loads(info.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if fingerprint is None or data.get("fingerprint") == fingerprint:
            copies.append(
                ConvertedCopy(
                    model_id=str(data.get("model_id", "?")),
                    fingerprint=str(data.get("fingerprint", "?")),
                    quantization=str(data.get("quantization", "?")),
                    path=info.parent,
                    size=dir_size(info.parent),
                    created=str(data.get("created", "")),
                )
            )
    return copies


def find_copy(fingerprint: str, compute_type: str | None = None) -> ConvertedCopy | None:
    """The copy to run ``compute_type`` from: float32 needs float32 weights; int8 takes either
    (CTranslate2 quantizes float32 weights on load, to the same values a conversion gives)."""
    copies = {c.quantization: c for c in converted_copies(fingerprint)}
    if compute_type in (None, "auto"):
        return copies.get("int8") or copies.get("float32") or next(iter(copies.values()), None)
    if compute_type.startswith("int8"):
        return copies.get(compute_type) or copies.get("int8") or copies.get("float32")
    return copies.get(compute_type) or copies.get("float32")


def convert(resolved: ResolvedModel, quantization: str = "int8", force: bool = False) -> Path:
    """Convert a Marian folder with CTranslate2's converter into the cache; atomic by rename."""
    if quantization not in QUANTIZATIONS:
        raise InputError(f"--quantization {quantization}: choose one of {', '.join(QUANTIZATIONS)}")
    target = copy_dir(resolved.fingerprint, quantization)
    if (target / COPY_INFO).is_file() and not force:
        return target
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    work = staging_dir(target)
    try:
        files = [f for f in TOKENIZER_FILES if (resolved.path / f).is_file()]
        converter = TransformersConverter(str(resolved.path), copy_files=files)
        converter.convert(str(work / "model"), quantization=quantization, force=True)
        info = {
            "model_id": resolved.model_id,
            "fingerprint": resolved.fingerprint,
            "revision": resolved.revision,
            "quantization": quantization,
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        (work / "model" / COPY_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        (work / "model").rename(target)
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelNotAvailable(f"cannot convert {resolved.model_id}: {exc}") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def staging_dir(target: Path) -> Path:
    """A fresh folder beside ``target`` to build it in, then rename into place (atomic)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise InputError(
            f"{target.parent}: cannot write converted models here ({exc.strerror}); "
            "set BITEXT_CACHE_DIR to a writable folder"
        ) from exc


def check_hub_id(model_id: str) -> None:
    """Before announcing a download: a local folder or a malformed id is not one."""
    if Path(model_id).is_dir():
        raise InputError(f"{model_id}: a local folder needs no download; use --model {model_id}")
    if not HUB_ID.fullmatch(model_id):
        raise InputError(
            f"{model_id}: not a hub model id (owner/name, e.g. Helsinki-NLP/opus-mt-zh-en)"
        )


def pull(model_id: str) -> Path:
    """Download a hub model into the normal HF cache; one clear error when offline."""
    check_hub_id(model_id)
    offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}
    if offline:
        raise ModelNotAvailable(
            f"cannot download {model_id}: HF_HUB_OFFLINE is set; unset it on a connected machine"
        )
    from huggingface_hub import snapshot_download

    try:
        path = Path(snapshot_download(model_id))
    except Exception as exc:  # hub errors come from requests, httpx and the hub client alike
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelNotAvailable(
            f"cannot download {model_id} ({reason}); check the id and the network, "
            "or copy a Hugging Face cache and pass --model DIR"
        ) from exc
    check_marian_dir(path, label=f"downloaded model {model_id}")
    return path


@dataclass(frozen=True)
class CachedModel:
    """A Marian model in the Hugging Face cache."""

    model_id: str
    revision: str
    path: Path
    size: int
    fingerprint: str


def cached_models() -> list[CachedModel]:
    """Marian models in the local Hugging Face cache (other model types are not ours to list)."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir()
    except (CacheNotFound, OSError, ValueError):
        return []
    found = []
    for repo in sorted(info.repos, key=lambda r: r.repo_id):
        for rev in repo.revisions:
            try:
                check_marian_dir(rev.snapshot_path, label=repo.repo_id)
            except ModelNotAvailable:
                continue
            found.append(
                CachedModel(
                    repo.repo_id,
                    rev.commit_hash,
                    rev.snapshot_path,
                    rev.size_on_disk,
                    fingerprint_dir(rev.snapshot_path),
                )
            )
    return found


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def as_json(item: CachedModel | ConvertedCopy) -> dict[str, object]:
    data = asdict(item)
    data["path"] = str(data["path"])
    return data
