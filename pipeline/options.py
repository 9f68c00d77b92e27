"""Every option duet understands, with its default, and the configuration file that can set them.

The same names are used by the CLI (``--digit-spacing`` is ``digit_spacing``), by ``duet.toml`` /
``[tool.duet]`` and by the Python API (``clean(text, spam="mask")``). The CLI overrides the file.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .rules import ConfigError, read_toml, tomllib

CONFIG_NAMES = ("duet.toml", "pyproject.toml")


@dataclass(frozen=True)
class Options:
    # Stages and rules switched off by name (``--disable spam``, ``--disable punct-width``).
    disable: tuple[str, ...] = ()
    # spam stage: remove | mask | flag
    spam: str = "remove"
    spam_mask: str = "〔…〕"
    # normalization
    variant: str = "keep"
    digit_spacing: bool = False
    # glossaries by name (rules/terms/NAME.toml) or path
    terms: tuple[str, ...] = ()
    # extra rule files or folders (spam, terms, ...) that users add without touching code
    rules: tuple[str, ...] = ()
    # translation
    to: str | None = None
    translator: str = "none"
    model: str | None = None
    bilingual: bool = False
    beam_size: int = 2  # ct2 beam search width (1: greedy)
    # input and output
    format: str | None = None
    input_format: str | None = None
    glob: tuple[str, ...] = ()
    # check
    expect: str | None = None
    # running: where results go and how the work is spread. These never change an output, so they
    # are left out of the configuration hash of incremental runs (``RUN_OPTIONS``).
    output: str | None = None  # -o DIR
    report: str | None = None  # --report FILE
    in_place: bool = False
    jobs: int = 0  # worker processes; 0: one per core
    engine: str = "local"  # local | dask
    scheduler: str | None = None  # dask scheduler address; none: a local cluster
    shared_storage: bool = True  # dask workers see the same files (paths travel, not contents)
    force: bool = False  # redo every input, whatever the manifest says
    progress: bool | None = None  # None: when standard error is a terminal
    quiet: bool = False  # no summary at the end
    # Files larger than this are cleaned piece by piece (paragraphs, about ``chunk_size`` each).
    stream_above: str = "32MB"
    chunk_size: str = "1MB"

    def replace(self, **changes: Any) -> "Options":
        return dataclasses.replace(self, **changes)

    def enabled(self, name: str) -> bool:
        return name not in self.disable


RUN_OPTIONS = frozenset({
    "output", "report", "in_place", "jobs", "engine", "scheduler", "shared_storage", "force", "progress",
    "quiet", "stream_above", "chunk_size",
})
# Options whose value is a path: in a configuration file they are relative to the file's folder.
PATH_OPTIONS = ("output", "report", "rules")
# The kind of an option whose default (None) does not say it.
KINDS: dict[str, type] = {"progress": bool}
SIZE_OPTIONS = ("stream_above", "chunk_size")
# Whole-number options may be 1 or more, except these (``jobs = 0``: one per core).
MINIMUM = {"jobs": 0}

CHOICES: dict[str, tuple[str, ...]] = {
    "spam": ("remove", "mask", "flag"),
    "variant": ("keep", "auto", "simplified", "traditional", "taiwan", "hongkong"),
    "to": ("en", "zh"),
    "translator": ("none", "ct2", "openai"),
    "format": ("text", "markdown", "html", "jsonl", "tmx", "xliff"),
    "input_format": ("text", "markdown", "html"),
    "expect": ("en", "zh"),
    "engine": ("local", "dask"),
}


def options_from_mapping(data: Mapping[str, Any], origin: str = "options") -> dict[str, Any]:
    """Validate a mapping of option names (``-`` or ``_``) to values; returns dataclass kwargs."""
    fields = {f.name: f for f in dataclasses.fields(Options)}
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in fields:
            raise ConfigError(f"{origin}: unknown option '{key}'")
        default = fields[name].default
        kind = KINDS.get(name) or type(default)
        if value is None and default is None:
            pass
        elif kind is tuple:
            if isinstance(value, str):
                value = (value,)
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{origin}: option '{key}' must be a list of strings")
            value = tuple(value)
        elif kind is bool:
            if not isinstance(value, bool):
                raise ConfigError(f"{origin}: option '{key}' must be true or false")
        elif kind is int:
            least = MINIMUM.get(name, 1)
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ConfigError(f"{origin}: option '{key}' must be a whole number, at least {least}")
        elif not isinstance(value, str):
            raise ConfigError(f"{origin}: option '{key}' must be a string")
        if name in SIZE_OPTIONS:
            parse_size(value, f"{origin}: option '{key}'")
        if name in CHOICES and value is not None and value not in CHOICES[name]:
            raise ConfigError(f"{origin}: option '{key}' must be one of {', '.join(CHOICES[name])}, not '{value}'")
        out[name] = value
    return out


_UNITS = {"": 1, "B": 1, "KB": 1024, "K": 1024, "MB": 1024**2, "M": 1024**2, "GB": 1024**3, "G": 1024**3}


def parse_size(value: str, where: str = "size") -> int:
    """``"32MB"`` -> bytes (binary units; ``KB``, ``MB``, ``GB``, or a plain number of bytes)."""
    text = value.strip().upper().replace(" ", "")
    digits = text.rstrip("KMGB")
    unit = text[len(digits):]
    try:
        number = float(digits)
    except ValueError:
        number = -1.0
    if number <= 0 or unit not in _UNITS:
        raise ConfigError(f"{where} must be a size such as 64KB, 32MB or 1GB, not '{value}'")
    return int(number * _UNITS[unit])


def make_options(base: Options | None = None, **overrides: Any) -> Options:
    base = base or Options()
    return base.replace(**options_from_mapping(overrides, "options")) if overrides else base


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``duet.toml``, or ``pyproject.toml`` with a ``[tool.duet]`` table, from ``start`` up."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "duet.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                if "duet" in tomllib.loads(candidate.read_text("utf-8")).get("tool", {}):
                    return candidate
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                continue
    return None


def load_config(path: Path) -> dict[str, Any]:
    """Read the options a config file sets (``[tool.duet]`` for pyproject.toml)."""
    data = read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("duet", {})
    values = options_from_mapping(data, str(path))
    for name in PATH_OPTIONS:
        if isinstance(values.get(name), str):
            values[name] = str(path.parent / values[name])
        elif isinstance(values.get(name), tuple):
            values[name] = tuple(str(path.parent / v) for v in values[name])
    if "terms" in values:  # a glossary path in a config file is relative to that file
        values["terms"] = tuple(_beside(path, name) for name in values["terms"])
    return values


def _beside(config: Path, name: str) -> str:
    """A path-like glossary name (it has a slash or ends in .toml) relative to the config's folder."""
    looks_like_path = "/" in name or "\\" in name or name.endswith(".toml")
    if looks_like_path and not Path(name).is_absolute():
        return str(Path(config).parent / name)
    return name
