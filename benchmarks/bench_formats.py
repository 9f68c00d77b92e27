"""Throughput of Markdown and HTML inputs, in MB/s of UTF-8 input: the markup stage's parse alone, and
the whole pipeline with default options. Run by hand (not a test):

    python benchmarks/bench_formats.py [--mb 2] [--repeat 5]
    python benchmarks/bench_formats.py --fences      # growth: markup-check over thousands of changed blocks

The documents are the samples repeated to about ``--mb`` megabytes. The best of ``--repeat`` runs is
printed, by the wall clock and by CPU time: other processes share the machine, and the best run is the
one they disturbed least.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipeline import Pipeline
from pipeline.formats.html_doc import html_layout
from pipeline.formats.markdown_doc import default_parser, markdown_layout

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def corpus(suffix: str, megabytes: float) -> str:
    one = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob(f"*{suffix}")))
    if suffix == ".html":  # one page: repeat the body, keep one head
        head, _, rest = one.partition("<body>")
        body, _, tail = rest.partition("</body>")
        n = max(1, int(megabytes * 1e6 / len(body.encode("utf-8"))))
        return head + "<body>" + body * n + "</body>" + tail
    n = max(1, int(megabytes * 1e6 / len(one.encode("utf-8"))))
    return "\n\n".join([one] * n)


def best_rates(fn, text: str, repeat: int) -> tuple[float, float]:
    """MB/s of the best run by the wall clock and by the process's CPU time (one thread: the CPU time
    is what the run would take on an idle core)."""
    size = len(text.encode("utf-8")) / 1e6
    wall = cpu = float("inf")
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn(text)
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return size / wall, size / cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--fences", action="store_true",
                    help="CPU time for 2,000 and 8,000 fences made by spam removal (x4 is linear)")
    args = ap.parse_args()
    pipeline = Pipeline()
    if args.fences:
        print_fence_growth(pipeline, args.repeat)
        return
    md = default_parser()
    cases = [
        ("markdown", ".md", lambda t: markdown_layout(md, t)),
        ("html", ".html", html_layout),
    ]
    print(f"{'input':10} {'size MB':>8} {'parse MB/s (wall/cpu)':>22} {'pipeline MB/s (wall/cpu)':>25}")
    for fmt, suffix, parse in cases:
        text = corpus(suffix, args.mb)
        size = len(text.encode("utf-8")) / 1e6
        pw, pc = best_rates(parse, text, args.repeat)
        cw, cc = best_rates(lambda t: pipeline.clean(t, format=fmt), text, args.repeat)
        print(f"{fmt:10} {size:8.2f} {pw:10.2f} / {pc:9.2f} {cw:12.2f} / {cc:10.2f}")


def print_fence_growth(pipeline: Pipeline, repeat: int) -> None:
    """markup-check once walked every block for each changed line: 8,000 fences made by removals took
    3.4 s against 0.4 s for 2,000 (x9). Four times the text should take about four times as long."""
    times = []
    for n in (2_000, 8_000):
        text = "``欧洲杯下注平台`\n```\n```\n" * n
        best = float("inf")
        for _ in range(repeat):
            start = time.process_time()
            pipeline.clean(text, format="markdown")
            best = min(best, time.process_time() - start)
        times.append(best)
        print(f"{n:6,} fences made by removals: {best:6.2f} s CPU")
    print(f"growth x{times[1] / times[0]:.1f} for 4 times the text")


if __name__ == "__main__":
    main()
