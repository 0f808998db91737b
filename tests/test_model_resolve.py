"""Model lookup: local folders, the Hugging Face cache layout, and offline behaviour."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from align.errors import ModelNotAvailable
from models.resolve import fingerprint_dir, resolve_model


def install_in_hf_cache(model_dir: Path, repo_id: str, revision: str = "0123abcd") -> Path:
    """Lay out a model exactly as huggingface_hub caches a download (snapshots + refs/main)."""
    from huggingface_hub import constants

    repo = Path(constants.HF_HUB_CACHE) / f"models--{repo_id.replace('/', '--')}"
    snapshot = repo / "snapshots" / revision
    shutil.copytree(model_dir, snapshot, dirs_exist_ok=True)
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(revision)
    return snapshot


def test_hub_id_resolves_from_the_hf_cache_offline(tiny_model: Path) -> None:
    install_in_hf_cache(tiny_model, "example-org/opus-mt-tiny-zh-en", "feedface")
    resolved = resolve_model("example-org/opus-mt-tiny-zh-en")
    assert resolved.model_id == "example-org/opus-mt-tiny-zh-en"
    assert resolved.revision == "feedface"
    assert resolved.fingerprint == fingerprint_dir(tiny_model)


def test_hub_model_drafts_through_from_pretrained(tiny_model: Path) -> None:
    from align.model import DecodingSettings
    from models.hf_engine import HFTranslator

    install_in_hf_cache(tiny_model, "example-org/opus-mt-tiny-b", "cafe01")
    translator = HFTranslator(
        resolve_model("example-org/opus-mt-tiny-b"), DecodingSettings(beam=1, max_length=12)
    )
    drafts = translator.translate(["部长们交换了意见。", "会议在莫斯科举行。"])
    assert len(drafts) == 2
    assert all(d.model == "example-org/opus-mt-tiny-b" and d.engine == "hf" for d in drafts)


def test_uncached_hub_id_offline_gives_advice() -> None:
    with pytest.raises(ModelNotAvailable, match="bitext models pull .* --model DIR"):
        resolve_model("example-org/not-downloaded")


def test_fingerprint_changes_with_weights(tiny_model: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(tiny_model, tmp_path / "copy"))
    assert fingerprint_dir(copy) == fingerprint_dir(tiny_model)
    with (copy / "pytorch_model.bin").open("r+b") as fh:
        fh.seek(-10, 2)
        fh.write(b"0123456789")
    assert fingerprint_dir(copy) != fingerprint_dir(tiny_model)


def test_same_draft_for_same_input_regardless_of_batch(tiny_model: Path) -> None:
    """Sorting by length and batching must not change what each sentence gets."""
    from align.model import DecodingSettings
    from models.hf_engine import HFTranslator

    texts = ["部长们交换了意见。", "会议在莫斯科举行并讨论了迫切的国际问题。", "合作。"]
    resolved = resolve_model(str(tiny_model))
    one = HFTranslator(resolved, DecodingSettings(beam=1, max_length=12, batch_size=1))
    many = HFTranslator(resolved, DecodingSettings(beam=1, max_length=12, batch_size=8))
    assert [d.text for d in one.translate(texts)] == [d.text for d in many.translate(texts)]
