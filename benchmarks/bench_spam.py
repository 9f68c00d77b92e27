"""Speed of the spam stage alone: the seed repeated to 10 MB, as one document and as 40 KB documents,
and the seed's cleaned output (no spam left: the common case) repeated the same way.

    python benchmarks/bench_spam.py [--mb 10] [--repeat 5] [--mode remove|mask|flag]

Prints the best of several runs in MB/s (UTF-8 bytes of input per second of stage time, wall clock and
CPU time of this process: on a shared machine the second is steadier). Setup (loading and compiling the
rules) is timed apart.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipeline.document import Document
from pipeline.options import Options
from pipeline.stages import spam

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SEED = SAMPLES / "gov-report-2023.txt"
CLEAN = SAMPLES / "expected" / "gov-report-2023.txt.expected"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--mode", choices=("remove", "mask", "flag"), default="remove")
    args = parser.parse_args()

    t0 = time.perf_counter()
    run = spam.setup(Options(spam=args.mode))
    print(f"setup (rules loaded and compiled): {time.perf_counter() - t0:.3f} s")
    for name, path in (("seed", SEED), ("clean output", CLEAN)):
        text = path.read_text(encoding="utf-8")
        copies = max(1, round(args.mb * 1e6 / len(text.encode("utf-8"))))
        big = "\n\n".join([text] * copies)
        size = len(big.encode("utf-8"))
        for label, docs in (("one document", [big]), ("40 KB documents", [text] * copies)):
            best = best_cpu = 0.0
            for _ in range(args.repeat):
                batch = [Document(t) for t in docs]
                t0, c0 = time.perf_counter(), time.process_time()
                for doc in batch:
                    run(doc)
                best = max(best, size / 1e6 / (time.perf_counter() - t0))
                best_cpu = max(best_cpu, size / 1e6 / (time.process_time() - c0))
            found = sum(doc.stats["spam"] for doc in batch)
            print(f"{name}, {label}: {size / 1e6:.1f} MB, {found} spans, best of {args.repeat}: "
                  f"{best:.1f} MB/s ({best_cpu:.1f} MB/s of CPU time) ({args.mode})")


if __name__ == "__main__":
    main()
