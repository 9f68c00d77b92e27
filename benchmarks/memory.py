"""Peak memory and speed on one large file (the seed repeated), cleaned piece by piece.

    .venv/bin/python benchmarks/memory.py              # 500 MB, default options, with a report
    .venv/bin/python benchmarks/memory.py --mb 100 --whole   # also the whole-document path, for contrast
    .venv/bin/python benchmarks/memory.py --mb 100 --spam mask   # another spam mode

Runs the real command line in a child process and reads its peak resident memory (``ru_maxrss`` of
the child, the same figure as ``/usr/bin/time -v``). The file is written to a temporary folder and
removed afterwards.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import seed_text

from pipeline import Options
from pipeline.registry import whole_document_stages


def write_big(path: Path, mb: float) -> int:
    block = (seed_text() + "\n\n").encode("utf-8")
    copies = int(mb * 1e6) // len(block) + 1
    with open(path, "wb") as f:
        for _ in range(copies):
            f.write(block)
    return copies * len(block)


def peak_of(args: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of ``duet ARGS`` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(f"duet failed: {r.stderr.decode()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB on Linux; the largest child so far
    if peak <= before:
        print("  (peak not above an earlier child's: run each measurement on its own)")
    return elapsed, peak / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=500)
    ap.add_argument("--whole", action="store_true", help="also clean it as one document (needs much memory)")
    ap.add_argument("--spam", choices=["remove", "mask", "flag"], help="--spam mode (default: duet's default)")
    args = ap.parse_args()
    options = ["--spam", args.spam] if args.spam else []
    forcing = whole_document_stages(Options(spam=args.spam) if args.spam else Options())
    if forcing:
        print(f"note: {', '.join(forcing)} need(s) the whole document: the file will not be streamed")
    work = Path(tempfile.mkdtemp(prefix="duet-mem-"))
    try:
        big = work / "big.txt"
        size = write_big(big, args.mb) / 1e6
        print(f"file: {size:.0f} MB (the seed repeated)")
        t, peak = peak_of(["clean", str(big), "-o", str(work / "out"), "--report", str(work / "r.jsonl"), "-q",
                           *options])
        report = (work / "r.jsonl").stat().st_size / 1e6
        print(f"pieces (default --stream-above 32MB): {t:6.1f} s  {size / t:5.2f} MB/s  peak RSS {peak:6.0f} MB  "
              f"(report {report:.0f} MB)")
        if args.whole:
            t, peak = peak_of(["clean", str(big), "-o", str(work / "out2"), "--stream-above", "100GB", "-q",
                               *options])
            print(f"whole document:                       {t:6.1f} s  {size / t:5.2f} MB/s  peak RSS {peak:6.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
