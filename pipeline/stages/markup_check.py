"""Markup check: the last stage. Did cleaning the prose change what the parser sees?

The markup stage protects every byte of markup, so no stage can edit it; but an edit of prose can still
change how the markup reads: a removal that empties ``**...**`` leaves ``****`` (text, or a thematic
break on a line of its own), a space removed or inserted next to ``*`` turns emphasis on or off. This
stage compares the document as the markup stage left it with the document now, and flags the first
place where the structure differs (``markup-changed``) for an editor; the pipeline then cleans the text
again as the markup now reads (``CLEAN_AGAIN``, pipeline/runner.py), so that cleaning the output again
changes nothing. A Markdown table row counts its source cells (an emptied first cell shifts the others).
A Markdown line emptied entirely (a paragraph that was all spam) is no such change. It must stay last
in the registry.

It is cheap: nothing to do when no later stage changed anything; line breaks are markup, so the lines
of the two versions correspond one to one, and only the lines that changed are read again (the
Markdown blocks holding them, in one parse, with the document's link references; for HTML, the whole
page only when
the prose of a changed line holds ``<``, ``>``, ``&`` or a quote, which is how text can turn into a tag).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Callable, NamedTuple

from ..document import Document
from ..formats.html_doc import html_skeleton
from ..formats.markdown_doc import default_parser, line_starts, markdown_skeleton
from ..options import Options

NAME = "markup-check"
# Plain text, the only format cleaned piece by piece (large files), passes through untouched; Markdown
# and HTML are always read whole.
CONTEXT = "paragraph"
RULES = ("markup-changed",)
PARSED = "_markup_parsed"  # the key under which the markup stage leaves a ``Parsed`` in ``doc.stats``
CLEAN_AGAIN = "_markup_clean_again"  # set when the markup reads differently: the pipeline cleans again
_TAG_CHARS = frozenset("<>&\"'")


class Parsed(NamedTuple):
    text: str  # the text as the markup stage left it
    changes: int  # the length of the change log then
    regions: list  # Markdown: line ranges of the top-level blocks ([] = read the whole text)
    references: dict  # Markdown: link reference definitions
    protected: list  # the protected ranges then


def setup(options: Options) -> Callable[[Document], None]:
    on = options.enabled("markup-changed")

    def run(doc: Document) -> None:
        parsed = doc.stats.pop(PARSED, None)
        if parsed is None or len(doc.changes) == parsed.changes:
            return
        place = (_markdown_difference(default_parser(), parsed, doc) if doc.format == "markdown"
                 else _html_difference(parsed, doc))
        if place is None:
            return
        # The later stages cleaned the prose as the markup read before; the pipeline cleans the text
        # again (CLEAN_AGAIN), as the next cleaning would read it, so that cleaning the output is a no-op.
        doc.stats[CLEAN_AGAIN] = True
        if on:
            doc.flag(NAME, "markup-changed", place[0], place[1],
                     "cleaning the prose here changed how the markup reads (an emptied or re-paired mark, a "
                     "fence, a table row's cells): "
                     "check this place against the input")

    return run


def changed_lines(before: str, now: str) -> tuple[list[int], list[int], list[int]] | None:
    """Line starts of both texts and the numbers of the lines that differ (None: the lines do not
    correspond, which no prose edit can cause)."""
    old, new = line_starts(before), line_starts(now)
    if len(old) != len(new):
        return None
    ends_old, ends_new = old[1:] + [len(before)], new[1:] + [len(now)]
    changed = [i for i in range(len(old)) if before[old[i]:ends_old[i]] != now[new[i]:ends_new[i]]]
    return old, new, changed


def emptied_lines_blanked(before: str, now: str) -> str:
    """``before`` with every line that cleaning emptied entirely (nothing but blanks left) taken from
    ``now``: a paragraph that was all spam may go; that changes no markup."""
    lines = changed_lines(before, now)
    if lines is None:
        return before
    old, new, changed = lines
    ends_old, ends_new = old[1:] + [len(before)], new[1:] + [len(now)]
    pieces, pos = [], 0
    for i in changed:
        line = now[new[i]:ends_new[i]]
        if not line.strip():
            pieces += [before[pos:old[i]], line]
            pos = ends_old[i]
    pieces.append(before[pos:])
    return "".join(pieces)


def _markdown_difference(md, parsed: Parsed, doc: Document) -> tuple[int, int] | None:
    now = doc.text
    lines = changed_lines(parsed.text, now)
    if lines is not None and not any(_may_read_differently(parsed, doc, *lines[:2], i) for i in lines[2]):
        return None
    parsed = parsed._replace(text=emptied_lines_blanked(parsed.text, now))
    lines = changed_lines(parsed.text, now)
    if lines is None or not parsed.regions:
        return _whole_markdown(md, parsed, now)
    old, new, changed = lines
    todo = _regions_holding(parsed.regions, changed)
    if len({i for r in todo for i in range(*r)} & set(changed)) != len(changed):
        return _whole_markdown(md, parsed, now)  # a changed line outside every block
    # The changed blocks, each read alone but all in one parse: blocks joined by blank lines, the same
    # way on both sides, so that a difference can only come from inside a block.
    firsts, a, b = [], [], []
    at = 0
    for l0, l1 in todo:
        firsts.append(at)
        a.append(_block(parsed.text, old, l0, l1))
        b.append(_block(now, new, l0, l1))
        at += l1 - l0 + 1
    line = _first_difference(markdown_skeleton(md, "\n".join(a), parsed.references),
                             markdown_skeleton(md, "\n".join(b), parsed.references))
    if line is None:
        return None
    k = bisect_right(firsts, line) - 1
    return _line_span(now, new, min(todo[k][0] + line - firsts[k], todo[k][1] - 1))


def _regions_holding(regions: list, lines: list[int]) -> list:
    """The blocks (line ranges, in order and apart: top-level blocks) holding any of ``lines``, found by
    a search each: a document of thousands of changed blocks is no quadratic walk."""
    regions = sorted(regions)
    starts = [r[0] for r in regions]
    found = set()
    for i in lines:
        k = bisect_right(starts, i) - 1
        if k >= 0 and i < regions[k][1]:
            found.add(regions[k])
    return sorted(found)


# Characters that make inline syntax wherever they stand (a `(` after a `]` makes a link).
_INLINE_SYNTAX = frozenset("*_`~[]()<>\\!&$|")


# What can open a Markdown block: indentation, list and heading markers, quotes, fences, table pipes.
_LEAD = re.compile(r"[ \t#>*+\-=_`~|:0-9.)\\]*\S?")


def _may_read_differently(parsed: Parsed, doc: Document, old: list[int], new: list[int], i: int) -> bool:
    """Can the edits on line ``i`` change how its markup reads? Only if the line still says something
    and its markup now has other neighbours (an emptied or re-paired mark: flanking depends on the
    characters beside a delimiter), it gained or lost a syntax character, it starts differently, or it
    holds a link label in a document with reference definitions."""
    before, now = parsed.text, doc.text
    a = before[old[i]: old[i + 1] if i + 1 < len(old) else len(before)]
    b = now[new[i]: new[i + 1] if i + 1 < len(new) else len(now)]
    if not b.strip():
        return False  # emptied entirely: no markup change
    if _LEAD.match(a).group() != _LEAD.match(b).group():
        return True  # a block marker may have appeared or gone (``-九游会 文字`` -> ``- 文字``, a list item)
    if sum(c in _INLINE_SYNTAX for c in a) != sum(c in _INLINE_SYNTAX for c in b):
        return True
    if parsed.references and "]" in b:
        return True  # a label edited inside may no longer name its reference definition
    return (_neighbours(before, parsed.protected, old[i], old[i] + len(a))
            != _neighbours(now, doc.protected, new[i], new[i] + len(b)))


def _neighbours(text: str, protected: list, s: int, e: int) -> list[tuple[str, str, str]]:
    """Each protected run on ``text[s:e]`` with the character before and after it on the line."""
    out = []
    k = max(0, bisect_right(protected, (s, s)) - 1)
    while k < len(protected) and protected[k][0] < e:
        ps, pe = max(protected[k][0], s), min(protected[k][1], e)
        if ps < pe:
            out.append((text[ps:pe], text[ps - 1] if ps > s else "", text[pe] if pe < e else ""))
        k += 1
    return out


def _whole_markdown(md, parsed: Parsed, now: str) -> tuple[int, int] | None:
    line = _first_difference(markdown_skeleton(md, parsed.text), markdown_skeleton(md, now))
    return None if line is None else _line_span(now, line_starts(now), line)


def _html_difference(parsed: Parsed, doc: Document) -> tuple[int, int] | None:
    now = doc.text
    lines = changed_lines(parsed.text, now)
    if lines is not None:
        _, new, changed = lines
        ends = new[1:] + [len(now)]
        # Tags are protected: only prose that now holds `<`, `>`, `&` or a quote can read differently.
        if not any(_TAG_CHARS & set(now[s:e]) for i in changed for s, e in doc.unprotected(new[i], ends[i])):
            return None
    at = _first_difference(html_skeleton(parsed.text), html_skeleton(now))
    return None if at is None else (at, at)


def _first_difference(old: list, new: list) -> int | None:
    """Where the new skeleton first differs from the old one (a line or an offset), None if it does not."""
    if [k for k, _ in old] == [k for k, _ in new]:
        return None
    i = 0
    while i < len(old) and i < len(new) and old[i][0] == new[i][0]:
        i += 1
    places = [p for _, p in new[: i + 1] if p is not None]
    return places[-1] if places else 0


def _block(text: str, starts: list[int], l0: int, l1: int) -> str:
    """Lines ``l0`` to ``l1 - 1``, ending with a line break."""
    block = text[starts[l0]: starts[l1] if l1 < len(starts) else len(text)]
    return block if block.endswith("\n") else block + "\n"


def _line_span(text: str, starts: list[int], line: int) -> tuple[int, int]:
    s = starts[min(line, len(starts) - 1)]
    e = text.find("\n", s)
    return s, len(text) if e < 0 else e
