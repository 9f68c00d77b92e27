"""Throughput of the whole cleaning pipeline (no translation) on one core, against autocorrect-py.

    .venv/bin/python benchmarks/throughput.py            # MB/s, best of 3, on the seed repeated to 10 MB
    .venv/bin/python benchmarks/throughput.py --profile  # where the time goes (cProfile, top functions)

autocorrect-py is optional: ``.venv/bin/pip install -r benchmarks/requirements.txt``. It only fixes
spacing and punctuation; duet runs every stage it has and records every change.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

from common import best_of, repeated

from pipeline import Pipeline
from pipeline.registry import STAGES


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    text = repeated(int(args.mb * 1e6))
    mb = len(text.encode("utf-8")) / 1e6
    pipeline = Pipeline()
    print(f"text: {mb:.1f} MB (the seed repeated); stages: {', '.join(s.NAME for s in STAGES)}; "
          f"best of {args.runs}, CPU time of one process (one core)")
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


if __name__ == "__main__":
    main()
