"""Each stage on adversarial strings of 100,000 characters: the longest stage time, and how it grows.

A unit (a mark, a number shape, a spam word, a heading marker ...) repeated to 25,000 and 100,000
characters runs through every stage (tests/adversarial.py says how); a stage that stays linear takes
about 4 times as long on the longer string. Prints the slowest cases and the longest stage time.

    python benchmarks/adversarial.py [--length 100000] [--terms next-generation]
"""

from __future__ import annotations

import argparse
import sys
import time

from common import ROOT

sys.path.insert(0, str(ROOT / "tests"))

from adversarial import UNITS, adversarial, stage_times, with_seed_tail  # noqa: E402

from pipeline import Pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--length", type=int, default=100_000)
    ap.add_argument("--terms", action="append", default=["next-generation"],
                    help="glossaries loaded so that the terms stage runs too")
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    pipeline = Pipeline(terms=args.terms)
    clock = time.process_time
    rows = []
    cases = [(repr(u), lambda n, u=u: adversarial(u, n)) for u in UNITS] + [("seed as one line", with_seed_tail)]
    started = time.perf_counter()
    for label, make in cases:
        long = stage_times(pipeline, make(args.length), clock)
        short = stage_times(pipeline, make(args.length // 4), clock)
        for stage, seconds in long.items():
            rows.append((seconds, label, stage, seconds / max(short[stage], 1e-4)))
    rows.sort(reverse=True)
    print(f"{len(cases)} adversarial strings x {len(rows) // len(cases)} stages, {args.length:,} characters "
          f"(CPU time; ratio = time at {args.length:,} / time at {args.length // 4:,}, 4 is linear)")
    for seconds, label, stage, ratio in rows[:args.top]:
        print(f"  {seconds * 1000:8.1f} ms  x{ratio:5.1f}  {stage:12s} {label}")
    growth = max((r for r in rows if r[0] > 0.02), key=lambda r: r[3])
    print(f"longest stage time: {rows[0][0] * 1000:.1f} ms ({rows[0][2]} on {rows[0][1]}); largest growth among "
          f"stage times over 20 ms: x{growth[3]:.1f} ({growth[2]} on {growth[1]}, {growth[0] * 1000:.0f} ms); "
          f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
