"""Numbers damaged by machine translation.

Rules:
- ``decimal-point`` (change): a ``。`` between two digits is a decimal point: ``5。780,000`` -> ``5.780,000``.
- ``wan-separator`` (flag): a decimal point followed by a thousands separator (``3.40,000 people``,
  ``5.780,000 students``) is no number in either convention; it is what a wrong conversion of 万 leaves
  (``3.4万`` rendered as ``3.4`` + ``0,000``). It is flagged, never changed: the message names the
  likely readings, and only the source can tell which is right.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

import regex

from ..document import Document, Edit
from ..options import Options
from ..typography import url_spans

NAME = "numbers"
RULES = ("decimal-point", "wan-separator")
CONTEXT = "paragraph"  # works line by line: large files can be cleaned piece by piece

_DECIMAL = regex.compile(r"(?<=\d)。(?=\d)")
_MIXED = regex.compile(r"(?<!\d[.,]|\d)(\d+)\.(\d+)((?:,\d{3})++)(?![\d,]|\.\d)")
# What every match of ``_MIXED`` holds from its point on: a pattern that starts with a literal, which
# the search skips ahead to (``_MIXED`` starts with a lookbehind, tried at every position).
_POINT_THEN_GROUP = regex.compile(r"\.\d+,")
_DIGITS_BEFORE = regex.compile(r"(?r)\d+")  # matched backwards from ``endpos``


def setup(options: Options) -> Callable[[Document], None]:
    on = options.enabled

    def run(doc: Document) -> None:
        if on("decimal-point") and "。" in doc.text:
            points = [m.start() for m in _DECIMAL.finditer(doc.text)]
            if points:
                # A 。 that ends a URL (``?x=15。780``) stays: made a point it would join what follows to
                # the URL, and the next run, reading the longer URL, decided otherwise (not idempotent).
                url_ends = {e for _, e in url_spans(doc.text)} if _may_end_urls(doc.text, points) else set()
                doc.apply(NAME, (Edit(p, p + 1, ".", "decimal-point") for p in points if p not in url_ends))
        if on("wan-separator"):
            for m in mixed_numbers(doc.text):
                doc.flag(NAME, "wan-separator", m.start(), m.end(), wan_message(m.group()))

    return run


# What every URL and e-mail address holds (``typography.url_spans``, which finds none on a line break).
_URL_MARKS = ("://", "www.", "@")


def _may_end_urls(text: str, points: list[int]) -> bool:
    """Whether a URL may end at one of ``points`` (in order): one would lie in the line before it and
    hold a mark. Most documents with decimal points have URLs somewhere, rarely just before a point:
    finding them all costs a third of the stage (tests/test_numbers.py checks what this relies on).
    One walk: each stretch of text is searched once, however long its lines."""
    line_start = 0
    last_mark = -1  # where the last mark that ends before the point starts
    scanned = 0  # marks ending before here are known
    for p in points:
        line_start = max(line_start, text.rfind("\n", scanned, p) + 1)
        for mark in _URL_MARKS:
            last_mark = max(last_mark, text.rfind(mark, max(line_start, scanned - len(mark) + 1), p))
        scanned = p
        if last_mark >= line_start:
            return True
    return False


def mixed_numbers(text: str) -> list[regex.Match]:
    """``list(_MIXED.finditer(text))``, four times as fast: a match starts where the run of digits
    before a ``_POINT_THEN_GROUP`` starts (not after a digit), so ``_MIXED`` is only tried there
    (tests/test_numbers.py compares the two)."""
    found: list[regex.Match] = []
    end = 0  # matches do not overlap: the next one starts after the last
    for point in _POINT_THEN_GROUP.finditer(text):
        digits = _DIGITS_BEFORE.match(text, end, point.start())
        if digits is None:
            continue
        m = _MIXED.match(text, digits.start())
        if m is not None:
            found.append(m)
            end = m.end()
    return found


def wan_readings(number: str) -> list[str]:
    """Likely readings of ``A.B0,000`` as a wrongly converted ``A.B万``.

    The translator wrote 万 as ``0,000`` after the mantissa: ``3.40,000`` is 3.4万 = 34,000. When the
    mantissa keeps two or more decimals, the point may also have slipped one place (``5.78万`` or
    ``57.8万``): both readings are named. Returns [] when the shape does not fit (no ``0,000`` tail).
    """
    m = _MIXED.fullmatch(number)
    if not m or m.group(3) != ",000" or not m.group(2).endswith("0"):
        return []
    whole, decimals = m.group(1), m.group(2)[:-1]
    mantissas = [f"{whole}.{decimals}" if decimals else whole]
    if len(decimals) >= 2:
        mantissas.append(f"{whole}{decimals[0]}.{decimals[1:]}")
    return [f"{m}万 = {_grouped(Decimal(m) * 10000)}" for m in mantissas]


def wan_message(number: str) -> str:
    readings = wan_readings(number)
    if readings:
        return (f"{number}: a decimal point before a thousands separator, likely a wrong conversion of 万; "
                f"read {' or '.join(readings)}; check the source")
    return f"{number}: a decimal point before a thousands separator; check the source"


def _grouped(value: Decimal) -> str:
    value = value.normalize()
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,f}"
