"""The hand-labelled language-run sets (tests/data/segment-*.jsonl) and how a segmenter is scored on them.

Each line is one text, given as its fragments: ``{"source": ..., "fragments": [[lang, text], ...]}``.
A fragment is a clause, or the part of a clause in one language (``哈铁集团`` inside an English clause).
A fragment is right when every character of it that is not a space lies in a run of its language.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import regex

DATA = Path(__file__).resolve().parent / "data"
SETS = {"seed": DATA / "segment-seed.jsonl", "hard": DATA / "segment-hard.jsonl"}
_HAN = regex.compile(r"\p{Han}")


@dataclass(frozen=True)
class Case:
    source: str
    fragments: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        return "".join(f for _, f in self.fragments)


@dataclass
class Score:
    fragments: int = 0
    right: int = 0
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)  # source, want, got, fragment
    han_outside_zh: list[tuple[str, str]] = field(default_factory=list)  # source, character

    @property
    def accuracy(self) -> float:
        return self.right / self.fragments if self.fragments else 1.0


def load(name: str) -> list[Case]:
    cases = []
    with SETS[name].open(encoding="utf-8") as f:
        for line in f:
            data = json.loads(line)
            cases.append(Case(data["source"], tuple((lang, text) for lang, text in data["fragments"])))
    return cases


def score(cases: Iterable[Case], segment: Callable[[str], list]) -> Score:
    result = Score()
    for case in cases:
        text = case.text
        segs = segment(text)
        bounds = [s.start for s in segs]

        def lang_at(pos: int) -> str:
            return segs[bisect_right(bounds, pos) - 1].lang

        pos = 0
        for want, frag in case.fragments:
            got = {lang_at(pos + i) for i, ch in enumerate(frag) if not ch.isspace()}
            result.fragments += 1
            if got <= {want}:
                result.right += 1
            else:
                result.misses.append((case.source, want, "+".join(sorted(got)), frag))
            pos += len(frag)
        result.han_outside_zh += [(case.source, m.group()) for m in _HAN.finditer(text)
                                  if lang_at(m.start()) != "zh"]
    return result
