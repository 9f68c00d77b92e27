"""Throughput of the whole cleaning pipeline (no translation) on one core, against autocorrect-py.

    .venv/bin/python benchmarks/throughput.py            # MB/s, best of 3, on the seed repeated to 10 MB
    .venv/bin/python benchmarks/throughput.py --profile  # where the time goes (cProfile, top functions)
    .venv/bin/python benchmarks/throughput.py --stages   # CPU time of each stage (best run)
    .venv/bin/python benchmarks/throughput.py --spam flag          # options of the pipeline, as on the
    .venv/bin/python benchmarks/throughput.py --disable spam       # command line

autocorrect-py is optional: ``.venv/bin/pip install -r benchmarks/requirements.txt``. It only fixes
spacing and punctuation; duet runs every stage it has and records every change.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from common import best_of, repeated

from pipeline import Pipeline
from pipeline.document import Document


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--stages", action="store_true", help="the CPU time of each stage")
    ap.add_argument("--disable", action="append", default=[], help="a stage or rule, as --disable of duet")
    ap.add_argument("--spam", default=None, help="remove, mask or flag, as --spam of duet")
    args = ap.parse_args()
    text = repeated(int(args.mb * 1e6))
    mb = len(text.encode("utf-8")) / 1e6
    pipeline = Pipeline(disable=args.disable, **({"spam": args.spam} if args.spam else {}))
    print(f"text: {mb:.1f} MB (the seed repeated); stages: {', '.join(n for n, _ in pipeline.stages)}"
          f"{' (spam: ' + args.spam + ')' if args.spam else ''}; best of {args.runs}, CPU time of one process "
          f"(one core)")
    if args.stages:
        print_stage_times(pipeline, text, args.runs)
        return
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(pipeline.clean_bytes, text.encode("utf-8"))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        return
    data = text.encode("utf-8")
    t = best_of(args.runs, lambda: pipeline.clean_bytes(data))
    print(f"duet clean (decode + every stage + change log): {mb / t:6.2f} MB/s  ({t:.2f} s)")
    try:
        import autocorrect_py
    except ImportError:
        print("autocorrect-py: not installed (pip install -r benchmarks/requirements.txt)")
        return
    t = best_of(args.runs, lambda: autocorrect_py.format(text))
    print(f"autocorrect-py format():                        {mb / t:6.2f} MB/s  ({t:.2f} s)")


def print_stage_times(pipeline: Pipeline, text: str, runs: int) -> None:
    """Each stage's CPU time (the best of ``runs``) while the pipeline cleans the text as ``clean_bytes``
    does (a large document a few paragraphs at a time): every stage is wrapped in a timer."""
    best: dict[str, float] = {}
    stages = pipeline.stages
    data = text.encode("utf-8")
    for _ in range(runs):
        spent = dict.fromkeys((name for name, _ in stages), 0.0)

        def timed(name, run):
            def wrapper(doc):
                start = time.process_time()
                run(doc)
                spent[name] += time.process_time() - start
            return wrapper

        pipeline.stages = [(name, timed(name, run)) for name, run in stages]
        start = time.process_time()
        try:
            pipeline.clean_bytes(data)
        finally:
            pipeline.stages = stages
        spent["(decode, pieces, log)"] = time.process_time() - start - sum(spent.values())
        for name, t in spent.items():
            best[name] = min(best.get(name, float("inf")), t)
    total = sum(best.values())
    for name, t in best.items():
        print(f"  {name:22s} {t:6.2f} s  {t / total:6.1%}")
    print(f"  {'all':22s} {total:6.2f} s")


if __name__ == "__main__":
    main()
