"""The two large hostile files of docs/reliability.md, through the command line: a 4 MB line without a
newline and a single 50 MB paragraph. Prints wall time, CPU time and the peak memory of the run.

    python benchmarks/hostile_large.py [--sizes 4 50] [--keep DIR]

A paragraph cannot be cut into pieces (large files are cut at blank lines), so the whole file is one
document in memory: the peak RSS is what a machine needs to clean such a file.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import seed_text


def one_paragraph(size: int) -> bytes:
    """The seed with its line breaks made spaces, repeated to ``size`` bytes (whole characters)."""
    line = seed_text().replace("\n", " ").encode("utf-8")
    data = (line * (size // len(line) + 1))[:size]
    return data.decode("utf-8", "ignore").encode("utf-8") + b"\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[4, 50], help="sizes in MB")
    ap.add_argument("--keep", type=Path, help="write the files and outputs here (default: a temporary folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for mb in args.sizes:
            path = folder / f"paragraph-{mb:g}mb.txt"
            path.write_bytes(one_paragraph(int(mb * 1_000_000)))
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "pipeline", "clean", str(path), "-o", str(folder / "out"),
                                "--report", str(folder / f"report-{mb:g}.jsonl"), "--force", "-q"],
                               capture_output=True, text=True)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            out = folder / "out" / path.name
            print(f"{mb:g} MB in one paragraph: exit {r.returncode}, {wall:.1f} s wall, {cpu:.1f} s CPU, "
                  f"{mb / wall:.2f} MB/s, peak RSS {after.ru_maxrss / 1024:.0f} MB (largest child so far), "
                  f"output {out.stat().st_size / 1e6:.1f} MB" + (f"; stderr: {r.stderr.strip()}" if r.stderr else ""))


if __name__ == "__main__":
    main()
