"""Spam: cut injected betting/gambling spans out of a document and keep every legitimate character.

Detection lives in ``pipeline.spam`` (rules in ``rules/spam/*.toml``, one pass of one alternation over a
normalized view, a score per span). This stage acts on what it finds, by ``--spam``:

- ``remove`` (default): each span is deleted with its title marks (``spam-title``, ``spam-phrase``,
  ``spam-stuffing``, ``spam-promotion``; the change carries the span's score). Then what the removal
  left behind is repaired, each repair its own change:
  ``spam-dangling`` - a joiner (``、``, ``和``, ``与``, ``and`` ...) left between two removed spans, or a
  list mark left hanging next to a removed span (``，。`` → ``。``);
  ``spam-space`` - spaces and line breaks around a removed span: a doubled space becomes one, a space
  left inside Chinese text or at a line end goes, a line emptied by the removal goes.
  Removal repeats until nothing is found (a removal can bring two halves of a phrase together), so
  that cleaning the output again finds nothing.
- ``mask``: each span is replaced by the marker (``--spam-mask``, default ``〔…〕``); nothing repaired.
- ``flag``: nothing changes; each span becomes a flag for a human (``duet check`` lists them).

``doc.stats["spam"]`` counts the spans found in the document.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

from ..document import Document, Edit, PositionMap
from ..options import Options
from ..spam import Detector, SpamHit, load_rules
from . import invisible

NAME = "spam"
REMOVALS = ("spam-title", "spam-phrase", "spam-stuffing", "spam-promotion")
RULES = (*REMOVALS, "spam-dangling", "spam-space")
MAX_ROUNDS = 5

# What may be left between two removed titles: ``《A》和《B》``, ``《A》、《B》``, ``"A" and "B"``.
JOINERS = frozenset(["、", ",", "，", "和", "与", "及", "以及", "或", "或者", "跟", "同", "and", "or", "&", "/",
                     ";", "；", "|"])
SEPARATORS = frozenset("、,，;；:：")
TERMINALS = frozenset("。.!?！？")
OPENING = frozenset("(（[【《「『“‘〈")
CLOSING = frozenset(")）]】》」』”’〉")


def setup(options: Options) -> Callable[[Document], None]:
    detector = Detector(load_rules(options.rules))
    kinds = {rule for rule in REMOVALS if options.enabled(rule)}
    mode, marker = options.spam, options.spam_mask
    repair_dangling = options.enabled("spam-dangling")
    repair_space = options.enabled("spam-space")
    # An odd space (U+3000, U+2002 ...) that the removal left between two Latin words is what the
    # invisible stage's odd-space rule turns into a plain space: do it here, or the next run would.
    odd_space = None
    if options.enabled("invisible") and options.enabled("odd-space"):
        odd_space = invisible.odd_space_pattern(invisible.load_chars()[1])

    def find(text: str) -> list[SpamHit]:
        return [h for h in detector.find(text) if h.rule in kinds]

    def run(doc: Document) -> None:
        hits = find(doc.text)
        if mode == "flag":
            for h in hits:
                doc.flag(NAME, h.rule, h.start, h.end, h.describe())
            doc.stats["spam"] = len(hits)
            return
        if mode == "mask":
            doc.stats["spam"] = doc.apply(NAME, (Edit(h.start, h.end, marker, h.rule, h.score) for h in hits))
            return
        count = 0
        for _ in range(MAX_ROUNDS):
            if not hits:
                break
            points = _remove(doc, hits)
            count += len(points)
            if not points:
                break
            if repair_dangling:
                points = _apply_repairs(doc, points, _joiner_edits)
                points = _apply_repairs(doc, points, _mark_edits)
            if repair_space:
                points = _apply_repairs(doc, points, _space_edits)
                if odd_space is not None:
                    _apply_repairs(doc, points, partial(_odd_space_edits, odd_space))
            hits = find(doc.text)
        doc.stats["spam"] = count

    return run


def _remove(doc: Document, hits: list[SpamHit]) -> list[int]:
    """Delete the spans; returns where each one was, in the new text (edits touching protected ranges
    are dropped by ``Document.apply`` and leave no point)."""
    first = len(doc.changes)
    doc.apply(NAME, (Edit(h.start, h.end, "", h.rule, h.score) for h in hits))
    # Each change's start is its offset once the earlier ones are applied; later ones lie to its right.
    return [c.start for c in doc.changes[first:]]


def _apply_repairs(doc: Document, points: list[int], make_edits) -> list[int]:
    edits = make_edits(doc.text, points)
    if not edits:
        return points
    doc.apply(NAME, edits)
    mapper = PositionMap(sorted(edits, key=lambda e: e.start))
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


def _space_edits(text: str, points: list[int]) -> list[Edit]:
    """The whitespace around a removed span, made what it would have been without the span."""
    edits: dict[int, Edit] = {}
    for p in points:
        rs = p
        while rs > 0 and text[rs - 1].isspace():
            rs -= 1
        re_ = p
        while re_ < len(text) and text[re_].isspace():
            re_ += 1
        if rs == re_ or rs in edits:
            continue
        new = _whitespace(text, rs, p, re_)
        if new != text[rs:re_]:
            edits[rs] = Edit(rs, re_, new, "spam-space")
    return list(edits.values())


def _odd_space_edits(pattern, text: str, points: list[int]) -> list[Edit]:
    """Odd spaces near a removed span (the odd-space rule looks two characters back)."""
    edits: dict[int, Edit] = {}
    for p in points:
        for m in pattern.finditer(text, max(0, p - 4), min(len(text), p + 64)):
            if m.start() > p + 3:
                break
            edits[m.start()] = Edit(m.start(), m.end(), " ", "spam-space")
    return list(edits.values())


def _whitespace(text: str, rs: int, p: int, re_: int) -> str:
    run = text[rs:re_]
    left = text[rs - 1] if rs > 0 else None
    right = text[re_] if re_ < len(text) else None
    if "\n" in run:
        if left is None:
            return ""
        if right is None:
            return "\n"
        # A line emptied by the removal goes with its line break; a paragraph break stays one.
        breaks = min(2, max(text.count("\n", rs, p), text.count("\n", p, re_)))
        return "\n" * breaks + run[run.rfind("\n") + 1:]  # keep the next line's indentation
    if right is None:
        return ""
    if left is None:
        return text[rs:p]  # the indentation before the span stays
    if right in SEPARATORS or right in TERMINALS or right in CLOSING or left in OPENING:
        return ""
    if _tight(left) and _tight(right):
        return ""
    # Between two Latin words, or Chinese and Latin (whose spacing the normalization decides): one space.
    return " "


def _is_space(ch: str) -> bool:
    return ch != "\n" and ch.isspace()


def _tight(ch: str) -> bool:
    """Chinese characters and marks take no space next to them."""
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’"
