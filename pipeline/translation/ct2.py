"""The ``ct2`` backend: CTranslate2 with SentencePiece, int8 on the CPU.

Two model folder layouts load (``--model PATH``, or a model installed by ``duet models install``):
- an OPUS-MT model converted for CTranslate2: ``model.bin``, ``config.json``, a vocabulary file,
  ``source.spm`` and ``target.spm``; models with several target languages (opus-mt-en-zh) expect a
  ``>>lang<<`` token first in every input, found in the model's vocabulary;
- an unpacked Argos Translate package: ``metadata.json``, ``model/`` and ``sentencepiece.model``.
ctranslate2 and sentencepiece come with the ``mt`` extra (``pip install 'duet-pipeline[mt]'``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import regex

from ..glossary import Glossary
from ..rules import ConfigError
from .backends import Translation, TranslationError
from .units import Unit

DEFAULT_BEAM_SIZE = 2
MAX_BATCH_SIZE = 32
MAX_DECODING_LENGTH = 256  # tokens per output: a fixed bound, so that no output depends on its batch
_LANG_TOKEN = regex.compile(r">>([A-Za-z_]+)<<")
# Target tokens to look for, best first (OPUS-MT names Chinese by ISO 639-3 and script).
TARGET_TOKENS = {"zh": ("cmn_Hans", "zho_Hans", "cmn", "zho", "zh"), "en": ("eng", "en")}
INFO_FILE = "duet-model.json"  # written by the installer: {"source": "zh", "target": "en", ...}


@dataclass(frozen=True)
class ModelFolder:
    """A model folder on disk, its layout resolved."""

    root: Path  # the folder given or installed
    model: Path  # the CTranslate2 model (model.bin inside)
    source_spm: Path
    target_spm: Path
    layout: str  # argos | opus-mt
    source: str | None  # the direction, when the folder says it
    target: str | None

    @property
    def model_id(self) -> str:
        """Names the model for the translation memory: folder name and a digest of its weights' head."""
        h = hashlib.sha256()
        weights = self.model / "model.bin"
        h.update(str(weights.stat().st_size).encode())
        with open(weights, "rb") as f:
            h.update(f.read(1 << 20))
        return f"{self.root.name}:{h.hexdigest()[:12]}"


def find_model(path: Path) -> ModelFolder:
    """Resolve a model folder in either layout, or raise ``ConfigError`` saying what is missing."""
    root = Path(path)
    if not root.is_dir():
        raise ConfigError(f"{root}: model folder not found")
    inner = [p for p in root.iterdir() if p.is_dir() and (p / "metadata.json").is_file()]
    if not (root / "metadata.json").is_file() and len(inner) == 1:
        root = inner[0]  # an Argos zip unpacks into one folder
    info = _read_json(root / INFO_FILE) if (root / INFO_FILE).is_file() else {}
    if (root / "metadata.json").is_file():
        meta = _read_json(root / "metadata.json")
        spm = root / "sentencepiece.model"
        if not (root / "model" / "model.bin").is_file() or not spm.is_file():
            raise ConfigError(f"{root}: an Argos package needs model/model.bin and sentencepiece.model")
        return ModelFolder(root, root / "model", spm, spm, "argos", meta.get("from_code"), meta.get("to_code"))
    if (root / "model.bin").is_file():
        missing = [n for n in ("source.spm", "target.spm") if not (root / n).is_file()]
        if missing:
            raise ConfigError(f"{root}: a converted OPUS-MT model needs {' and '.join(missing)}")
        return ModelFolder(root, root, root / "source.spm", root / "target.spm", "opus-mt",
                           info.get("source"), info.get("target"))
    raise ConfigError(f"{root}: not a model folder (expected model.bin with source.spm/target.spm, "
                      "or an Argos package with metadata.json, model/ and sentencepiece.model)")


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not readable JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a JSON object")
    return data


def vocabulary(model: Path) -> list[str]:
    """The source vocabulary of a CTranslate2 model folder (JSON list or one token a line)."""
    for name in ("shared_vocabulary", "source_vocabulary"):
        for suffix, read in ((".json", lambda p: json.loads(p.read_text("utf-8"))),
                             (".txt", lambda p: p.read_text("utf-8").splitlines())):
            p = model / (name + suffix)
            if p.is_file():
                return list(read(p))
    return []


def target_token(model: Path, target: str) -> str | None:
    """The ``>>lang<<`` token a multi-target model needs for ``target`` (None if it needs none)."""
    langs = {m.group(1) for tok in vocabulary(model) if (m := _LANG_TOKEN.fullmatch(tok))}
    if not langs:
        return None
    for want in TARGET_TOKENS.get(target, (target,)):
        if want in langs:
            return f">>{want}<<"
    prefix = TARGET_TOKENS.get(target, (target,))[0][:3]
    close = sorted(lang for lang in langs if lang.startswith(prefix))
    if close:
        return f">>{close[0]}<<"
    raise ConfigError(f"{model}: the model needs a target language token and has none for {target} "
                      f"(it knows {', '.join(sorted(langs)[:10])})")


class Ct2Backend:
    """Loads the model once; translates units in batches."""

    name = "ct2"

    def __init__(self, folder: ModelFolder, target: str, *, beam_size: int = DEFAULT_BEAM_SIZE,
                 compute_type: str = "int8", threads: int = 0):
        try:
            import ctranslate2
            import sentencepiece
        except ImportError:
            raise ConfigError("--translator ct2 needs ctranslate2 and sentencepiece: "
                              "pip install 'duet-pipeline[mt]'") from None
        self.folder = folder
        self.model_id = folder.model_id
        self.beam_size = max(1, beam_size)
        self.prefix = target_token(folder.model, target)
        try:
            self.translator = ctranslate2.Translator(str(folder.model), device="cpu", compute_type=compute_type,
                                                     inter_threads=1, intra_threads=threads)
            self.source_sp = sentencepiece.SentencePieceProcessor(model_file=str(folder.source_spm))
            self.target_sp = (self.source_sp if folder.target_spm == folder.source_spm else
                              sentencepiece.SentencePieceProcessor(model_file=str(folder.target_spm)))
        except (RuntimeError, OSError, ValueError) as exc:
            raise ConfigError(f"{folder.root}: cannot load the model: {exc}") from None

    def translate(self, units: Sequence[Unit], source: str, target: str,
                  glossary: Glossary) -> list[Translation]:
        if not units:
            return []
        tokens = [self.source_sp.encode(u.text, out_type=str) for u in units]
        if self.prefix:
            tokens = [[self.prefix, *t] for t in tokens]
        try:
            results = self.translator.translate_batch(
                tokens, max_batch_size=MAX_BATCH_SIZE, beam_size=self.beam_size,
                max_decoding_length=MAX_DECODING_LENGTH, min_decoding_length=1, replace_unknowns=True)
        except (RuntimeError, ValueError) as exc:
            raise TranslationError(f"ct2: {exc}") from None
        if len(results) != len(units):
            raise TranslationError(f"ct2: {len(results)} outputs for {len(units)} inputs")
        return [Translation(self._detokenize(r.hypotheses[0]), "mt") for r in results]

    def _detokenize(self, pieces: list[str]) -> str:
        pieces = [p for p in pieces if not _LANG_TOKEN.fullmatch(p)]
        return self.target_sp.decode_pieces(pieces).strip()
