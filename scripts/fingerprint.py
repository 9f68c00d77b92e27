"""Fingerprints of duet's whole output (text, changes, flags, runs, blocks, counts) on a fixed set of
inputs: the seed, the seed repeated to 10 MB, shuffled and cut variants of it, the seed with a glossary,
with ``--spam flag``, ``--spam mask`` and ``--variant traditional --digit-spacing``, and each sample in its
own format. For a change meant to be pure speed:

    python scripts/fingerprint.py save /tmp/before.json      # on the code before the change
    python scripts/fingerprint.py check /tmp/before.json     # after it: every line must say "same"

Run from the project root (it reads samples/ and benchmarks/common.py). Exit status 1 when any differs.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import repeated, seed_text  # noqa: E402

from pipeline import Pipeline  # noqa: E402


def fingerprint(doc) -> str:
    h = hashlib.sha256(doc.text.encode("utf-8"))
    for c in doc.changes:
        h.update(repr((c.stage, c.rule, c.start, c.end, c.before, c.after)).encode("utf-8"))
    for f in doc.flags:
        h.update(repr((f.stage, f.rule, f.start, f.end, f.message)).encode("utf-8"))
    for s in doc.segments:
        h.update(repr((s.start, s.end, s.lang)).encode("utf-8"))
    for b in doc.blocks:
        h.update(repr((b.start, b.end, b.kind)).encode("utf-8"))
    h.update(repr(sorted((k, v) for k, v in doc.stats.items() if not k.startswith("_"))).encode("utf-8"))
    return h.hexdigest()[:16]


def inputs():
    """``(name, text, format, options)``."""
    seed = seed_text()
    yield "seed", seed, "text", {}
    yield "seed-x10MB", repeated(int(10e6)), "text", {}
    paragraphs = seed.split("\n\n")
    rnd = random.Random(7)
    for k in range(6):  # paragraphs shuffled, cut at a random place, glued by a line break or a space
        rnd.shuffle(paragraphs)
        text = "\n\n".join(paragraphs)
        cut = rnd.randrange(len(text))
        yield f"shuffle{k}", text[cut:] + ("\n" if k % 2 else " ") + text[:cut], "text", {}
    yield "seed-glossary", seed, "text", {"terms": ("next-generation",)}
    yield "seed-spam-flag", seed, "text", {"spam": "flag"}
    yield "seed-spam-mask", seed, "text", {"spam": "mask"}
    yield "seed-traditional", seed, "text", {"variant": "traditional", "digit_spacing": True}
    for path in sorted((ROOT / "samples").glob("*.*")):
        fmt = {".md": "markdown", ".html": "html"}.get(path.suffix, "text")
        yield path.name, path.read_text(encoding="utf-8"), fmt, {}


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("save", "check"):
        sys.exit("usage: python scripts/fingerprint.py save|check FILE")
    mode, path = sys.argv[1], Path(sys.argv[2])
    pipelines: dict[str, Pipeline] = {}
    got = {}
    for name, text, fmt, options in inputs():
        key = json.dumps(options, sort_keys=True)
        pipeline = pipelines.setdefault(key, Pipeline(**options))
        got[name] = fingerprint(pipeline.clean_bytes(text.encode("utf-8"), format=fmt))
    if mode == "save":
        path.write_text(json.dumps(got, indent=1), encoding="utf-8")
        print(f"saved {len(got)} fingerprints to {path}")
        return
    want = json.loads(path.read_text(encoding="utf-8"))
    differ = [name for name in got if want.get(name) != got[name]]
    for name in got:
        print(f"{name:28s} {'DIFFERENT' if name in differ else 'same'}")
    print("all the same" if not differ else f"{len(differ)} different")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
