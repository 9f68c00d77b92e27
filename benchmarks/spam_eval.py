"""Precision and recall of spam detection on the test set (tests/data/spam/cases.txt).

    python benchmarks/spam_eval.py [--set cases|holdout|all] [--rules PATH ...]

``cases`` (default) is the set the rules were tuned on; ``holdout`` was written after tuning and was not
used to tune them.

Prints span-level and character-level precision and recall, per category counts, and every miss.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from spam_cases import CASES, evaluate, load_cases  # noqa: E402

from pipeline.spam import Detector, load_rules  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("cases", "holdout", "all"), default="cases", help="which test set")
    parser.add_argument("--rules", action="append", default=[], help="an extra spam rule file or folder")
    args = parser.parse_args()
    detector = Detector(load_rules(args.rules))
    names = ("cases", "holdout") if args.set == "all" else (args.set,)
    cases = [c for name in names for c in load_cases(CASES.with_name(name + ".txt"))]
    scores = evaluate(cases, lambda text: [(h.start, h.end) for h in detector.find(text)])
    positives = sum(c.positive for c in cases)
    print(f"cases: {len(cases)} ({positives} positive lines with {scores.gold} spam spans, "
          f"{len(cases) - positives} negative lines)")
    print(f"spans: precision {scores.precision:.3f} ({scores.found_right}/{scores.found}), "
          f"recall {scores.recall:.3f} ({scores.gold_found}/{scores.gold})")
    print(f"characters: precision {scores.char_precision:.3f}, recall {scores.char_recall:.3f}")
    print("categories:", ", ".join(f"{k} {v}" for k, v in sorted(Counter(c.category for c in cases).items())))
    for miss in scores.misses:
        print("  " + miss)


if __name__ == "__main__":
    main()
