"""Rules are data: TOML files under ``rules/`` (shipped) or given by the user.

Loading helpers shared by every stage that reads rules. Errors are ``ConfigError``s whose message names
the file and the entry, so that the CLI can print them as one line and exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration or rule file is wrong. The message names the file and the entry."""


def rules_dir() -> Path:
    """The shipped rules: inside the installed package, or ``rules/`` beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"{here}: the shipped rules folder is missing (reinstall duet-pipeline)")


def read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def rule_files(kind: str, extra: Iterable[str | Path] = ()) -> list[Path]:
    """Shipped ``rules/<kind>/*.toml`` (or ``rules/<kind>.toml``) followed by the user's files.

    A user path may be a file or a folder; a folder contributes ``<folder>/<kind>/*.toml`` when that
    exists, else its own ``*.toml``.
    """
    base = rules_dir()
    files = sorted((base / kind).glob("*.toml")) if (base / kind).is_dir() else []
    if (base / f"{kind}.toml").is_file():
        files.insert(0, base / f"{kind}.toml")
    for item in extra:
        p = Path(item)
        if p.is_dir():
            sub = p / kind
            files.extend(sorted((sub if sub.is_dir() else p).glob("*.toml")))
        elif p.is_file():
            files.append(p)
        else:
            raise ConfigError(f"{p}: rule file or folder not found")
    return files


def entry_name(table: str, index: int, entry: Any) -> str:
    """How an error names an entry: ``[[term]] #3 ('关工委')``."""
    label = ""
    if isinstance(entry, dict):
        for key in ("name", "id", "zh", "pattern", "char"):
            if isinstance(entry.get(key), str):
                label = f" ({entry[key]!r})"
                break
    return f"[[{table}]] #{index + 1}{label}"


def require(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise ConfigError(f"{where}: {message}")
