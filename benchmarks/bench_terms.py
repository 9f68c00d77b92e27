"""How much a glossary costs: the whole pipeline on 1 MB of the seed, without and with glossaries.

    python benchmarks/bench_terms.py [--mb 1] [--entries 10000] [--repeat 5]

Runs the pipeline (every stage) on the seed repeated to the given size three ways: no glossary, the
shipped ``next-generation`` glossary, and a generated glossary of ``--entries`` terms plus the shipped
one. The generated terms look like real ones: half of them have an institution noun as head
("committee", "office", "system" ...: each is the head of about 150 terms), the others a made-up
noun; one to three modifiers drawn from the seed's own English words and made-up words; two to
four variants each (a quarter of the terms also have a weak one); Chinese names of three to six
Han characters common in the seed (many occur in it, which switches the consistency checks on). Prints the best of
``--repeat`` interleaved runs in CPU seconds (the machine is shared: CPU time and the best run
are the least disturbed by others), MB/s and the ratios.
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
    """A glossary shaped like a real one (see the module docstring); the same for the same ``rng``."""
    seed_words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{3,}", seed_text)})

    def made_up() -> str:
        return "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))

    modifiers = seed_words + [made_up() for _ in range(6000)]
    heads = list(HEADS) + [made_up() for _ in range(3000)]
    used: set[str] = set()
    zh_used: set[str] = set()

    def phrase() -> str:
        while True:
            head = rng.choice(HEADS) if rng.random() < 0.5 else rng.choice(heads)
            p = " ".join([rng.choice(modifiers) for _ in range(rng.randint(1, 3))] + [head])
            if p not in used:
                used.add(p)
                return p

    out = []
    for _ in range(entries):
        while True:
            zh = "".join(rng.choice(HAN) for _ in range(rng.randint(3, 6)))
            if zh not in zh_used:
                zh_used.add(zh)
                break
        en = phrase().title()
        variants = [phrase() for _ in range(rng.randint(2, 4))]
        weak = [variants.pop()] if rng.random() < 0.25 else []
        entry = f"[[term]]\nzh = {json.dumps(zh)}\nen = {json.dumps(en)}\nvariants = {json.dumps(variants)}\n"
        out.append(entry + (f"weak_variants = {json.dumps(weak)}\n" if weak else ""))
    return "\n".join(out)


def clean_once(pipeline: Pipeline, text: str) -> tuple[float, int]:
    # CPU time of this process: other work on the shared cores does not count against us.
    start = time.process_time()
    doc = pipeline.clean(text)
    return time.process_time() - start, sum(c.stage == "terms" for c in doc.changes)


def texts(size: int) -> dict[str, str]:
    """The seed repeated (dense: a repair every 340 characters) and plain English prose without the
    domain (the Python documentation shipped with the interpreter), each cut to ``size``."""
    seed = (ROOT / "samples" / "gov-report-2023.txt").read_text(encoding="utf-8")
    from pydoc_data.topics import topics

    plain = "\n\n".join(topics.values())
    return {name: ((t + "\n\n") * (size // len(t) + 1))[:size]
            for name, t in (("seed", seed), ("plain English", plain))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    seed = (ROOT / "samples" / "gov-report-2023.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.toml"
        path.write_text(generate(args.entries, seed, random.Random(20231107)), encoding="utf-8")
        runs = [("no glossary", []), ("next-generation (shipped)", ["next-generation"]),
                (f"{args.entries:,} generated + next-generation", [str(path), "next-generation"])]
        pipelines = []
        for label, terms in runs:
            start = time.process_time()
            pipelines.append((label, Pipeline(terms=terms)))
            print(f"setup {label:40} {time.process_time() - start:6.2f} s")
        for name, text in texts(int(args.mb * 1_000_000)).items():
            # Interleaved, so that a burst of load on the shared machine hits every variant alike.
            best = [float("inf")] * len(pipelines)
            repairs = [0] * len(pipelines)
            for _ in range(args.repeat):
                for i, (_, pipeline) in enumerate(pipelines):
                    seconds, repairs[i] = clean_once(pipeline, text)
                    best[i] = min(best[i], seconds)
            print(f"\n{name}, {len(text) / 1e6:.1f} MB (best of {args.repeat}, CPU seconds):")
            for (label, _), seconds, n in zip(pipelines, best, repairs):
                print(f"  {label:40} {seconds:6.3f} s  {len(text) / seconds / 1e6:6.2f} MB/s  "
                      f"x{seconds / best[0]:.2f}  {n} repairs")


if __name__ == "__main__":
    main()
