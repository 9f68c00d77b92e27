"""The document model shared by every stage, and the one function that edits it.

A stage never assigns to ``doc.text``. It proposes ``Edit``s on the text as it stands and calls
``doc.apply(stage, edits)``, which applies them in one pass, appends one ``Change`` per edit to the log
and moves every span the document carries (flags, segments, blocks, protected ranges) to the new text.
Because the log is written by the same code that edits the text, the replay law holds by construction:
replaying ``doc.changes`` in order on the decoded input gives ``doc.text``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import attrgetter
from typing import Iterable, Sequence

LANGS = ("zh", "en", "other")
_EDIT_ORDER = attrgetter("start", "end")


# Edits and changes are made by the ten thousand: plain slotted dataclasses, three times cheaper to build
# than frozen ones (nothing hashes them; stages never change one after making it).
@dataclass(slots=True)
class Edit:
    """A proposed replacement of ``text[start:end]`` by ``after`` (offsets into the current text)."""

    start: int
    end: int
    after: str
    rule: str
    score: float | None = None


@dataclass(slots=True)
class Change:
    """One applied edit, as the report shows it: offsets into the text as it stood at that moment."""

    stage: str
    rule: str
    start: int
    end: int
    before: str
    after: str
    score: float | None = None

    def to_dict(self) -> dict:
        # Spelled out: ``asdict`` deep-copies field by field and was a third of a batch's time.
        d = {"stage": self.stage, "rule": self.rule, "start": self.start, "end": self.end,
             "before": self.before, "after": self.after}
        if self.score is not None:
            d["score"] = self.score
        return d


@dataclass(slots=True)
class Flag:
    """Something an editor should look at that was not changed (offsets into the current text)."""

    stage: str
    rule: str
    start: int
    end: int
    message: str

    def to_dict(self) -> dict:
        return {"stage": self.stage, "rule": self.rule, "start": self.start, "end": self.end,
                "message": self.message}


@dataclass(slots=True)
class Segment:
    """A language run: ``lang`` is ``zh``, ``en`` or ``other``."""

    start: int
    end: int
    lang: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "lang": self.lang}


@dataclass(slots=True)
class Block:
    """A structural unit: ``paragraph``, ``heading`` or ``meta`` (structure stage, Markdown and HTML), or
    ``attribute`` (the ``title``/``alt`` text of an HTML element)."""

    start: int
    end: int
    kind: str


@dataclass
class Document:
    text: str
    source: str = "-"
    format: str = "text"
    changes: list[Change] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    # Ranges no stage may edit (markup, code, URLs, ...). Edits that touch them are dropped.
    protected: list[tuple[int, int]] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    # Index into ``changes`` where each ``apply`` call started: lets us map positions back to the input.
    batches: list[int] = field(default_factory=list)
    # A large file is cleaned piece by piece (whole paragraphs, see docs/batch.md). A piece knows whether
    # it starts or ends the file (rules anchored there apply only then) and the language just before it.
    at_start: bool = True
    at_end: bool = True
    lang_before: str | None = None
    # ``len(changes)`` when ``segments`` were last found by the segment stage: the runs are carried through
    # later edits, and a stage whose edits may change a language (spam, terms) calls for fresh ones.
    segmented_at: int = 0

    # -- editing ---------------------------------------------------------------------------------

    def apply(self, stage: str, edits: Iterable[Edit], *, respect_protected: bool = True) -> int:
        """Apply non-overlapping edits in one pass and record them. Returns the number applied.

        No-op edits are skipped; edits touching a protected range are dropped (unless a stage that owns
        the markup asks otherwise). Overlapping edits are a bug in the stage and raise ``ValueError``.
        """
        text = self.text
        todo = sorted((e for e in edits if text[e.start : e.end] != e.after), key=_EDIT_ORDER)
        if respect_protected and self.protected and todo:
            todo = [e for e in todo if not self._touches_protected(e.start, e.end)]
        if not todo:
            return 0
        pieces: list[str] = []
        piece = pieces.append
        record = self.changes.append
        n = len(text)
        pos = shift = 0
        new_starts: list[int] = []
        new_ends: list[int] = []
        self.batches.append(len(self.changes))
        for e in todo:
            start, end, after = e.start, e.end, e.after
            if start < pos or end < start or end > n:
                raise ValueError(f"{stage}: edit {e} overlaps a previous edit or leaves the text")
            piece(text[pos:start])
            piece(after)
            pos = end
            new_start = start + shift
            record(Change(stage, e.rule, new_start, end + shift, text[start:end], after, e.score))
            shift += len(after) - (end - start)
            new_starts.append(new_start)
            new_ends.append(end + shift)
        pieces.append(text[pos:])
        self.text = "".join(pieces)
        self._remap(PositionMap(todo, new_starts, new_ends))
        return len(todo)

    def flag(self, stage: str, rule: str, start: int, end: int, message: str) -> None:
        self.flags.append(Flag(stage, rule, start, end, message))

    def _touches_protected(self, start: int, end: int) -> bool:
        spans = self.protected
        i = bisect_right(spans, (end, end)) - 1  # last range starting at or before ``end``
        while i >= 0 and spans[i][1] > start - 1:
            ps, pe = spans[i]
            if (ps < end and start < pe) or (start == end and ps < start < pe):
                return True
            if pe <= start:
                break
            i -= 1
        return False

    def protect(self, spans: Iterable[tuple[int, int]]) -> None:
        """Mark ranges as untouchable; overlapping ranges are merged."""
        merged: list[tuple[int, int]] = []
        for s, e in sorted([*self.protected, *spans]):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            elif e > s:
                merged.append((s, e))
        self.protected = merged

    def _remap(self, mapper: "PositionMap") -> None:
        for f in self.flags:
            f.start, f.end = mapper.span(f.start, f.end)
        if self.blocks:
            for b, (s, e) in zip(self.blocks, mapper.spans([(b.start, b.end) for b in self.blocks])):
                b.start, b.end = s, e
            self.blocks = [b for b in self.blocks if b.end > b.start]
        if self.protected:
            self.protected = [(s, e) for s, e in mapper.spans(self.protected) if e > s]
        if self.segments:
            self.segments = remap_partition(self.segments, mapper, len(self.text))

    # -- reading ---------------------------------------------------------------------------------

    def prose_view(self) -> str:
        """Markdown and HTML: the text with every protected range (markup, code, URLs) blanked out, line
        breaks kept; same offsets, for stages that read words or languages and must not take a tag for an
        English word. Plain text has no markup: it is returned as it is."""
        if not self.protected or self.format == "text":
            return self.text
        pieces = []
        pos = 0
        for s, e in self.protected:
            pieces.append(self.text[pos:s])
            pieces.append("\n".join(" " * len(line) for line in self.text[s:e].split("\n")))
            pos = e
        pieces.append(self.text[pos:])
        return "".join(pieces)

    def unprotected(self, start: int, end: int) -> list[tuple[int, int]]:
        """The editable (prose) parts of ``text[start:end]``, e.g. of a block with inline markup."""
        out = []
        for s, e in self.protected:
            if e <= start:
                continue
            if s >= end:
                break
            if s > start:
                out.append((start, s))
            start = max(start, e)
        if start < end:
            out.append((start, end))
        return out

    def lang_at(self, pos: int) -> str | None:
        """Language of the run that contains ``pos`` (None before segmentation)."""
        segs = self.segments
        if not segs:
            return None
        i = bisect_right([s.start for s in segs], pos) - 1
        return segs[max(i, 0)].lang

    def change_input_offset(self, index: int) -> int:
        """Where change ``index`` starts in the decoded input (for ``path:line:col`` findings)."""
        c = self.changes[index]
        k = bisect_right(self.batches, index) - 1
        first = self.batches[k]
        # Earlier changes of the same batch lie to the left: undo their shift first.
        pos = c.start - sum(len(p.after) - (p.end - p.start) for p in self.changes[first:index])
        return self._back_through_batches(pos, k)

    def to_input_offset(self, pos: int) -> int:
        """Map an offset of the current text back to the decoded input."""
        return self._back_through_batches(pos, len(self.batches))

    def _back_through_batches(self, pos: int, upto: int) -> int:
        bounds = self.batches[1:] + [len(self.changes)]
        for k in range(upto - 1, -1, -1):
            batch = self.changes[self.batches[k] : bounds[k]]
            # After the whole batch, change c occupies [c.start, c.start + len(c.after)).
            i = bisect_right([c.start for c in batch], pos) - 1
            if i < 0:
                continue
            shift = sum(len(c.after) - (c.end - c.start) for c in batch[:i])
            c = batch[i]
            if pos < c.start + len(c.after):
                pos = c.start - shift
            else:
                pos -= shift + len(c.after) - (c.end - c.start)
        return pos


def edits_before(batch: Sequence[Change]) -> list[Edit]:
    """The changes of one ``apply`` call as the edits of the text before it (each change's offsets are
    those of the text with the batch's earlier changes made)."""
    edits, shift = [], 0
    for c in batch:
        edits.append(Edit(c.start - shift, c.end - shift, c.after, c.rule))
        shift += len(c.after) - (c.end - c.start)
    return edits


class PositionMap:
    """Maps offsets of the text before a batch of edits to offsets after it."""

    def __init__(self, edits: Sequence[Edit], new_starts: list[int] | None = None,
                 new_ends: list[int] | None = None):
        """``new_starts``/``new_ends``: where each edit's result lies, when the caller has them already."""
        self.starts = [e.start for e in edits]
        self.ends = [e.end for e in edits]
        if new_starts is None or new_ends is None:
            new_starts, new_ends = [], []
            shift = 0
            for e in edits:
                new_starts.append(e.start + shift)
                shift += len(e.after) - (e.end - e.start)
                new_ends.append(e.end + shift)
        self.new_starts, self.new_ends = new_starts, new_ends

    def map(self, p: int, *, inside_to_end: bool, past_insertions: bool) -> int:
        """New offset of old offset ``p``.

        ``inside_to_end``: a position strictly inside a replaced range goes to the end of the replacement
        (else to its start). ``past_insertions``: text inserted exactly at ``p`` ends up before ``p``.
        """
        n = len(self.ends)
        if past_insertions:
            i = bisect_right(self.ends, p)  # every edit ending at or before p
        else:
            i = bisect_left(self.ends, p)  # edits ending before p, plus replacements ending at p
            while i < n and self.ends[i] == p and self.starts[i] < p:
                i += 1
        if i < n and self.starts[i] < p < self.ends[i]:
            return self.new_ends[i] if inside_to_end else self.new_starts[i]
        return p + (self.new_ends[i - 1] - self.ends[i - 1] if i else 0)

    def map_sorted(self, points: list[int], *, inside_to_end: bool, past_insertions: bool) -> list[int]:
        """``map`` for each of ``points``, in one walk with the edits when they are in order (both are
        sorted: the edits each point has passed only grow)."""
        starts, ends, new_starts, new_ends = self.starts, self.ends, self.new_starts, self.new_ends
        n = len(ends)
        i = 0
        last = -1
        out = []
        for p in points:
            if p < last:  # not in order: one search each
                return [self.map(q, inside_to_end=inside_to_end, past_insertions=past_insertions) for q in points]
            last = p
            if past_insertions:
                while i < n and ends[i] <= p:
                    i += 1
            else:
                while i < n and (ends[i] < p or ends[i] == p and starts[i] < p):
                    i += 1
            if i < n and starts[i] < p < ends[i]:
                out.append(new_ends[i] if inside_to_end else new_starts[i])
            else:
                out.append(p + (new_ends[i - 1] - ends[i - 1] if i else 0))
        return out

    def spans(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """``span`` for each of ``spans`` (a walk with the edits when the spans are in order)."""
        starts = self.map_sorted([s for s, _ in spans], inside_to_end=False, past_insertions=True)
        ends = self.map_sorted([e for _, e in spans], inside_to_end=True, past_insertions=False)
        return [(s, max(s, e) if end > start else s) for (start, end), s, e in zip(spans, starts, ends)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span keeps what it covered: it grows over replacements of its inside, not over neighbours."""
        s = self.map(start, inside_to_end=False, past_insertions=True)
        e = self.map(end, inside_to_end=True, past_insertions=False) if end > start else s
        return s, max(s, e)


_PAST = 1 << 62  # beyond any offset: where the edit after the last one starts and ends
_NO_LANG = object()  # the language before the first run: equal to none


def remap_partition(segments: list[Segment], mapper: PositionMap, length: int) -> list[Segment]:
    """Move a covering partition through a batch of edits; it stays covering, empty runs go.

    Text inserted at a boundary joins the run before it (as whitespace does in the segment stage).
    (``PositionMap.map(start, inside_to_end=False, past_insertions=True)`` for each boundary, walked
    in one pass with the edits: boundaries and edits are both in order.) The runs move in place (a new
    partition replaces the old one; nobody keeps the old runs), each as soon as the next one's start is
    mapped: one loop, the next edit's offsets at hand (a third faster than two loops; the two loops
    are in tests/test_document.py, compared with this one)."""
    starts, ends, new_starts, new_ends = mapper.starts, mapper.ends, mapper.new_starts, mapper.new_ends
    n = len(ends)
    out: list[Segment] = []
    if not segments:
        return out
    append = out.append
    i = shift = 0
    next_start, next_end = (starts[0], ends[0]) if n else (_PAST, _PAST)
    last_lang = _NO_LANG
    last = seg = segments[0]
    s = 0  # where ``seg`` starts now
    for following in chain(islice(segments, 1, None), (None,)):  # None: the end of the text
        if following is None:
            e = length
        else:
            p = following.start
            if next_end <= p:
                while i < n and ends[i] <= p:  # every edit ending at or before p
                    i += 1
                shift = new_ends[i - 1] - ends[i - 1]
                next_start, next_end = (starts[i], ends[i]) if i < n else (_PAST, _PAST)
            e = new_starts[i] if next_start < p else p + shift
        if e > s:
            if seg.lang == last_lang:
                last.end = e
            else:
                seg.start, seg.end = s, e
                append(seg)
                last, last_lang = seg, seg.lang
        s = e
        seg = following
    return out


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, those that overlap or touch joined into one."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def merge_runs(runs: Iterable[tuple[int, int, str]]) -> list[Segment]:
    """Join adjacent runs of the same language into segments, dropping empty ones."""
    out: list[Segment] = []
    append_runs(out, (Segment(s, e, lang) for s, e, lang in runs), 0)
    return out


def append_runs(out: list[Segment], segments: Iterable[Segment], shift: int) -> None:
    """Runs moved by ``shift`` and put after ``out``, adjacent ones of the same language joined and empty
    ones dropped; the ``Segment`` objects are moved in place rather than new ones made (a large document's
    runs are stitched piece by piece). ``merge_runs`` is this for new runs."""
    for seg in segments:
        s, e = seg.start + shift, seg.end + shift
        if e <= s:
            continue
        if out and out[-1].lang == seg.lang and out[-1].end == s:
            out[-1].end = e
        else:
            seg.start, seg.end = s, e
            out.append(seg)


def replay(text: str, changes: Iterable[Change | dict]) -> str:
    """Apply a change log to the decoded input, checking each ``before`` (the contract's replay law).

    Raises ``ValueError`` at the first change whose ``before`` is not what the text holds.
    """
    for i, c in enumerate(changes):
        c = c if isinstance(c, dict) else c.to_dict()
        start, end = c["start"], c["end"]
        if text[start:end] != c["before"]:
            raise ValueError(f"change {i} ({c['stage']}/{c['rule']}): text[{start}:{end}] is "
                             f"{text[start:end]!r}, not {c['before']!r}")
        text = text[:start] + c["after"] + text[end:]
    return text
