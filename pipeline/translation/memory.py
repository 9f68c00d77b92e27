"""The translation memory: SQLite in the cache folder.

An entry is keyed by backend, model, direction and the normalized source (NFC, whitespace collapsed), so
that a model's translation is reused only for that model. Pairs imported from TMX (``duet tm import``) are
stored under the backend ``tmx`` and are preferred to machine output: they are what a person approved.
A hit never calls the backend.
"""

from __future__ import annotations

import sqlite3
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import regex

from ..glossary import Glossary
from .backends import Backend, Translation, TranslationError
from .units import Unit

IMPORTED = ("tmx", "")  # (backend, model) of imported pairs
_SPACES = regex.compile(r"\s+")

SCHEMA = """
CREATE TABLE IF NOT EXISTS memory (
    backend TEXT NOT NULL, model TEXT NOT NULL, source_lang TEXT NOT NULL, target_lang TEXT NOT NULL,
    source_key TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, origin TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (backend, model, source_lang, target_lang, source_key)
)"""


def normalize(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True)
class Entry:
    backend: str
    model: str
    source_lang: str
    target_lang: str
    source: str
    target: str
    origin: str


class Memory:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def lookup(self, backend: str, model: str, source_lang: str, target_lang: str,
               sources: Sequence[str]) -> dict[str, str]:
        """Normalized source -> target, for the sources that are in the memory (imported pairs first)."""
        keys = list(dict.fromkeys(normalize(s) for s in sources))
        found: dict[str, str] = {}
        for owner in (IMPORTED, (backend, model)):
            todo = [k for k in keys if k not in found]
            for chunk in _chunks(todo, 500):
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(
                    f"SELECT source_key, target FROM memory WHERE backend=? AND model=? AND source_lang=? "
                    f"AND target_lang=? AND source_key IN ({marks})",
                    (*owner, source_lang, target_lang, *chunk))
                found.update(rows)
        return found

    def store(self, entries: Iterable[Entry]) -> int:
        now = time.time()
        rows = [(e.backend, e.model, e.source_lang, e.target_lang, normalize(e.source), e.source, e.target,
                 e.origin, now) for e in entries if e.source.strip() and e.target.strip()]
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO memory VALUES (?,?,?,?,?,?,?,?,?)", rows)
        return len(rows)

    def entries(self) -> Iterator[Entry]:
        rows = self.db.execute("SELECT backend, model, source_lang, target_lang, source, target, origin "
                               "FROM memory ORDER BY created, rowid")
        for row in rows:
            yield Entry(*row)


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Remembering:
    """A backend behind the memory: hits come from the memory, only misses reach the backend, and
    what the backend returns is stored."""

    def __init__(self, backend: Backend, memory: Memory):
        self.backend = backend
        self.memory = memory
        self.name = backend.name
        self.model_id = backend.model_id
        self.calls = 0  # how many times the backend itself was called

    def translate(self, units: Sequence[Unit], source: str, target: str,
                  glossary: Glossary) -> list[Translation]:
        keys = [normalize(u.text) for u in units]
        known = self.memory.lookup(self.name, self.model_id, source, target, [u.text for u in units])
        first: dict[str, Unit] = {}  # each distinct source goes to the backend once
        for k, u in zip(keys, units):
            if k not in known:
                first.setdefault(k, u)
        fresh: dict[str, Translation] = {}
        failure = None
        if first:
            self.calls += 1
            todo = list(first.values())
            try:
                fresh = dict(zip(first, self.backend.translate(todo, source, target, glossary)))
            except TranslationError as exc:  # what was translated before the failure is kept
                fresh = {k: t for k, t in zip(first, exc.partial) if t is not None}
                failure = exc
            self.memory.store(Entry(self.name, self.model_id, source, target, first[k].text, t.text, t.origin)
                              for k, t in fresh.items())
        out = [fresh[k] if k in fresh else Translation(known[k], "memory") if k in known else None for k in keys]
        if failure is not None:
            raise TranslationError(str(failure), out) from None
        return out


def open_memory(path: Path | None = None) -> Memory:
    from .cache import memory_path

    return Memory(path or memory_path())


def export_tmx(memory: Memory, path: Path) -> int:
    """Every entry as a TMX pair (each pair once, whatever its direction)."""
    from ..files import write_atomic
    from .exchange import Pair, tmx_bytes

    seen: set[tuple[str, str]] = set()
    pairs = []
    for e in memory.entries():
        zh, en = (e.source, e.target) if e.source_lang == "zh" else (e.target, e.source)
        if (zh, en) in seen:
            continue
        seen.add((zh, en))
        pairs.append(Pair(f"m{len(pairs) + 1}", e.source_lang, zh, en, f"{e.backend} {e.model} {e.origin}".strip()))
    write_atomic(Path(path), tmx_bytes(pairs))
    return len(pairs)


def import_tmx(memory: Memory, path: Path) -> int:
    """Store the zh/en pairs of a TMX file for both directions. Raises ``ValueError`` if it is not TMX."""
    from .exchange import read_tmx

    data = Path(path).read_bytes()
    try:
        pairs = read_tmx(data)
    except Exception as exc:  # the parser raises lxml and toolkit errors alike
        raise ValueError(f"not a readable TMX file: {exc}") from None
    backend, model = IMPORTED
    entries = [Entry(backend, model, "zh", "en", zh, en, "tmx") for zh, en in pairs]
    entries += [Entry(backend, model, "en", "zh", en, zh, "tmx") for zh, en in pairs]
    memory.store(entries)
    return len(pairs)
