"""Shared by the benchmark scripts: the seed, corpora made from it, timing."""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "gov-report-2023.txt"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def repeated(size: int) -> str:
    """The seed repeated (with a blank line between copies) to ``size`` bytes of UTF-8."""
    seed = seed_text() + "\n\n"
    copies = max(1, size // len(seed.encode("utf-8")))
    return seed * copies


def best_of(runs: int, fn, clock=time.process_time) -> float:
    """The fastest of ``runs`` calls, in seconds of CPU time of this process by default: on a shared
    machine, wall time also counts the time other programs had the core (use ``time.perf_counter``
    for work spread over processes)."""
    best = float("inf")
    for _ in range(runs):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best


def make_corpus(folder: Path, files: int, repeat: int = 1) -> int:
    """``files`` documents cut from the seed, each different (a number and a rotation of its paragraphs),
    each ``repeat`` times as long as the seed: returns their total size in bytes."""
    seed = seed_text()
    paragraphs = seed.split("\n\n")
    total = 0
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        start = i % len(paragraphs)
        text = f"第{i}号文件\n\n" + "\n\n".join((paragraphs[start:] + paragraphs[:start]) * repeat)
        data = text.encode("utf-8")
        (folder / f"doc{i:04d}.txt").write_bytes(data)
        total += len(data)
    return total
