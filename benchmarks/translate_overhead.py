"""Translation: the pipeline's cost per unit around the backend, and the speed-up of memory hits.

Runs the whole pipeline with ``--to en`` on the seed document with a tiny CTranslate2 model (built here
as in the tests), timing the backend calls inside the run:
- overhead per unit = (pipeline time - time inside the backend) / units, i.e. unit building, memory
  bookkeeping, placing the translations, the stages run again over them and the report's units;
- memory speed-up = time of a run that translates every unit / time of the same run served from the
  translation memory.

Usage: python benchmarks/translate_overhead.py [--repeat 5]. Best of the repeats (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from tiny_ct2 import build_argos  # noqa: E402

from pipeline import Pipeline  # noqa: E402
from pipeline.translation import ct2  # noqa: E402


def timed_backend():
    """Patch the ct2 backend to add up the time spent inside it."""
    spent = [0.0]
    original = ct2.Ct2Backend.translate

    def translate(self, *args, **kwargs):
        t = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t

    ct2.Ct2Backend.translate = translate
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    text = (ROOT / "samples" / "gov-report-2023.txt").read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DUET_CACHE_DIR"] = str(Path(tmp) / "cache")
        model = build_argos(Path(tmp) / "argos-zh-en")
        spent = timed_backend()
        plain = Pipeline()
        no_memory = Pipeline(translator="ct2", model=str(model), to="en", disable=["translation-memory"])
        best_plain = best_total = best_overhead = float("inf")
        units = 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            plain.clean(text)
            best_plain = min(best_plain, time.perf_counter() - t)
            spent[0] = 0.0
            t = time.perf_counter()
            doc = no_memory.clean(text)
            total = time.perf_counter() - t
            units = len(doc.stats["translation"]["units"])
            best_total = min(best_total, total)
            best_overhead = min(best_overhead, total - spent[0])
        translated = sum(1 for u in doc.stats["translation"]["units"] if u["origin"])
        print(f"seed: {len(text)} chars, {units} units, {translated} translated zh->en")
        print(f"cleaning without translation: {best_plain * 1000:.1f} ms")
        print(f"pipeline with translation: {best_total * 1000:.1f} ms, of which outside the backend "
              f"{best_overhead * 1000:.1f} ms")
        print(f"overhead around the backend: {best_overhead / units * 1000:.3f} ms per unit "
              f"({(best_overhead - best_plain) / units * 1000:.3f} ms per unit beyond plain cleaning)")

        best_miss = best_hit = float("inf")
        for i in range(args.repeat):
            os.environ["DUET_CACHE_DIR"] = str(Path(tmp) / f"cache-{i}")
            with_memory = Pipeline(translator="ct2", model=str(model), to="en")
            t = time.perf_counter()
            first = with_memory.clean(text)
            best_miss = min(best_miss, time.perf_counter() - t)
            t = time.perf_counter()
            second = with_memory.clean(text)
            best_hit = min(best_hit, time.perf_counter() - t)
            assert second.text == first.text
            assert {u["origin"] for u in second.stats["translation"]["units"] if u["origin"]} == {"memory"}
        print(f"memory: first run {best_miss * 1000:.1f} ms, all hits {best_hit * 1000:.1f} ms, "
              f"speed-up x{best_miss / best_hit:.1f} with the tiny model "
              f"({len(text.encode()) / best_hit / 1e6:.2f} MB/s served from memory)")


if __name__ == "__main__":
    main()
