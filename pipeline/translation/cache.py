"""Where duet keeps models and the translation memory: ``DUET_CACHE_DIR``, else the platform's cache
folder (``~/.cache/duet`` on Linux, ``~/Library/Caches/duet`` on macOS, ``%LOCALAPPDATA%\\duet\\Cache``
on Windows)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


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
