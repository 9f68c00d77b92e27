"""Markdown and HTML documents: what is prose and what is markup, found by a real parser.

A parser reads the raw file and returns a ``Layout``: the ranges of prose (the only text later stages may
edit), the prose blocks (paragraphs, headings, cells, metadata, attributes) that writers and translation
units use, the links with their anchor text and target, and the hidden elements (HTML) that may carry
link spam. Every offset is a ``str`` index into the whole file, so that the change log replays on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import regex

from ..document import Block

Span = tuple[int, int]


@dataclass(frozen=True)
class Link:
    """A link: ``start``/``end`` cover it whole (markup included)."""

    start: int
    end: int
    href: str
    anchor: str  # the anchor text as a reader sees it
    label: Span | None = None  # the anchor's range when it is one stretch of plain prose (editable)
    title: str = ""
    title_span: Span | None = None  # HTML: the range of the ``title`` value (prose, unlike Markdown's)


@dataclass(frozen=True)
class Hidden:
    """An element hidden from readers, with its start and end tags (``start``/``end`` cover both)."""

    start: int
    end: int
    tag: str
    trick: str  # how it is hidden: ``display:none``, ``text-indent:-9999px``, ...
    text: str  # what it says, entities decoded
    links: tuple[Link, ...] = ()


@dataclass
class Layout:
    prose: list[Span] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    hidden: list[Hidden] = field(default_factory=list)
    # Markdown: the line ranges of the top-level blocks and the link reference definitions, so that a
    # block can be parsed again alone (to check what cleaning did to it).
    regions: list[Span] = field(default_factory=list)
    references: dict = field(default_factory=dict)


# A bare URL in prose (a URL in link syntax is markup already). One character class, no nesting.
_URL = regex.compile(r"(https?://|ftp://|www\.)[^\s<>\"'`\p{Han}，。、；：？！（）《》【】「」“”‘’]+", regex.I)
_URL_TAIL = ".,;:!?)]}'\""


def bare_urls(text: str, spans: Iterable[Span]) -> list[Span]:
    """URLs written as plain text inside prose spans (never edited: a URL is not prose). What trails a
    URL (``.,)``) is not part of it, and a scheme with nothing after it (``(http://)``) is no URL: the
    brackets around it may become ``（）``, which the pattern stops at, and the next cleaning must read
    the same prose."""
    found = []
    for s, e in spans:
        for m in _URL.finditer(text, s, e):
            end = m.end()
            while end > m.start() and text[end - 1] in _URL_TAIL:
                end -= 1
            if end > m.start() + len(m.group(1)):
                found.append((m.start(), end))
    return found


def chars_in(text: str, spans: Iterable[Span], chars: str) -> list[Span]:
    """Each occurrence of one of ``chars`` inside ``spans``, as a one-character span."""
    found = []
    for s, e in spans:
        for i in range(s, e):
            if text[i] in chars:
                found.append((i, i + 1))
    return found


def normalize(spans: Iterable[Span]) -> list[Span]:
    """Sorted, merged, non-empty spans."""
    out: list[Span] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def subtract(spans: Iterable[Span], holes: Iterable[Span]) -> list[Span]:
    """``spans`` minus ``holes`` (both need not be sorted)."""
    holes = normalize(holes)
    out: list[Span] = []
    j = 0
    for s, e in normalize(spans):
        while j < len(holes) and holes[j][1] <= s:
            j += 1
        k = j
        while k < len(holes) and holes[k][0] < e:
            hs, he = holes[k]
            if hs > s:
                out.append((s, hs))
            s = max(s, he)
            k += 1
        if s < e:
            out.append((s, e))
    return out


def complement(spans: Iterable[Span], length: int) -> list[Span]:
    """What ``spans`` leave uncovered in ``[0, length)``."""
    return subtract([(0, length)], spans)
