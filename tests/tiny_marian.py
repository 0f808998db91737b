"""Build a tiny MarianMT model folder shaped like Helsinki-NLP/opus-mt-zh-en, for offline tests.

Random weights, its own sentencepiece models (trained on the seed communiqué and a few English
lines), the real model's file set and config keys (``../shared/reference``) with tiny sizes.
Its output is meaningless but deterministic, which is what tests of loading, batching,
caching and engine agreement need.

    python -m tests.tiny_marian OUTDIR [--d-model 64] [--layers 2] [--vocab 1000] [--exact-vocab]
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "sco-foreign-ministers-2002-11-23.zh.md"

ENGLISH = """\
The ministers of foreign affairs met in Moscow on 23 November 2002.
The Shanghai Cooperation Organization held a meeting of its foreign ministers.
The parties agreed to deepen multilateral cooperation within the framework of the Organization.
The ministers exchanged views on the international situation and on urgent regional questions.
They supported the efforts of the international community to fight terrorism and separatism.
The meeting noted that the secretariat will be established in Beijing.
Resolution 1441 of the Security Council on Iraq will help to settle the question peacefully.
The member states are ready to cooperate with all interested countries and organizations.
Peace, stability and development in Central Asia remain the first priority of the member states.
The Charter of the United Nations guides cooperation on the basis of equality.
"""

# Keys and values of the real config that must survive; sizes are overridden below.
REAL_CONFIG = {
    "activation_dropout": 0.0,
    "activation_function": "swish",
    "add_bias_logits": False,
    "add_final_layer_norm": False,
    "architectures": ["MarianMTModel"],
    "attention_dropout": 0.0,
    "bos_token_id": 0,
    "classif_dropout": 0.0,
    "decoder_layerdrop": 0.0,
    "dropout": 0.1,
    "encoder_layerdrop": 0.0,
    "eos_token_id": 0,
    "is_encoder_decoder": True,
    "max_length": 512,
    "max_position_embeddings": 512,
    "model_type": "marian",
    "normalize_before": False,
    "normalize_embedding": False,
    "num_beams": 6,
    "scale_embedding": True,
    "static_position_embeddings": True,
}


def _train_spm(lines: list[str], vocab_size: int, char_coverage: float) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=vocab_size,
        character_coverage=char_coverage,
        model_type="unigram",
        hard_vocab_limit=False,
        unk_id=1,
        bos_id=-1,
        eos_id=0,
        pad_id=-1,
        unk_piece="<unk>",
        eos_piece="</s>",
        minloglevel=2,
    )
    return model.getvalue()


def _pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def build_tiny_marian(
    out: Path,
    *,
    d_model: int = 64,
    layers: int = 2,
    heads: int = 2,
    ffn: int = 128,
    vocab: int = 1000,
    seed: int = 0,
    init_std: float = 0.5,
    exact_vocab: bool = False,
) -> Path:
    """Write a loadable MarianMT folder to ``out`` and return it.

    ``exact_vocab`` pads the vocabulary with filler tokens to exactly ``vocab`` entries, for
    benchmarks whose cost depends on the output layer's size.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    zh_lines = [ln for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    en_lines = ENGLISH.splitlines()
    src = _train_spm(zh_lines + en_lines, vocab * 4 // 5, 1.0)
    tgt = _train_spm(en_lines * 3, vocab // 5, 1.0)
    (out / "source.spm").write_bytes(src)
    (out / "target.spm").write_bytes(tgt)

    tokens = ["</s>", "<unk>"]
    for piece in _pieces(src) + _pieces(tgt):
        if piece not in tokens:
            tokens.append(piece)
    while exact_vocab and len(tokens) < vocab - 1:
        tokens.append(f"<filler{len(tokens)}>")
    tokens.append("<pad>")  # the real vocabulary ends with <pad> (id 65000 of 65001)
    vocab_map = {tok: i for i, tok in enumerate(tokens)}
    (out / "vocab.json").write_text(json.dumps(vocab_map, ensure_ascii=False), encoding="utf-8")
    pad = len(tokens) - 1

    config = MarianConfig(
        **REAL_CONFIG,
        vocab_size=len(tokens),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        num_hidden_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        bad_words_ids=[[pad]],
        extra_pos_embeddings=len(tokens),
        init_std=init_std,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.save_pretrained(out)
    # The published checkpoint ships pytorch_model.bin; keep that file set.
    for stale in out.glob("*.safetensors"):
        stale.unlink()
    torch.save(model.state_dict(), out / "pytorch_model.bin")
    generation = {
        "bad_words_ids": [[pad]],
        "bos_token_id": 0,
        "decoder_start_token_id": pad,
        "eos_token_id": 0,
        "forced_eos_token_id": 0,
        "max_length": 512,
        "num_beams": 6,
        "pad_token_id": pad,
    }
    (out / "generation_config.json").write_text(json.dumps(generation, indent=2), encoding="utf-8")
    tok_config = {
        "source_lang": "zho",
        "target_lang": "eng",
        "model_max_length": 512,
        "separate_vocabs": False,
        "tokenizer_class": "MarianTokenizer",
    }
    (out / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2), encoding="utf-8")
    metadata = {
        "note": "tiny random MarianMT built by tests/tiny_marian.py for offline tests",
        "shaped_like": "Helsinki-NLP/opus-mt-zh-en",
        "seed": seed,
    }
    (out / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return out


def with_eos_bias(model: Path, out: Path, bias: float = 10.0) -> Path:
    """Copy ``model`` with a bias towards the end token, so random drafts end at varied lengths.

    Plain random weights almost never emit ``</s>``, so every draft runs to ``max_length`` and an
    engine-agreement test would never exercise how beams that end early are ranked.
    """
    import shutil

    import torch

    out = Path(out)
    if (out / "pytorch_model.bin").is_file():
        return out
    shutil.copytree(model, out)
    state = torch.load(out / "pytorch_model.bin")
    state["final_logits_bias"][0, 0] = bias
    torch.save(state, out / "pytorch_model.bin")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--d-model", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--vocab", type=int, default=1000)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--ffn", type=int, default=128)
    parser.add_argument("--init-std", type=float, default=0.5)
    parser.add_argument("--exact-vocab", action="store_true", help="pad vocab.json to --vocab")
    args = parser.parse_args()
    path = build_tiny_marian(
        args.outdir,
        d_model=args.d_model,
        layers=args.layers,
        heads=args.heads,
        ffn=args.ffn,
        vocab=args.vocab,
        init_std=args.init_std,
        exact_vocab=args.exact_vocab,
    )
    print(path)


if __name__ == "__main__":
    main()
