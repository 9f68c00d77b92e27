"""Throughput of the segment stage alone: the seed repeated to 10 MB, one core.

    python benchmarks/bench_segment.py [--mb 10] [--repeat 5] [--disable detect-other]

Prints MB/s (MB = 10^6 bytes of UTF-8 input) for each run, the best wall-clock and best CPU-time figure.
The machine may be shared: CPU time is what the process itself spent, wall clock what a user waits.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipeline.document import Document
from pipeline.options import Options
from pipeline.stages import segment

SEED = Path(__file__).resolve().parent.parent / "samples" / "gov-report-2023.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description="Throughput of the segment stage alone.")
    parser.add_argument("--mb", type=float, default=10.0, help="size of the text in MB (default 10)")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the best is reported (default 5)")
    parser.add_argument("--disable", action="append", default=[], help="a rule to switch off (detect-other)")
    args = parser.parse_args()

    seed = SEED.read_text(encoding="utf-8")
    text = seed * max(1, round(args.mb * 1e6 / len(seed.encode("utf-8"))))
    size = len(text.encode("utf-8")) / 1e6
    run = segment.setup(Options(disable=tuple(args.disable)))
    walls, cpus = [], []
    for i in range(args.repeat):
        doc = Document(text)
        w0, c0 = time.perf_counter(), time.process_time()
        run(doc)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        walls.append(wall)
        cpus.append(cpu)
        print(f"run {i + 1}: {size / wall:6.1f} MB/s wall, {size / cpu:6.1f} MB/s CPU, {len(doc.segments)} runs")
    print(f"segment stage, {size:.1f} MB ({', '.join(args.disable) or 'all rules'}): "
          f"best {size / min(walls):.1f} MB/s wall clock, {size / min(cpus):.1f} MB/s CPU time")


if __name__ == "__main__":
    main()
