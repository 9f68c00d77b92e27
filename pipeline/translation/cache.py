"""Where duet keeps models, the translation memory and tables worked out once (``kept_json``):
``DUET_CACHE_DIR``, else the platform's cache folder (``~/.cache/duet`` on Linux, ``~/Library/Caches/duet``
on macOS, ``%LOCALAPPDATA%\\duet\\Cache`` on Windows)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable


def cache_dir() -> Path:
    explicit = os.environ.get("DUET_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "duet" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "duet"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "duet"


def models_dir() -> Path:
    return cache_dir() / "models"


def memory_path() -> Path:
    return cache_dir() / "memory.sqlite"


def kept_json(relative: str, build: Callable[[], Any], valid: Callable[[Any], bool]) -> Any:
    """What ``build`` returns, kept as JSON at ``relative`` under the cache folder for later processes
    (the caller puts in the name whatever the value depends on). A copy that cannot be read, or that
    ``valid`` refuses, is built again; one that cannot be written costs only time."""
    path = cache_dir() / relative
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if valid(stored):
            return stored
    except (OSError, ValueError, TypeError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        part.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(part, path)  # whole or not at all, also when two workers write it at once
    except OSError:
        pass
    return value
