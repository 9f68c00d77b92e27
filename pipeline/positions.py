"""Positions through the change log: where a span of an earlier state of the text, or a change itself,
lies in the output (the writers show changes at their place; translation units follow the text)."""

from __future__ import annotations

from .document import Document, PositionMap, edits_before


def _batch_maps(doc: Document, since: int) -> list[PositionMap]:
    """One ``PositionMap`` per ``apply`` call whose changes start at or after change ``since``."""
    bounds = [*doc.batches, len(doc.changes)]
    maps = []
    for first, last in zip(bounds, bounds[1:]):
        if first < since or first == last:
            continue
        maps.append(PositionMap(edits_before(doc.changes[first:last])))
    return maps


def forward_spans(doc: Document, since: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Map spans of the text as it stood after ``since`` changes to the current text."""
    for mapper in _batch_maps(doc, since):
        spans = mapper.spans(spans)  # (``span`` of each, in one walk with the edits when in order)
    return spans


def change_spans(doc: Document, since: int = 0) -> list[tuple[int, int]]:
    """Where the result (``after``) of each change from change ``since`` on lies in the current text
    (empty for a removal)."""
    bounds = [*doc.batches, len(doc.changes)]
    out: list[tuple[int, int]] = []
    for first, last in zip(bounds, bounds[1:]):
        if first < since:
            continue
        batch_spans = [(c.start, c.start + len(c.after)) for c in doc.changes[first:last]]
        out.extend(forward_spans(doc, last, batch_spans) if last < len(doc.changes) else batch_spans)
    return out
