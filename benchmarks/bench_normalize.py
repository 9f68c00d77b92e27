"""Speed of the normalization stages alone (variant, width, numbers, punctuation, spacing), in MB/s.

The seed sample is repeated to about 10 MB of UTF-8. The stages before them (invisible, structure,
segment) run first and are not timed. Run by hand, a few times, and report the best:

    python benchmarks/bench_normalize.py                 # one 10 MB document
    python benchmarks/bench_normalize.py --split         # the same text as seed-sized documents
    python benchmarks/bench_normalize.py --variant traditional --digit-spacing
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

from pipeline import Pipeline
from pipeline.document import Document

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "gov-report-2023.txt"
NORMALIZATION = ("variant", "width", "numbers", "punctuation", "spacing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="size of the text in MB (default 10)")
    parser.add_argument("--split", action="store_true", help="clean seed-sized documents, not one")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported")
    parser.add_argument("--variant", default="keep")
    parser.add_argument("--digit-spacing", action="store_true")
    args = parser.parse_args()

    seed = SEED.read_text(encoding="utf-8")
    copies = max(1, round(args.mb * 1e6 / len(seed.encode("utf-8"))))
    texts = [seed] * copies if args.split else ["\n\n".join([seed] * copies)]
    size = sum(len(t.encode("utf-8")) for t in texts)

    pipeline = Pipeline(variant=args.variant, digit_spacing=args.digit_spacing)
    before = [(n, run) for n, run in pipeline.stages if n not in NORMALIZATION]
    stages = [(n, run) for n, run in pipeline.stages if n in NORMALIZATION]
    prepared = []
    for text in texts:
        doc = Document(text)
        for _, run in before:
            run(doc)
        prepared.append(doc)

    best = best_cpu = float("inf")
    for _ in range(args.repeat):
        docs = [copy.deepcopy(d) for d in prepared]
        start, start_cpu = time.perf_counter(), time.process_time()
        for doc in docs:
            for _, run in stages:
                run(doc)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    changes = sum(1 for c in docs[0].changes if c.stage in NORMALIZATION)
    print(f"normalization stages ({', '.join(n for n, _ in stages)}) on {size / 1e6:.1f} MB "
          f"in {len(texts)} document(s), best of {args.repeat}: {best:.2f} s = {size / 1e6 / best:.2f} MB/s "
          f"(CPU time {best_cpu:.2f} s = {size / 1e6 / best_cpu:.2f} MB/s; {changes} changes in the first document)")


if __name__ == "__main__":
    main()
