"""Incremental runs: what was cleaned into an output folder, from what, with which configuration.

``OUT/.duet/manifest.json`` records per input (keyed by its path under ``OUT``) the hash of its bytes,
the hash of the configuration that cleaned it, and its output. A rerun skips an input whose bytes and
configuration are unchanged and whose output is still there. The configuration hash covers everything
that can change an output: duet's version and source code, the options (not those that only say where
or how fast to run, ``RUN_OPTIONS``), and the content of the shipped rules, of ``--rules`` files and of
glossaries given by path.

The report of a skipped input is the report line of the run that cleaned it, kept in
``OUT/.duet/reports/`` when that run wrote a report: an incremental run's report is the same as a full
run's. An input whose report was not kept is cleaned again when a report is asked for.

The manifest is saved every few seconds and at the end (also after an interruption), always atomically:
an interrupted run loses at most the record of the last few files, which the next run cleans again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .files import open_regular, write_atomic, write_atomic_chunks
from .options import RUN_OPTIONS, Options
from .rules import rules_dir

FOLDER = ".duet"
VERSION = 1
SAVE_EVERY = 5.0  # seconds


def hash_file(path: str | Path) -> str:
    h = hashlib.blake2b(digest_size=20)
    with open_regular(path) as f:  # never a FIFO or a device: they would block or never end
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def hash_bytes(data: bytes) -> str:
    """``hash_file`` of a file holding ``data``."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """duet's own source: a changed stage changes outputs even when the version is the same."""
    from . import __version__

    h = hashlib.blake2b(digest_size=20)
    h.update(__version__.encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _files_under(item: str | Path) -> list[Path]:
    p = Path(item)
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.is_file())
    return [p] if p.is_file() else []


def config_hash(options: Options) -> str:
    """A hash of everything that decides what an input is cleaned into."""
    h = hashlib.blake2b(digest_size=20)
    h.update(_code_digest().encode())
    values = {k: v for k, v in dataclasses.asdict(options).items() if k not in RUN_OPTIONS}
    h.update(json.dumps(values, sort_keys=True, ensure_ascii=False).encode())
    shipped = rules_dir()
    sources: list[Path] = _files_under(shipped)
    for item in (*options.rules, *options.terms):
        sources.extend(_files_under(item))  # a glossary given by name is in the shipped rules
    for path in sources:
        h.update(str(path).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def reports_folder(out_dir: Path) -> Path:
    """Where the manifest keeps a copy of each file's report line (for the report of a later run that
    skips the file)."""
    return Path(out_dir) / FOLDER / "reports"


def write_report_copy(folder: Path, rel: str, report: Iterable[str]) -> tuple[str, int]:
    """Keep a copy of the report line of the input ``rel``: its file name and size in bytes."""
    # (a file name that is not UTF-8 is kept by Python as lone surrogates: its own bytes)
    name = hashlib.blake2b(rel.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest() + ".json"
    # A copy kept for later runs, not the only one: no fsync (the size is checked before use).
    # Written as it is read: a large file's report line can be larger than memory allows.
    return name, write_atomic_chunks(Path(folder) / name, report)


class Manifest:
    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.folder = self.out_dir / FOLDER
        self.path = self.folder / "manifest.json"
        self.entries: dict[str, dict] = {}
        self.dirty = False
        self.saved_at = time.monotonic()

    @classmethod
    def load(cls, out_dir: Path) -> "Manifest":
        m = cls(out_dir)
        try:
            data = json.loads(m.path.read_text(encoding="utf-8"))
            if data.get("version") == VERSION and isinstance(data.get("files"), dict):
                m.entries = data["files"]
        except (OSError, ValueError):
            pass  # no manifest, or an unreadable one: everything is cleaned again
        return m

    def fresh(self, rel: str, input_hash: str, config: str, want_report: bool) -> dict | None:
        """The entry of an input that need not be cleaned again, or None."""
        e = self.entries.get(rel)
        if not e or e.get("input") != input_hash or e.get("config") != config:
            return None
        if not (self.out_dir / e["output"]).is_file():
            return None
        if want_report and not (e.get("report") and _size(self.report_path(e)) == e.get("report_bytes")):
            return None
        return e

    def report_path(self, entry: dict) -> Path:
        return reports_folder(self.out_dir) / entry["report"]

    def record(self, rel: str, input_hash: str, config: str, written: str, report: Iterable[str] | None,
               copy: tuple[str, int] | None = None) -> None:
        """``copy``: the report's copy as ``write_report_copy`` wrote it already (a worker process does,
        so that the process collecting the results does not write every copy itself); else it is
        written here from ``report``."""
        entry = {"input": input_hash, "config": config,
                 "output": Path(os.path.relpath(written, self.out_dir)).as_posix()}
        if copy is None and report is not None:
            copy = write_report_copy(reports_folder(self.out_dir), rel, report)
        if copy is not None:
            entry["report"], entry["report_bytes"] = copy
        self.entries[rel] = entry
        self.dirty = True
        if time.monotonic() - self.saved_at > SAVE_EVERY:
            self.save()

    def forget(self, rel: str) -> None:
        if self.entries.pop(rel, None) is not None:
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        data = {"version": VERSION, "files": dict(sorted(self.entries.items()))}
        text = json.dumps(data, ensure_ascii=False, indent=1)
        try:
            raw = text.encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8: \udcXX escapes read back the same
            raw = json.dumps(data, ensure_ascii=True, indent=1).encode("ascii")
        write_atomic(self.path, raw)
        self.dirty = False
        self.saved_at = time.monotonic()
