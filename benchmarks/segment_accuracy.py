"""Accuracy of the segment stage on the hand-labelled clause sets (tests/data/segment-*.jsonl).

    python benchmarks/segment_accuracy.py [--disable detect-other]

Prints, per set and together, the clause fragments whose every non-space character lies in a run of their
language, the Han characters outside a zh run, and each miss (set, wanted, got, fragment).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import labelled  # noqa: E402
from pipeline.stages.segment import english_or_other, segment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Accuracy of the segment stage on the labelled sets.")
    parser.add_argument("--disable", action="append", default=[], help="detect-other: script alone")
    args = parser.parse_args()
    detect = None if "detect-other" in args.disable else english_or_other()
    total = labelled.Score()
    for name in labelled.SETS:
        score = labelled.score(labelled.load(name), lambda text: segment(text, detect))
        print(f"{name}: {score.right} of {score.fragments} clauses right ({score.accuracy:.2%}), "
              f"{len(score.han_outside_zh)} Han characters outside a zh run")
        for source, want, got, fragment in score.misses:
            print(f"  miss {source}: want {want}, got {got}: {fragment!r}")
        total.fragments += score.fragments
        total.right += score.right
        total.han_outside_zh += score.han_outside_zh
    print(f"together: {total.right} of {total.fragments} ({total.accuracy:.2%}), "
          f"{len(total.han_outside_zh)} Han characters outside a zh run")


if __name__ == "__main__":
    main()
