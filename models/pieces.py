"""MarianTokenizer's text ↔ sentencepiece mapping, without importing transformers.

CTranslate2 works on token strings, so it needs the exact pieces MarianTokenizer would feed the
model and the exact text MarianTokenizer would make of the output; any drift would make the two
engines disagree. Token counts for splitting long inputs come from here too, so they cost only
a sentencepiece load, never a model load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align.errors import ModelNotAvailable

EOS = "</s>"
UNK = "<unk>"
PAD = "<pad>"
SPECIALS = (EOS, UNK, PAD)
SPIECE_UNDERLINE = "\u2581"
_CLEANUPS = (
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
)


def damaged_model(folder: Path, exc: BaseException) -> str:
    """One line for a model folder whose files exist but cannot be read."""
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return (
        f"cannot load the model in {folder} ({reason}); its files look damaged: download it "
        "again (bitext models pull) or give another --model DIR"
    )


@dataclass
class MarianPieces:
    """Source encoding and target decoding exactly as ``MarianTokenizer`` does them."""

    folder: Path
    _source: Any = field(default=None, init=False, repr=False)
    _target: Any = field(default=None, init=False, repr=False)
    _config: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def _load(self) -> None:
        if self._source is not None:
            return
        import sentencepiece as spm

        try:
            config_path = self.folder / "tokenizer_config.json"
            if config_path.is_file():
                self._config = json.loads(config_path.read_text(encoding="utf-8"))
            self._source = spm.SentencePieceProcessor(model_file=str(self.folder / "source.spm"))
            self._target = spm.SentencePieceProcessor(model_file=str(self.folder / "target.spm"))
        except (OSError, ValueError, RuntimeError) as exc:  # sentencepiece raises RuntimeError
            self._source = None
            raise ModelNotAvailable(damaged_model(self.folder, exc)) from exc

    def encode(self, text: str) -> list[str]:
        """Encoder pieces ending in ``</s>``: MarianTokenizer's input ids, as strings."""
        self._load()
        code: list[str] = []
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            code, text = [text[: end + 2]], text[end + 2 :]
        return code + list(self._source.encode(text, out_type=str)) + [EOS]

    def count(self, text: str) -> int:
        return len(self.encode(text))

    def decode(self, pieces: list[str]) -> str:
        """Text of generated pieces, as ``batch_decode(..., skip_special_tokens=True)`` gives it.

        MarianTokenizer decodes with the *source* sentencepiece model unless the vocabularies
        are separate; we follow it, surprising as that is, so both engines print the same text.
        """
        self._load()
        separate = bool(self._config.get("separate_vocabs", False))
        model = self._target if separate else self._source
        kept = [p for p in pieces if p not in SPECIALS]
        text = str(model.decode_pieces(kept)).replace(SPIECE_UNDERLINE, " ").strip()
        if self._config.get("clean_up_tokenization_spaces", False):
            for old, new in _CLEANUPS:
                text = text.replace(old, new)
        return text
