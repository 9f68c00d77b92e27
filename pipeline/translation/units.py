"""Translation units: the pieces of a document that are translated, paired and exported.

A unit is a sentence of one language run inside one block (``doc.blocks``): language runs
(``doc.segments``) and sentence ends cut a block into pieces, except inside a 《title》, a quoted or
bracketed phrase, which stays whole. Protected ranges (markup, code, URLs) are never part of a unit.
Pieces without a letter or Han character (``（一）``, ``2023``) and runs of other languages are not units:
they stay as they are on both sides of a bilingual document.

Every output format and the report name units by the same ``id`` (``u1``, ``u2``, ... in document order).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import regex

from ..document import Block, Document, Segment

TRANSLATABLE = ("zh", "en")

# Phrases that are never split: paired marks on one line, bounded so that a stray mark costs nothing.
_ATOMIC = regex.compile(
    r"《[^《》\n]{0,200}》|〈[^〈〉\n]{0,200}〉|“[^“”\n]{0,400}”|‘[^‘’\n]{0,400}’|「[^「」\n]{0,400}」"
    r"|『[^『』\n]{0,400}』|（[^（）\n]{0,200}）|\([^()\n]{0,200}\)|【[^【】\n]{0,200}】"
    r"|(?<![\p{L}\p{N}])\"[^\"\n]{1,400}\"(?![\p{L}\p{N}])"
)
# A sentence ends after 。！？!?… (with the closing quotes and brackets that follow), or after a period
# followed by a space or the end (not 3.5, not e.g.).
_SENTENCE_END = regex.compile(r"(?:[。！？!?]|…{1,2}|\.(?=[ \t]|\n|\Z|\p{Han}))[”’」』）)\]】]*")
# A Han character carries about as much as a short English word: weigh runs by meaning, not length.
_WEIGHT = {"zh": 3}
# Characters that English text cannot touch without a space (``activities.The``).
_GLUE = regex.compile(r"[\p{Latin}\d.,;:!?)\]\"'%]")
_STRONG = regex.compile(r"[\p{Han}\p{L}]")
_HAN = regex.compile(r"\p{Han}")
_LATIN = regex.compile(r"\p{Latin}")


@dataclass(slots=True)
class Unit:
    """A translation unit. ``start``/``end`` locate it in ``doc.text``: its source text, or its
    translation once the translate stage has put that in place (``placed``)."""

    id: str
    lang: str  # the source language: zh | en
    text: str  # the source text
    start: int
    end: int
    block: int  # index into doc.blocks
    kind: str  # the block's kind: paragraph | heading | meta
    target: str | None = None  # the translation, when there is one
    origin: str | None = None  # memory | mt | llm
    missing_terms: tuple[str, ...] = ()  # glossary terms the translation lacks
    placed: bool = False  # the translation replaced the source in the document

    def side(self, lang: str) -> str | None:
        """The unit's text in ``lang`` (None when that side is missing)."""
        return self.text if lang == self.lang else self.target

    def to_dict(self) -> dict:
        return {"id": self.id, "lang": self.lang, "start": self.start, "end": self.end,
                "block": self.block, "text": self.text, "target": self.target, "origin": self.origin,
                **({"missing_terms": list(self.missing_terms)} if self.missing_terms else {})}


def build_units(doc: Document) -> list[Unit]:
    """The document's units, in order (see the module docstring)."""
    text = doc.text
    blocks = doc.blocks or ([Block(0, len(text), "paragraph")] if text.strip() else [])
    segments = doc.segments or [Segment(0, len(text), "other")]
    seg_starts = [s.start for s in segments]
    units: list[Unit] = []
    for b_index, block in enumerate(blocks):
        atomic = [m.span() for m in _ATOMIC.finditer(text, block.start, block.end)]
        for start, end in _pieces(text, block.start, block.end, segments, atomic, doc.protected):
            start, end = _trim(text, start, end)
            if end <= start or not _STRONG.search(text, start, end):
                continue
            lang = _script_checked(_language(text, segments, seg_starts, start, end, atomic), text, start, end)
            if lang not in TRANSLATABLE:
                continue
            units.append(Unit(f"u{len(units) + 1}", lang, text[start:end], start, end, b_index, block.kind))
    return units


def _script_checked(lang: str, text: str, start: int, end: int) -> str:
    """A unit is Chinese only if it holds a Han character, English only if it holds a Latin letter: a
    short English word the runs put inside a Chinese clause (``（二）…an``) is no Chinese to translate. So
    a translation without a character of its source's script is never taken for the source again."""
    if lang == "zh" and not _HAN.search(text, start, end):
        return "en" if _LATIN.search(text, start, end) else "other"
    if lang == "en" and not _LATIN.search(text, start, end):
        return "zh" if _HAN.search(text, start, end) else "other"
    return lang


def _pieces(text: str, start: int, end: int, segments: list[Segment], atomic: list[tuple[int, int]],
            protected: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # A language change at the edge of a quoted phrase does not cut: the phrase belongs to its clause.
    cuts = {s.start for s in segments if start < s.start < end
            and not any(_at_edge(text, s.start, a, b) for a, b in atomic)}
    ends = (m.end() for m in _SENTENCE_END.finditer(text, start, end))
    cuts.update(c for c in ends if start < c < end and not any(a < c < b for a, b in atomic))
    bounds = [start, *sorted(cuts), end]
    pieces = list(zip(bounds, bounds[1:]))
    inside = [(max(s, start), min(e, end)) for s, e in protected if s < end and start < e]
    return [p for piece in pieces for p in _outside(piece, inside)] if inside else pieces


def needs_space(left: str, right: str) -> bool:
    """Whether English ``left`` and ``right`` put side by side need a space between them."""
    return bool(left) and bool(right) and bool(_GLUE.match(left[-1])) and bool(_GLUE.match(right[0]))


def _at_edge(text: str, cut: int, a: int, b: int) -> bool:
    """``cut`` is inside ``[a, b]`` or separated from it by spaces only."""
    if cut < a:
        return not text[cut:a].strip()
    return cut <= b or not text[b:cut].strip()


def _outside(piece: tuple[int, int], protected: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``piece`` outside the protected ranges."""
    out, pos = [], piece[0]
    for s, e in protected:
        if e <= pos or s >= piece[1]:
            continue
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < piece[1]:
        out.append((pos, piece[1]))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _language(text: str, segments: list[Segment], starts: list[int], start: int, end: int,
              atomic: list[tuple[int, int]]) -> str:
    """The language of most of ``[start, end)`` outside its quoted phrases (a Chinese clause quoting
    English is Chinese); of the whole piece when the quotation is all it has."""
    outside = _outside((start, end), [(max(a, start), min(b, end)) for a, b in atomic if a < end and start < b])
    spans = [(s, e) for s, e in outside if _STRONG.search(text, s, e)] or [(start, end)]
    cover: dict[str, int] = {}
    for s, e in spans:
        i = max(bisect_right(starts, s) - 1, 0)
        while i < len(segments) and segments[i].start < e:
            seg = segments[i]
            cover[seg.lang] = cover.get(seg.lang, 0) + (min(e, seg.end) - max(s, seg.start)) * _WEIGHT.get(seg.lang, 1)
            i += 1
    return max(cover, key=lambda lang: (cover[lang], lang != "other")) if cover else "other"
