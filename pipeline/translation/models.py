"""Translation models on disk: ``duet models install zh-en|en-zh [--from PATH|URL]`` and ``duet models list``.

Sources:
- default: the Argos Translate package index (``DUET_ARGOS_INDEX`` overrides its URL): the newest
  package for the direction is downloaded, checked against the index's checksum when it has one;
- ``--source opus-mt``: the OPUS-MT model ``Helsinki-NLP/opus-mt-SRC-TGT`` from the Hugging Face hub
  (``HF_ENDPOINT`` overrides the host), converted for CTranslate2 (needs transformers and torch);
- ``--from PATH|URL``: an ``.argosmodel`` package, a zip or tar archive, or a folder, holding an Argos
  package, a converted OPUS-MT model, or an original OPUS-MT (Marian) model, converted on the spot.

Every model is verified before it replaces an installed one: the layout is complete, the direction is the
one asked for, and it loads and translates a probe sentence. It is unpacked into
``<cache>/models/<direction>/`` (``DUET_CACHE_DIR``, else the platform cache folder) with a
``duet-model.json`` saying where it came from.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..rules import ConfigError
from .cache import models_dir
from .ct2 import INFO_FILE, ModelFolder, find_model

ARGOS_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
HF_ENDPOINT = "https://huggingface.co"
OPUS_MT_REPO = "Helsinki-NLP/opus-mt-{source}-{target}"
HF_FILES = ("config.json", "source.spm", "target.spm", "vocab.json", "tokenizer_config.json",
            "generation_config.json")
HF_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
DIRECTIONS = ("zh-en", "en-zh")
TIMEOUT = 60
PROBE = {"zh": "今天天气很好。", "en": "The weather is good today."}


class InstallError(Exception):
    """Installing a model failed (exit 1 for ``duet models install``); the message says why."""


@dataclass(frozen=True)
class Installed:
    direction: str
    path: Path
    layout: str
    origin: str
    name: str


def parse_direction(direction: str) -> tuple[str, str]:
    if direction not in DIRECTIONS:
        raise ConfigError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    source, target = direction.split("-")
    return source, target


# -- finding an installed model ---------------------------------------------------------------------

def resolve_model(model: str | None, source: str, target: str) -> ModelFolder:
    """The model folder for a direction: ``--model`` (a path, or an installed direction's name) when it
    declares this direction or none, else the model installed for the direction."""
    installed = models_dir() / f"{source}-{target}"
    if model:
        path = Path(model).expanduser()
        if not path.exists() and (models_dir() / model).is_dir():
            path = models_dir() / model
        folder = find_model(path)
        if folder.source is None or (folder.source, folder.target) == (source, target):
            return folder
        if not installed.is_dir():
            raise ConfigError(f"{folder.root}: translates {folder.source}-{folder.target}, and no "
                              f"{source}-{target} model is installed (duet models install {source}-{target})")
    if installed.is_dir():
        return find_model(installed)
    raise ConfigError(f"no {source}-{target} model: run `duet models install {source}-{target}` "
                      "or give --model PATH")


def list_installed() -> list[Installed]:
    root = models_dir()
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []:
        try:
            info = json.loads((folder / INFO_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            info = {}
        out.append(Installed(folder.name, folder, info.get("layout", "?"), info.get("origin", "?"),
                             info.get("name", folder.name)))
    return out


# -- installing -------------------------------------------------------------------------------------

def install(direction: str, origin: str | None = None, *, source_kind: str = "argos",
            log: Callable[[str], None] = lambda m: None) -> Installed:
    """Download (or copy), unpack, convert if needed, verify and install a model for ``direction``."""
    source, target = parse_direction(direction)
    root = models_dir()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".install-", dir=root) as tmp:
        work = Path(tmp)
        unpacked = work / "model"
        digest = None
        if origin and not _is_url(origin):
            path = Path(origin).expanduser()
            if not path.exists():
                raise InstallError(f"{origin}: no such file or folder")
            name, where = path.name, str(path.resolve())
            if path.is_dir():
                shutil.copytree(path, unpacked, symlinks=False)
            else:
                digest = _sha256(path)
                unpack(path, unpacked)
        elif origin:
            name, where = _url_name(origin), _public(origin)
            archive = download(origin, work / "download", log)
            digest = _sha256(archive)
            unpack(archive, unpacked)
        elif source_kind == "argos":
            entry = argos_entry(source, target, log)
            name = f"translate-{source}_{target}-{str(entry.get('package_version', '')).replace('.', '_')}"
            archive, url = _download_any(entry.get("links") or [], work / "download", log)
            where = _public(url)
            digest = _sha256(archive)
            expected = entry.get("sha256") or entry.get("checksum")
            if isinstance(expected, str) and expected.lower() != digest:
                raise InstallError(f"{_public(where)}: checksum mismatch (index says {expected}, got {digest})")
            unpack(archive, unpacked)
        elif source_kind == "opus-mt":
            name = OPUS_MT_REPO.format(source=source, target=target)
            where = hub_download(name, unpacked, log)
        else:
            raise ConfigError(f"--source must be argos or opus-mt, not {source_kind!r}")
        folder = prepare(unpacked, work / "converted", log)
        verify(folder, source, target)
        info = {"source": source, "target": target, "layout": folder.layout, "name": name, "origin": where,
                "sha256": digest, "installed": time.strftime("%Y-%m-%dT%H:%M:%S")}
        (folder.root / INFO_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", "utf-8")
        final = root / direction
        _replace(folder.root, final)
    log(f"installed {direction} ({name}) in {final}")
    return Installed(direction, final, folder.layout, where, name)


def prepare(unpacked: Path, converted: Path, log: Callable[[str], None]) -> ModelFolder:
    """The model folder inside an unpacked source; an original OPUS-MT (Marian) model is converted."""
    npz = sorted(unpacked.rglob("*.npz"))
    if npz and not any(unpacked.rglob("model.bin")):
        log(f"converting the OPUS-MT model {npz[0].name} for CTranslate2")
        marian_dir = npz[0].parent
        try:
            from ctranslate2.converters import OpusMTConverter
        except ImportError:
            raise InstallError("converting an OPUS-MT model needs ctranslate2: pip install 'duet-pipeline[mt]'") from None
        try:
            OpusMTConverter(str(marian_dir)).convert(str(converted), quantization="int8")
        except Exception as exc:  # the converter raises many kinds; say which model failed
            raise InstallError(f"{npz[0].name}: conversion failed: {exc}") from None
        for spm in ("source.spm", "target.spm"):
            shutil.copy(marian_dir / spm, converted / spm)
        return find_model(converted)
    try:
        return find_model(unpacked)
    except ConfigError:
        inner = [p for p in unpacked.iterdir() if p.is_dir()]
        if len(inner) == 1:  # an archive of one folder
            return find_model(inner[0])
        raise


def verify(folder: ModelFolder, source: str, target: str) -> None:
    """The model is for this direction, loads, and translates a probe sentence."""
    if folder.source and (folder.source, folder.target) != (source, target):
        raise InstallError(f"{folder.root.name}: the package translates {folder.source}-{folder.target}, "
                           f"not {source}-{target}")
    from ..glossary import Glossary
    from .ct2 import Ct2Backend
    from .units import Unit

    try:
        backend = Ct2Backend(folder, target, beam_size=1)
        probe = Unit("probe", source, PROBE[source], 0, len(PROBE[source]), 0, "paragraph")
        out = backend.translate([probe], source, target, Glossary())
    except Exception as exc:
        raise InstallError(f"{folder.root.name}: the model does not load or translate: {exc}") from None
    if len(out) != 1:
        raise InstallError(f"{folder.root.name}: the probe sentence gave {len(out)} outputs")


def argos_entry(source: str, target: str, log: Callable[[str], None]) -> dict:
    url = os.environ.get("DUET_ARGOS_INDEX") or ARGOS_INDEX
    log(f"reading the Argos package index {_public(url)}")
    try:
        index = json.loads(_fetch(url).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InstallError(f"{_public(url)}: the package index is not JSON") from None
    packages = index if isinstance(index, list) else index.get("packages", []) if isinstance(index, dict) else []
    found = [p for p in packages if isinstance(p, dict) and p.get("from_code") == source
             and p.get("to_code") == target and p.get("type", "translate") == "translate"]
    if not found:
        raise InstallError(f"{_public(url)}: no {source}-{target} package in the index")
    return max(found, key=lambda p: _version(p.get("package_version")))


def hub_download(repo: str, dest: Path, log: Callable[[str], None]) -> str:
    """Download an OPUS-MT model from the hub and convert it (transformers and torch do the reading)."""
    try:
        from ctranslate2.converters import TransformersConverter
        import transformers  # noqa: F401  (the converter needs it, and torch)
    except ImportError:
        raise InstallError("converting an OPUS-MT model from the Hugging Face hub needs transformers and torch "
                           "(pip install transformers torch); or install the Argos package (the default)") from None
    base = (os.environ.get("HF_ENDPOINT") or HF_ENDPOINT).rstrip("/")
    raw = dest.parent / "hub"
    raw.mkdir(parents=True)
    for name in HF_FILES:
        try:
            download(f"{base}/{repo}/resolve/main/{name}", raw / name, log)
        except InstallError:
            if name in ("config.json", "source.spm", "target.spm"):
                raise
    _, where = _download_any([f"{base}/{repo}/resolve/main/{w}" for w in HF_WEIGHTS], raw, log)
    log(f"converting {repo} for CTranslate2")
    TransformersConverter(str(raw)).convert(str(dest), quantization="int8")
    for spm in ("source.spm", "target.spm"):
        shutil.copy(raw / spm, dest / spm)
    return f"{base}/{repo}"


# -- files, archives, downloads --------------------------------------------------------------------

def unpack(archive: Path, dest: Path) -> None:
    """Unpack a zip (``.argosmodel``) or tar archive, refusing members that would land outside ``dest``."""
    dest.mkdir(parents=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            bad = z.testzip()
            if bad is not None:
                raise InstallError(f"{archive.name}: corrupt member {bad}")
            for member in z.infolist():
                _inside(dest, member.filename, archive)
            z.extractall(dest)
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as t:
            for member in t.getmembers():
                _inside(dest, member.name, archive)
                if member.issym() or member.islnk() or member.isdev():
                    raise InstallError(f"{archive.name}: refuses the link or device {member.name}")
            t.extractall(dest)
    else:
        raise InstallError(f"{archive.name}: not a zip or tar archive")


def _inside(dest: Path, name: str, archive: Path) -> None:
    target = (dest / name).resolve()
    if name.startswith(("/", "\\")) or (target != dest.resolve() and dest.resolve() not in target.parents):
        raise InstallError(f"{archive.name}: member {name!r} would be written outside the model folder")


def download(url: str, dest: Path, log: Callable[[str], None]) -> Path:
    log(f"downloading {_public(url)}")
    request = urllib.request.Request(url, headers={"User-Agent": "duet-pipeline"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response, open(dest, "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
    except urllib.error.HTTPError as exc:
        raise InstallError(f"{_public(url)}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise InstallError(f"{_public(url)}: {getattr(exc, 'reason', exc)}") from None
    return dest


def _download_any(links: list, dest: Path, log: Callable[[str], None]) -> tuple[Path, str]:
    problems = []
    for url in links:
        if not isinstance(url, str) or not _is_url(url):
            continue
        target = dest if dest.suffix or not dest.is_dir() else dest / _url_name(url)
        try:
            return download(url, target, log), url
        except InstallError as exc:
            problems.append(str(exc))
    raise InstallError("; ".join(problems) or "the index gives no download link")


def _fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "duet-pipeline"}),
                                    timeout=TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        raise InstallError(f"{_public(url)}: HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise InstallError(f"{_public(url)}: {getattr(exc, 'reason', exc)}") from None


def _replace(new: Path, final: Path) -> None:
    """Swap the verified folder in; the previous model is removed only once the new one is there."""
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    try:
        shutil.move(str(new), str(final))
    except OSError:
        if old.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _version(value) -> tuple:
    parts = []
    for p in str(value or "0").split("."):
        parts.append(int(p) if p.isdigit() else 0)
    return tuple(parts)


def _is_url(origin: str) -> bool:
    return urllib.parse.urlsplit(origin).scheme in ("http", "https")


def _url_name(url: str) -> str:
    return Path(urllib.parse.urlsplit(url).path).name or "download"


def _public(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", "")) if parts.scheme else url
