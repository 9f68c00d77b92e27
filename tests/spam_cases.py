"""The spam test set (tests/data/spam/cases.txt) and how it is scored.

Each line is ``category<TAB>text``; spans marked ``⟦…⟧`` are spam. Precision and recall are counted per
span: a found span is right when it overlaps a marked one; a marked span is found when a found span
overlaps it. Character-level figures count the characters both agree on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CASES = Path(__file__).resolve().parent / "data" / "spam" / "cases.txt"
OPEN, CLOSE = "⟦", "⟧"


@dataclass
class Case:
    line: int
    category: str
    text: str  # without the marks
    gold: list[tuple[int, int]]  # spam spans in ``text``

    @property
    def positive(self) -> bool:
        return bool(self.gold)


def parse(line_no: int, line: str) -> Case:
    category, marked = line.split("\t", 1)
    text, gold, start = [], [], None
    for ch in marked:
        if ch == OPEN:
            start = len(text)
        elif ch == CLOSE:
            gold.append((start, len(text)))
            start = None
        else:
            text.append(ch)
    if start is not None:
        raise ValueError(f"{CASES}:{line_no}: unclosed {OPEN}")
    return Case(line_no, category, "".join(text), gold)


def load_cases(path: Path = CASES) -> list[Case]:
    cases = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            cases.append(parse(i, line))
    return cases


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class Scores:
    found: int = 0  # spans found
    found_right: int = 0  # found spans overlapping a marked one
    gold: int = 0  # marked spans
    gold_found: int = 0  # marked spans overlapped by a found one
    chars_found: int = 0
    chars_gold: int = 0
    chars_both: int = 0
    misses: list[str] = field(default_factory=list)  # what went wrong, for the report

    @property
    def precision(self) -> float:
        return self.found_right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 1.0

    @property
    def char_precision(self) -> float:
        return self.chars_both / self.chars_found if self.chars_found else 1.0

    @property
    def char_recall(self) -> float:
        return self.chars_both / self.chars_gold if self.chars_gold else 1.0


def evaluate(cases: list[Case], find) -> Scores:
    """``find(text)`` returns ``(start, end)`` spans."""
    s = Scores()
    for case in cases:
        spans = [tuple(x) for x in find(case.text)]
        s.found += len(spans)
        s.gold += len(case.gold)
        right = [p for p in spans if any(_overlaps(p, g) for g in case.gold)]
        s.found_right += len(right)
        found = [g for g in case.gold if any(_overlaps(p, g) for p in spans)]
        s.gold_found += len(found)
        got = {i for a, b in spans for i in range(a, b)}
        want = {i for a, b in case.gold for i in range(a, b)}
        s.chars_found += len(got)
        s.chars_gold += len(want)
        s.chars_both += len(got & want)
        for p in spans:
            if p not in right:
                s.misses.append(f"line {case.line} ({case.category}): false alarm {case.text[p[0]:p[1]]!r}")
        for g in case.gold:
            if g not in found:
                s.misses.append(f"line {case.line} ({case.category}): missed {case.text[g[0]:g[1]]!r}")
    return s
