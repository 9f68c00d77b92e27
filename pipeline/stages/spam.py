"""Spam: cut injected betting/gambling spans out of a document and keep every legitimate character.

Detection lives in ``pipeline.spam`` (rules in ``rules/spam/*.toml``, one Aho-Corasick automaton over a
normalized view, a score per span). This stage acts on what it finds, by ``--spam``:

- ``remove`` (default): each span is deleted with its title marks (``spam-title``, ``spam-phrase``,
  ``spam-stuffing``, ``spam-promotion``; the change carries the span's score). Then what the removal
  left behind is repaired, each repair its own change:
  ``spam-dangling`` - a joiner (``、``, ``和``, ``与``, ``and`` ...) left between two removed spans, or a
  list mark left hanging next to a removed span (``，。`` → ``。``);
  ``spam-space`` - spaces and line breaks around a removed span: a doubled space becomes one, a space
  left inside Chinese text or at a line end goes, a line emptied by the removal goes.
- ``mask``: each span is replaced by the marker (``--spam-mask``, default ``〔…〕``); nothing repaired.

Both repeat until nothing is found (a removal can bring two halves of a phrase together), so that
cleaning the output again finds nothing.
- ``flag``: nothing changes; each span becomes a flag for a human (``duet check`` lists them).

``doc.stats["spam"]`` counts the spans found in the document.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import partial
from typing import Callable

from ..document import Document, Edit, PositionMap, edits_before
from ..positions import change_spans, forward_spans
from ..options import Options
from ..spam import NOT_SPACE, Lines, SpamHit, detector_for
from . import invisible, structure

NAME = "spam"
REMOVALS = ("spam-title", "spam-phrase", "spam-stuffing", "spam-promotion")
RULES = (*REMOVALS, "spam-dangling", "spam-space")
MAX_ROUNDS = 5
# Private (not reported): whether the text held a spam anchor word when this stage last looked at it,
# and ``len(doc.changes)`` then. Without one nothing can be spam; a content stage that changes words
# afterwards (terms) needs only look at its own words (pipeline/polish.py).
ANCHORED = "_spam_anchored"


# Works on any run of whole paragraphs, in every mode (docs/batch.md): a span's score and every repair
# stay within the span's paragraph, and a removal that empties a piece of a large file is settled by the
# streamer (the piece is cleaned again with its neighbour). The end-of-document rule uses ``doc.at_end``.
CONTEXT = "paragraph"


# What may be left between two removed titles: ``《A》和《B》``, ``《A》、《B》``, ``"A" and "B"``.
JOINERS = frozenset(["、", ",", "，", "和", "与", "及", "以及", "或", "或者", "跟", "同", "and", "or", "&", "/",
                     ";", "；", "|"])
SEPARATORS = frozenset("、,，;；:：")
TERMINALS = frozenset("。.!?！？")
OPENING = frozenset("(（[【《「『“‘〈")
CLOSING = frozenset(")）]】》」』”’〉")


def setup(options: Options) -> Callable[[Document], None]:
    detector = detector_for(options.rules)
    kinds = {rule for rule in REMOVALS if options.enabled(rule)}
    mode, marker = options.spam, options.spam_mask
    repair_dangling = options.enabled("spam-dangling")
    repair_space = options.enabled("spam-space")
    # An odd space (U+3000, U+2002 ...) that the removal left between two Latin words is what the
    # invisible stage's odd-space rule turns into a plain space: do it here, or the next run would.
    odd_space = None
    if options.enabled("invisible") and options.enabled("odd-space"):
        odd_space = invisible.odd_space_pattern(invisible.load_chars()[1])
    restructure = structure.setup(options) if options.enabled(structure.NAME) and mode != "flag" else None

    def find(doc: Document, last: _LastLook) -> list[SpamHit]:
        if last.sites is not None and not _may_have_spam(detector, doc, last):
            hits, anchored, sites = [], False, []
        else:
            hits, anchored, sites = detector.scan_sites(doc.text)
        last.sites, last.at = sites, len(doc.changes)
        doc.stats[ANCHORED] = (anchored, len(doc.changes))
        return [h for h in hits if h.rule in kinds]

    def repair(doc: Document, points: list[int]) -> None:
        if repair_dangling:
            points = _apply_repairs(doc, points, _joiner_edits)
            points = _apply_repairs(doc, points, _mark_edits)
        if repair_space:
            points = _apply_repairs(doc, points, partial(_space_edits, doc.at_end))
            if odd_space is not None:
                _apply_repairs(doc, points, partial(_odd_space_edits, odd_space))

    def run(doc: Document) -> None:
        start = len(doc.changes)
        last = _LastLook()
        remove_or_mask(doc, last)
        # The structure stage decided on the lines as they were: a removal can take a line's heading
        # marker (``1、《…》``) or empty a line, and cleaning the output again would join differently.
        # It decides again on the lines as they are, and anything its joins bring together is looked at.
        for _ in range(MAX_ROUNDS):
            if restructure is None or not any(c.stage == NAME for c in doc.changes[start:]):
                break
            first = len(doc.changes)
            restructure(doc)
            if len(doc.changes) == first or not remove_or_mask(doc, last):
                break

    def remove_or_mask(doc: Document, last: _LastLook) -> int:
        """Find and act on the spans (see the module docstring); the number of spans removed or masked."""
        hits = find(doc, last)
        if mode == "flag":
            for h in hits:
                doc.flag(NAME, h.rule, h.start, h.end, h.describe())
            doc.stats["spam"] = len(hits)
            return 0
        # Remove (or mask) until nothing is found: taking a span out can bring the halves of a phrase
        # together or take the context that held another span below the threshold.
        count = 0
        for _ in range(MAX_ROUNDS):
            if not hits:
                break
            first = len(doc.changes)
            after = marker if mode == "mask" else ""
            doc.apply(NAME, (Edit(h.start, h.end, after, h.rule, h.score) for h in hits))
            # Each change's start is its offset once the earlier ones are applied (edits touching
            # protected ranges were dropped and leave no change).
            points = [c.start for c in doc.changes[first:]]
            count += len(points)
            if not points:
                break
            if mode == "remove":
                repair(doc, points)
            hits = find(doc, last)
        doc.stats["spam"] = doc.stats.get("spam", 0) + count
        return count

    return run


@dataclass
class _LastLook:
    """What the stage's last look at a document found: the stretches holding a word of the detector's
    quick test (``Detector.scan_sites``; None before the first look), and ``len(doc.changes)`` then."""

    sites: list[tuple[int, int]] | None = None
    at: int = 0


def _may_have_spam(detector, doc: Document, last: _LastLook) -> bool:
    """Whether a whole look at ``doc`` can find anything, after the changes made since the last look:
    False when no stretch holds a word of the quick test, neither one the changes touched nor one the
    last look found such a word in and the changes left alone. After the removals of a spam-dense text
    the quick test over the whole text cost a sixth of the stage's time; this looks at a few sentences."""
    if not detector.cuts:
        return True
    text = doc.text
    touched = detector.stretches(text, change_spans(doc, last.at))  # (in order, joined)
    starts = [a for a, _ in touched]
    for s, e in forward_spans(doc, last.at, last.sites):
        i = bisect_right(starts, s) - 1
        if i < 0 or touched[i][1] < e:
            return True  # a stretch with such a word that no change touched (or not known to be one)
    # One test over the touched stretches together: a word of the test never lies across a line break.
    return detector.may_hold_anchor("\n".join(text[a:b] for a, b in touched))


def _apply_repairs(doc: Document, points: list[int], make_edits) -> list[int]:
    """Apply one kind of repair; returns where the removal points are in the repaired text."""
    first = len(doc.changes)
    if not doc.apply(NAME, make_edits(doc.text, points)):
        return points
    # The edits applied (those touching protected ranges were dropped), in offsets of the text before.
    mapper = PositionMap(edits_before(doc.changes[first:]))
    return sorted({mapper.map(p, inside_to_end=False, past_insertions=True) for p in points})


def _joiner_edits(text: str, points: list[int]) -> list[Edit]:
    """A joiner with nothing else between two removed spans goes with them (``《A》和《B》`` → ````)."""
    edits = []
    for p, q in zip(points, points[1:]):
        between = text[p:q]
        if between and "\n" not in between and between.strip() in JOINERS:
            edits.append(Edit(p, q, "", "spam-dangling"))
    return edits


def _mark_edits(text: str, points: list[int]) -> list[Edit]:
    """A list mark left hanging next to a removed span: before a final mark, a line end or another
    mark (``工作，〔〕。`` → ``工作。``), or after a line start or a final mark (``。〔〕，下文`` → ``。下文``)."""
    edits: dict[int, Edit] = {}
    for p in points:
        li = p - 1
        while li >= 0 and _is_space(text[li]):
            li -= 1
        ri = p
        while ri < len(text) and _is_space(text[ri]):
            ri += 1
        left = text[li] if li >= 0 else "\n"
        right = text[ri] if ri < len(text) else "\n"
        if left in SEPARATORS and (right == "\n" or right in SEPARATORS or right in TERMINALS or right in CLOSING):
            edits[li] = Edit(li, li + 1, "", "spam-dangling")
        elif right in SEPARATORS and (left == "\n" or left in TERMINALS or left in OPENING):
            edits[ri] = Edit(ri, ri + 1, "", "spam-dangling")
        elif left in TERMINALS and right in TERMINALS:
            edits[ri] = Edit(ri, ri + 1, "", "spam-dangling")
    return list(edits.values())


def _space_edits(at_end: bool, text: str, points: list[int]) -> list[Edit]:
    """The whitespace around a removed span, made what it would have been without the span: spaces
    within its line, and the line itself when the removal left it blank."""
    edits: dict[int, Edit] = {}
    emptied: set[int] = set()  # starts of the lines a removal left blank
    lines = Lines(text)
    blank: dict[int, bool] = {}  # line start -> whether it holds only spaces (judged once per line)
    for p in points:
        ls, le = lines.around(p)
        if ls not in blank:
            blank[ls] = NOT_SPACE.search(text, ls, le) is None
        if blank[ls]:
            emptied.add(ls)
            continue
        rs = p
        while rs > ls and _is_space(text[rs - 1]):
            rs -= 1
        re_ = p
        while re_ < le and _is_space(text[re_]):
            re_ += 1
        if rs == re_ or rs in edits:
            continue
        new = _spaces(text, rs, p, re_, ls, le)
        if new != text[rs:re_]:
            edits[rs] = Edit(rs, re_, new, "spam-space")
    covered = -1
    groups = _line_groups(text, sorted(emptied))
    for group, after in zip(groups, [g[0] for g in groups[1:]] + [len(text)]):
        if group[0] < covered or covered == len(text):
            continue  # taken with the blank lines at the end of the document
        edit = _emptied_lines_edit(text, group[0], _line(text, group[-1])[1], at_end, after)
        edits[edit.start] = edit
        covered = edit.end
    return list(edits.values())


def _line(text: str, pos: int) -> tuple[int, int]:
    """Start and end (before its line break) of the line holding ``pos``."""
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


def _line_groups(text: str, starts: list[int]) -> list[list[int]]:
    """Consecutive lines (by their starts) in runs."""
    groups: list[list[int]] = []
    for ls in starts:
        if groups and _line(text, groups[-1][-1])[1] + 1 == ls:
            groups[-1].append(ls)
        else:
            groups.append([ls])
    return groups


def _emptied_lines_edit(text: str, gs: int, ge: int, at_end: bool, limit: int) -> Edit:
    """Lines ``[gs, ge)`` left blank by removals go with their line breaks.

    After a line with text, each goes with its own line break (``X\nspam\nY`` → ``X\nY``). At a
    paragraph's start (after a blank line, or at the start of the text) the line breaks after them go too,
    so that the blank line before stays the one paragraph break (``X\n\nspam\n\nY`` → ``X\n\nY``), but
    never past ``limit``, where the next emptied lines start: each emptied paragraph is its own change, so
    that a document cleaned piece by piece records the same changes (docs/batch.md). Nothing reaches
    beyond the paragraph, except at the end of a document: when nothing visible follows, the blank line
    before goes as well, as the invisible stage would take it, in one change with every emptied line
    after it (a large file's streamer joins an emptied last piece to the one before for this)."""
    n = len(text)
    j = ge
    while j < n and text[j].isspace():
        j += 1
    visible_after = j < n
    next_line = text.rfind("\n", ge, j) + 1 if visible_after else n  # keeps the next line's indentation
    prev_blank = gs == 0 or not text[text.rfind("\n", 0, gs - 1) + 1:gs - 1].strip()
    if visible_after or not at_end:  # a piece that is not the document's end: its next piece has text
        end = min(next_line, limit) if prev_blank else min(ge + 1, n)
        return Edit(gs, end, "", "spam-space")
    if gs == 0 or not prev_blank:
        return Edit(gs, n, "", "spam-space")  # the whole text, or the last lines: ``X\nspam`` → ``X\n``
    last = len(text[:gs].rstrip())  # the end of the last visible text before the lines
    return Edit(last, n, "\n", "spam-space")


def _spaces(text: str, rs: int, p: int, re_: int, ls: int, le: int) -> str:
    """A run of spaces (no line break) next to a removal point, in a line that keeps text."""
    left = text[rs - 1] if rs > ls else None
    right = text[re_] if re_ < le else None
    if right is None:
        return ""  # at the end of the line
    if left is None:
        return text[rs:p]  # the indentation before the span stays
    if right in SEPARATORS or right in TERMINALS or right in CLOSING or left in OPENING:
        return ""
    if _tight(left) and _tight(right):
        return ""
    # Between two Latin words, or Chinese and Latin (whose spacing the normalization decides): one space.
    return " "


def _odd_space_edits(pattern, text: str, points: list[int]) -> list[Edit]:
    """Odd spaces near a removed span (the odd-space rule looks two characters back)."""
    edits: dict[int, Edit] = {}
    for p in points:
        for m in pattern.finditer(text, max(0, p - 4), min(len(text), p + 64)):
            if m.start() > p + 3:
                break
            edits[m.start()] = Edit(m.start(), m.end(), " ", "spam-space")
    return list(edits.values())


def _is_space(ch: str) -> bool:
    return ch != "\n" and ch.isspace()


def _tight(ch: str) -> bool:
    """Chinese characters and marks take no space next to them."""
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’"
