"""How much a glossary costs: the whole pipeline on 1 MB of the seed, without and with glossaries.

    python benchmarks/bench_terms.py [--mb 1] [--entries 10000] [--repeat 5]

Runs the pipeline (every stage) on the seed repeated to the given size three ways: no glossary, the
shipped ``next-generation`` glossary, and a generated glossary of ``--entries`` terms plus the shipped
one. The generated terms look like real ones: institution nouns as heads ("committee", "office",
"system" ...), modifiers drawn from the seed's own English words and made-up words, two to four
variants each (a quarter of them weak), Chinese names of two to five common Han characters (so that
many of them occur in the seed's Chinese and switch the consistency checks on). Prints the best of
``--repeat`` runs (the machine is shared: the best is the least disturbed), MB/s and the ratios.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import Pipeline  # noqa: E402

HEADS = ("committee commission office bureau association center program fund council department agency "
         "institute team group system studio station base plan campaign project league federation union "
         "society network alliance service action award forum platform mechanism").split()
HAN = ("关工委五老下一代工作中国省市县发展教育青少年党建带快递小哥十明星家庭学校社会服务组织"
       "活动基地法治宣传网络平台志愿者文明乡村振兴人才培养关爱儿童未成年保护")


def generate(entries: int, seed_text: str, rng: random.Random) -> str:
    words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{3,}", seed_text)})
    made_up = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
               for _ in range(4000)]
    pool = words + made_up
    used: set[str] = set()
    zh_used: set[str] = set()

    def phrase() -> str:
        while True:
            p = " ".join([rng.choice(pool) for _ in range(rng.randint(1, 3))] + [rng.choice(HEADS)])
            if p not in used:
                used.add(p)
                return p

    out = []
    for i in range(entries):
        while True:
            zh = "".join(rng.choice(HAN) for _ in range(rng.randint(2, 5)))
            if zh not in zh_used:
                zh_used.add(zh)
                break
        en = phrase().title()
        variants = [phrase() for _ in range(rng.randint(2, 4))]
        weak = [variants.pop()] if rng.random() < 0.25 else []
        entry = f"[[term]]\nzh = {json.dumps(zh)}\nen = {json.dumps(en)}\nvariants = {json.dumps(variants)}\n"
        out.append(entry + (f"weak_variants = {json.dumps(weak)}\n" if weak else ""))
    return "\n".join(out)


def best_of(pipeline: Pipeline, text: str, repeat: int) -> tuple[float, int]:
    best = float("inf")
    changes = 0
    for _ in range(repeat):
        start = time.perf_counter()
        doc = pipeline.clean(text)
        best = min(best, time.perf_counter() - start)
        changes = sum(c.stage == "terms" for c in doc.changes)
    return best, changes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    seed = (ROOT / "samples" / "gov-report-2023.txt").read_text(encoding="utf-8")
    size = int(args.mb * 1_000_000)
    text = ((seed + "\n\n") * (size // len(seed) + 1))[:size]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.toml"
        path.write_text(generate(args.entries, seed, random.Random(20231107)), encoding="utf-8")
        runs = [("no glossary", []), ("next-generation (shipped)", ["next-generation"]),
                (f"{args.entries:,} generated + next-generation", [str(path), "next-generation"])]
        results = []
        for label, terms in runs:
            start = time.perf_counter()
            pipeline = Pipeline(terms=terms)
            setup = time.perf_counter() - start
            seconds, changes = best_of(pipeline, text, args.repeat)
            results.append(seconds)
            print(f"{label:40} setup {setup:6.2f} s   clean {seconds:6.3f} s   "
                  f"{len(text) / seconds / 1e6:6.2f} MB/s   {changes} term repairs")
    print(f"ratio next-generation / none: {results[1] / results[0]:.2f}")
    print(f"ratio {args.entries:,} entries / none: {results[2] / results[0]:.2f}  (budget: 1.50)")


if __name__ == "__main__":
    main()
