"""A tiny CTranslate2 model built without torch, in both folder layouts duet loads.

Seeded numpy weights fill a 2-layer Transformer spec; the vocabulary comes from a SentencePiece model
trained in memory on a few sentences. The output is meaningless but deterministic: enough to drive the
real loading, tokenizing, batching and detokenizing code. Building one takes well under a second.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import regex

SENTENCES = [
    "今天天气很好。", "The weather is good today.", "关工委组织五老参加活动。",
    "The committee organised events for young people.", "教育青少年是重要的工作。",
    "Education of young people is important work.", "坚持以服务青少年成长为主线。",
    "We will deepen education in core socialist values.",
]
DIM, FFN = 16, 32
END_BIAS = 2.5  # makes the end token likely enough that outputs stop after a few tokens


def _sentencepiece() -> bytes:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES * 4), model_writer=buf, vocab_size=100, hard_vocab_limit=False,
        character_coverage=1.0, bos_id=-1, eos_id=-1, pad_id=-1, unk_id=0, minloglevel=2)
    return buf.getvalue()


def _shape(name: str, vocab: int) -> tuple[int, ...]:
    parts = name.split("/")
    leaf, parent = parts[-1], parts[-2]
    block = parts[-3] if len(parts) >= 3 else ""
    if parent.startswith("embeddings") or parent == "projection":
        return (vocab, DIM)
    if leaf in ("gamma", "beta"):
        return (DIM,)
    if block == "ffn":
        return (FFN, DIM) if parent == "linear_0" else (DIM, FFN)
    if block == "self_attention":
        return (3 * DIM, DIM) if parent == "linear_0" else (DIM, DIM)
    return {"linear_0": (DIM, DIM), "linear_1": (2 * DIM, DIM), "linear_2": (DIM, DIM)}[parent]


def save_model(folder: Path, pieces: list[str], target_pieces: list[str] | None = None, seed: int = 0) -> None:
    """A CTranslate2 model with ``pieces`` as source vocabulary and ``target_pieces`` (default the same)
    as target vocabulary; ``<unk>``, ``<blank>`` and ``<s>`` are never produced, so that every output is in
    the target's script."""
    import ctranslate2
    from ctranslate2.specs import model_spec

    vocab = ["<blank>", "<s>", "</s>", *pieces]
    target_vocab = ["<blank>", "<s>", "</s>", *(target_pieces if target_pieces is not None else pieces)]
    spec = ctranslate2.specs.TransformerSpec.from_config(2, 2)
    rng = np.random.default_rng(seed)

    def fill(layer, name, value):
        if value is None:
            leaf = name.split("/")[-1]
            is_target = name.startswith("decoder/embeddings") or name.startswith("decoder/projection")
            shape = _shape(name, len(target_vocab) if is_target else len(vocab))
            if leaf == "gamma":
                array = np.ones(shape, np.float32)
            elif leaf == "beta":
                array = np.zeros(shape, np.float32)
            else:
                array = rng.normal(0, 0.5, shape).astype(np.float32)
            setattr(layer, leaf, array)

    model_spec.visit_spec(spec, fill)
    bias = np.zeros(len(target_vocab), np.float32)
    for special in ("<unk>", "<blank>", "<s>"):  # never produced: they would show as Latin text
        bias[target_vocab.index(special)] = -1e4
    bias[target_vocab.index("</s>")] = END_BIAS
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(target_vocab)
    spec.validate()
    spec.optimize("int8")
    folder.mkdir(parents=True, exist_ok=True)
    spec.save(str(folder))


def _pieces(target: str) -> tuple[list[str], list[str]]:
    """All pieces (source side) and the pieces of the target's script (target side)."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=_sentencepiece())
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    han = regex.compile(r"\p{Han}")
    latin = regex.compile(r"\p{Latin}")
    script = han if target == "zh" else latin
    other = latin if target == "zh" else han
    return pieces, ["<unk>"] + [p for p in pieces if p != "<unk>" and script.search(p) and not other.search(p)]


def build_opus_mt(folder: Path, source: str = "en", target: str = "zh", *, target_tokens: tuple[str, ...] = (),
                  seed: int = 0) -> Path:
    """The layout of an OPUS-MT model converted for CTranslate2: model.bin, source.spm, target.spm.
    ``target_tokens`` (``cmn_Hans``) make it a multi-target model that needs ``>>lang<<`` first."""
    proto = _sentencepiece()
    pieces, target_pieces = _pieces(target)
    save_model(folder, pieces + [f">>{t}<<" for t in target_tokens], target_pieces, seed)
    (folder / "source.spm").write_bytes(proto)
    (folder / "target.spm").write_bytes(proto)
    return folder


def build_argos(folder: Path, source: str = "zh", target: str = "en", seed: int = 0) -> Path:
    """The layout of an unpacked Argos Translate package: metadata.json, model/, sentencepiece.model."""
    proto = _sentencepiece()
    pieces, target_pieces = _pieces(target)
    save_model(folder / "model", pieces, target_pieces, seed)
    (folder / "sentencepiece.model").write_bytes(proto)
    (folder / "metadata.json").write_text(json.dumps({
        "package_version": "1.9", "argos_version": "1.9", "from_code": source, "to_code": target,
        "from_name": source, "to_name": target}), "utf-8")
    return folder
