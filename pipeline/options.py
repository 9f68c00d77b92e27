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

    def replace(self, **changes: Any) -> "Options":
        return dataclasses.replace(self, **changes)

    def enabled(self, name: str) -> bool:
        return name not in self.disable


CHOICES: dict[str, tuple[str, ...]] = {
    "spam": ("remove", "mask", "flag"),
    "variant": ("keep", "auto", "simplified", "traditional", "taiwan", "hongkong"),
    "to": ("en", "zh"),
    "translator": ("none", "ct2", "openai"),
    "format": ("text", "markdown", "html", "jsonl", "tmx", "xliff"),
    "input_format": ("text", "markdown", "html"),
    "expect": ("en", "zh"),
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
        if isinstance(default, tuple):
            if isinstance(value, str):
                value = (value,)
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{origin}: option '{key}' must be a list of strings")
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{origin}: option '{key}' must be true or false")
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{origin}: option '{key}' must be a positive whole number")
        elif value is not None and not isinstance(value, str):
            raise ConfigError(f"{origin}: option '{key}' must be a string")
        if name in CHOICES and value is not None and value not in CHOICES[name]:
            raise ConfigError(f"{origin}: option '{key}' must be one of {', '.join(CHOICES[name])}, not '{value}'")
        out[name] = value
    return out


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
    if "terms" in values:  # a glossary path in a config file is relative to that file
        values["terms"] = tuple(_beside(path, name) for name in values["terms"])
    return values


def _beside(config: Path, name: str) -> str:
    """A path-like glossary name (it has a slash or ends in .toml) relative to the config's folder."""
    looks_like_path = "/" in name or "\\" in name or name.endswith(".toml")
    if looks_like_path and not Path(name).is_absolute():
        return str(Path(config).parent / name)
    return name
